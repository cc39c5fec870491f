"""The demo mentoring programme in Chromium: a mentee opens their personal programme page in
English and in Russian and reads their sessions, hours and mentor; the public programme page
lists its events; the organiser (staff, not an administrator) opens the Programmes screen and
the programme's overview. axe-core finds nothing on the three pages.

Screenshots go to $SHOTS_DIR/programme-*.png.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.models import EventPage, ProgrammePage
from registration.programmes.links import enrolment_url
from registration.programmes.models import MentorPair
from tests.browser.test_scanner import login
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What the mentee reads on their page, per language.
TEXT = {
    "en": {"sessions": "Your sessions and hours", "hours": "Hours attended:"},
    "ru": {"sessions": "Ваши сессии и часы", "hours": "Посещено часов:"},
}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"programme-{name}.png"), full_page=True)


def _in_language(url_path: str, current: str, language: str) -> str:
    """The same page under another language prefix."""
    assert url_path.startswith(f"/{current}/")
    return f"/{language}/{url_path[len(current) + 2 :]}"


def test_mentee_organiser_and_public_page_of_the_demo_programme(live_server, page, axe):
    call_command("load_demo", "--no-admin", stdout=io.StringIO())
    programme = ProgrammePage.objects.get(
        slug="mentoring-programme-women-police", locale__language_code="en"
    )
    pair = (
        MentorPair.objects.filter(cohort__programme=programme)
        .select_related("mentor", "mentee")
        .order_by("pk")
        .first()
    )
    mentee, mentor = pair.mentee, pair.mentor
    training = EventPage.objects.get(slug="mentors-training", locale__language_code="en")
    titles = {
        code: EventPage.objects.get(
            translation_key=training.translation_key, locale__language_code=code
        ).title
        for code in TEXT
    }
    personal = enrolment_url(mentee, absolute=False)
    violations: dict[str, list] = {}

    # The mentee's own page, in English and in Russian.
    for language, text in TEXT.items():
        page.goto(live_server.url + _in_language(personal, mentee.language, language))
        assert page.locator("html").get_attribute("lang") == language
        sessions = page.locator("section.programme-sessions")
        assert sessions.locator("h2").inner_text() == text["sessions"]
        assert sessions.locator("tbody tr").count() == 7
        assert titles[language] in sessions.inner_text()
        assert text["hours"] in sessions.inner_text()
        mentoring = page.locator("#mentoring")
        assert f"{mentor.given_name} {mentor.family_name}" in mentoring.inner_text()
        shot(page, f"personal-{language}")
        violations[f"personal-{language}"] = axe(page)

    # The public programme page lists the opening training and the online sessions.
    page.goto(live_server.url + programme.url)
    assert page.locator("h1").first.inner_text() == programme.title
    assert page.get_by_role("link", name=titles["en"]).count() >= 1
    shot(page, "public-en")
    violations["public-en"] = axe(page)

    # The organiser (staff, not an administrator) opens the programme's overview.
    organiser = get_user_model().objects.get(username="organiser")
    assert not organiser.is_superuser
    login(page.context, live_server, organiser)
    page.goto(f"{live_server.url}/admin/programmes/")
    page.get_by_role("link", name=programme.title).click()
    page.wait_for_url(f"**/admin/programmes/{programme.pk}/")
    assert page.get_by_role("heading", level=1).filter(has_text=programme.title).count() == 1
    assert page.get_by_role("heading", name="Cohorts").count() == 1
    shot(page, "overview-en")
    violations["overview-en"] = axe(page)

    assert violations == {name: [] for name in violations}
