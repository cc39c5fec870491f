"""Reports → Untranslated events: per event the user may edit and per language, the page copy's
state and the snippets without a translation, each linked to Wagtail's own action."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from cms.models import EventOrganiser, EventPage, Organiser, SessionSpeaker
from registration.models import StaffRole
from registration.permissions import event_role_assign, roles_sync_groups
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

URL = "/admin/reports/untranslated-events/"


def cells(response) -> dict[str, dict[str, str]]:
    """Event title → language code → the text of its cell."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    rows = {}
    for row in soup.select("table.untranslated-events tbody tr"):
        title = row.select_one("th a, th").get_text(" ", strip=True)
        rows[title.split(" ")[0]] = {
            td["data-language"]: td.get_text(" ", strip=True) for td in row.select("td")
        }
    return rows


def links(response, event: str, language: str) -> dict[str, str]:
    """Link text → address in the cell of ``event``'s row and ``language``'s column."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    for row in soup.select("table.untranslated-events tbody tr"):
        if row.select_one("th").get_text(" ", strip=True).startswith(event):
            cell = row.select_one(f'td[data-language="{language}"]')
            return {a.get_text(strip=True): a["href"] for a in cell.select("a")}
    return {}


@pytest.fixture
def events():
    """Alpha: English, a live Russian copy, a draft Ukrainian one; a room, a speaker and an
    organiser, the speaker translated into Russian only. Beta: English only."""
    alpha = event_create(translations=("ru",), title="Alpha")
    draft = alpha.copy_for_translation(Locale.objects.get(language_code="uk"))
    draft.save_revision()
    room = RoomFactory(name="Plenary hall")
    speaker = SpeakerFactory(name="Aida Nurlanovna")
    speaker.copy_for_translation(Locale.objects.get(language_code="ru")).save()
    session = SessionFactory(page=alpha, room=room)
    SessionSpeaker.objects.create(session=session, speaker=speaker)
    EventOrganiser.objects.create(page=alpha, organiser=Organiser.objects.create(name="OSCE"))
    beta = event_create(translations=(), title="Beta")
    return alpha, beta, draft


def test_report_lists_page_state_and_missing_snippets_per_language(admin_client, events):
    _alpha, _beta, _draft = events

    response = admin_client.get(URL)

    assert response.status_code == 200
    rows = cells(response)
    assert set(rows) == {"Alpha", "Beta"}
    assert set(rows["Alpha"]) == {code for code, _name in settings.LANGUAGES}
    assert "Page: published" in rows["Alpha"]["en"]
    assert "Complete" in rows["Alpha"]["en"]
    assert "Page: published" in rows["Alpha"]["ru"]
    assert "Plenary hall" in rows["Alpha"]["ru"]
    assert "OSCE" in rows["Alpha"]["ru"]
    assert "Aida Nurlanovna" not in rows["Alpha"]["ru"]  # translated into Russian
    assert "Page: draft, not published" in rows["Alpha"]["uk"]
    assert "Aida Nurlanovna" in rows["Alpha"]["uk"]
    assert "Page: not translated" in rows["Alpha"]["kk"]
    assert "Page: not translated" in rows["Beta"]["ru"]


def test_missing_items_link_to_wagtails_own_actions(admin_client, events):
    alpha, _beta, draft = events
    room = alpha.sessions.first().room

    response = admin_client.get(URL)

    uk = links(response, "Alpha", "uk")
    assert uk["Page: draft, not published"] == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert uk["Plenary hall"] == reverse(
        "simple_translation:submit_snippet_translation", args=["cms", "room", room.pk]
    )
    kk = links(response, "Alpha", "kk")
    assert kk["Page: not translated"] == reverse(
        "simple_translation:submit_page_translation", args=[alpha.pk]
    )
    # The links work: Wagtail's translate form for the snippet.
    assert admin_client.get(uk["Plenary hall"]).status_code == 200


def test_organiser_sees_only_their_events(client, events):
    _alpha, beta, _draft = events
    roles_sync_groups()
    user = get_user_model().objects.create_user("organiser", password="pw")
    event_role_assign(user=user, event=beta, role=StaffRole.ORGANISER)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    assert set(cells(response)) == {"Beta"}
    # The menu shows the report to them.
    assert URL in client.get("/admin/").content.decode()


def test_staff_without_page_permissions_are_sent_back_to_the_dashboard(client, events):
    alpha, _beta, _draft = events
    roles_sync_groups()
    user = get_user_model().objects.create_user("checkin", password="pw")
    event_role_assign(user=user, event=alpha, role=StaffRole.CHECKIN)
    client.force_login(user)

    response = client.get(URL)

    # Wagtail's answer to a refused admin view: back to the dashboard with a message.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "Alpha" not in response.content.decode()
    assert URL not in client.get("/admin/").content.decode()


def test_report_in_russian_names_the_states_in_russian(admin_client, admin_user, events):

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()

    response = admin_client.get(URL)

    assert "Страница: опубликована" in response.content.decode()
    assert EventPage.objects.filter(title="Alpha").exists()


def test_russian_staff_read_the_russian_title_and_the_english_one_marked(
    admin_client, admin_user, events
):

    alpha, _beta, _draft = events
    russian = alpha.get_translation(Locale.objects.get(language_code="ru"))
    russian.title = "Альфа"
    russian.save_revision().publish()
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()

    soup = BeautifulSoup(admin_client.get(URL).content.decode(), "html.parser")

    titles = {
        th.get_text(" ", strip=True).split(" ")[0]: th.select_one("span")
        for th in soup.select("table.untranslated-events tbody th")
    }
    assert "Альфа" in titles
    assert "Alpha" not in titles
    assert titles["Альфа"].get("lang") is None
    assert titles["Beta"]["lang"] == "en"


def test_report_exports_a_spreadsheet_line_per_event(admin_client, events):
    response = admin_client.get(URL + "?export=csv")

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    lines = [line for line in text.splitlines() if line]
    assert lines[0].startswith("Event,")
    alpha = next(line for line in lines if line.startswith("Alpha,"))
    assert "Page: draft, not published" in alpha
    assert "Plenary hall" in alpha
