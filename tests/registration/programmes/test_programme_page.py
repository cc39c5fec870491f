"""The public programme page (and its copies in ru/uk, or the fallback), the enrolment form
posted from it, the event page's link to its programme, the personal programme page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale

from cms.models import EventPage
from registration.links import manage_url, registration_from_key
from registration.models import Registration
from registration.programmes.links import enrolment_from_key, enrolment_url
from registration.programmes.models import Enrolment
from registration.programmes.services.enrolment import enrolment_confirm, enrolment_create
from tests.factories import RegistrationFactory, today_in
from tests.registration.programmes.enrol_helpers import (
    MEETING_LINK,
    enrol_data,
    enrol_post,
    programme_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return programme_world(translations=())


@pytest.fixture
def translated():
    return programme_world(translations=("ru", "uk"))


def _get(client, url, language="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def test_public_page_shows_sessions_and_never_the_meeting_link(client, world):
    html = _get(client, world["programme"].url)

    assert "Opening training of mentors" in html
    assert "Online · Zoom" in html
    assert MEETING_LINK not in html
    assert "secret-room" not in html
    # Cohorts with their places, and the enrolment form with the registration form's fields.
    assert "North" in html
    assert "South" in html
    assert 'name="given_name"' in html
    assert 'name="consent"' in html


def test_cohort_label_shows_places_left_and_full_cohorts_are_not_offered(client):
    world = programme_world(translations=(), capacity_north=1)
    html = _get(client, world["programme"].url)
    assert "North (places left: 1)" in html

    enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(), language="en"
    )
    html = _get(client, world["programme"].url)
    assert "North (places left" not in html
    assert f'value="{world["south"].pk}"' in html
    assert f'value="{world["north"].pk}"' not in html


@pytest.mark.parametrize(
    ("language", "heading", "online"),
    [("ru", "Запись на программу", "Онлайн · Zoom"), ("uk", "Запис на програму", "Онлайн · Zoom")],
)
def test_programme_page_in_russian_and_ukrainian(client, translated, language, heading, online):
    copy = translated["programme"].get_translation(Locale.objects.get(language_code=language))
    html = _get(client, copy.url, language)

    assert heading in html
    assert online in html
    assert MEETING_LINK not in html


def test_kazakh_visitor_gets_the_fallback_page(client, world):
    path = world["programme"].url.replace("/en/", "/kk/", 1)
    html = _get(client, path, "kk")
    assert "Pilot mentoring programme for women in the police" in html
    assert "Бағдарламаға жазылу" in html  # the interface in Kazakh: "Enrolment"
    assert MEETING_LINK not in html


def test_closed_programme_says_enrolment_is_by_the_organisers(client):
    world = programme_world(translations=(), enrolment_open=False)
    html = _get(client, world["programme"].url)
    assert "Participants are enrolled by the organisers." in html
    assert 'name="given_name"' not in html


def test_event_page_links_to_its_programme(client, world):
    html = _get(client, world["training"].url)
    assert "Part of Pilot mentoring programme for women in the police" in html
    assert f'href="{world["programme"].url}"' in html


def test_form_post_enrols_once_and_answers_the_same_to_a_repeat(client, world):
    url = reverse("programmes:enrol", kwargs={"programme_id": world["programme"].pk})
    done = reverse("programmes:enrol_done", kwargs={"programme_id": world["programme"].pk})

    first = client.post(url, enrol_post(world["north"]))
    second = client.post(url, enrol_post(world["north"]))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == done
    assert Enrolment.objects.count() == 1
    assert Registration.objects.count() == 3
    assert "Check your e-mail" in _get(client, done)


def test_form_errors_are_translated_and_nothing_is_saved(client, world):
    url = reverse("programmes:enrol", kwargs={"programme_id": world["programme"].pk})
    url = url.replace("/en/", "/ru/", 1) if url.startswith("/en/") else "/ru" + url

    response = client.post(url, enrol_post(None, given_name="", consent=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Выберите" in html  # "Choose your cohort." in Russian
    assert Enrolment.objects.count() == 0
    assert Registration.objects.count() == 0


def test_form_post_when_an_event_is_full_names_it(client, world):
    online = world["online"]
    online.capacity = 0
    online.save()
    url = reverse("programmes:enrol", kwargs={"programme_id": world["programme"].pk})

    response = client.post(url, enrol_post(world["south"]))

    assert response.status_code == 400
    assert "Monthly online session" in response.content.decode()
    assert (Enrolment.objects.count(), Registration.objects.count()) == (0, 0)


def _enrolled(world):
    return enrolment_create(
        programme=world["programme"],
        cohort=world["south"],
        data=enrol_data(language="en"),
        language="en",
    ).enrolment


def test_personal_page_shows_the_meeting_link_once_confirmed(client, world):
    enrolment = _enrolled(world)
    url = enrolment_url(enrolment, absolute=False)

    html = _get(client, url)
    assert "Monthly online session" in html
    assert MEETING_LINK not in html
    assert "Confirm my enrolment" in html

    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    html = _get(client, url)
    assert MEETING_LINK in html
    assert "Zoom" in html
    assert "Confirm my enrolment" not in html
    # Each session links to its own registration page.
    linked = {
        registration_from_key(key).event_id for key in re.findall(r"/manage/([^/\"]+)/", html)
    }
    assert linked == {world["training"].pk, world["online"].pk}
    assert "no-store" in response["Cache-Control"]


def test_personal_page_drops_the_meeting_link_once_the_session_is_over(client, world):
    """A confirmed participant's session held yesterday at the venue: the page says it is over
    and no longer carries the link (the session a month ahead still has it on the same page
    — see the test above)."""
    online = world["online"]
    enrolment = _enrolled(world)
    enrolment_confirm(enrolment=enrolment)
    url = enrolment_url(enrolment, absolute=False)
    assert MEETING_LINK in _get(client, url)

    yesterday = today_in(online.time_zone) - dt.timedelta(days=1)
    online.start_date = online.end_date = yesterday
    online.save_revision().publish()
    html = _get(client, url)

    assert MEETING_LINK not in html
    assert "This session is over." in html


@pytest.mark.parametrize(
    ("now_utc", "over"),
    [
        (dt.datetime(2026, 3, 14, 17, 59, tzinfo=dt.UTC), False),  # 23:59 in Bishkek
        (dt.datetime(2026, 3, 14, 18, 0, tzinfo=dt.UTC), True),  # midnight in Bishkek
    ],
)
def test_a_session_is_over_at_midnight_after_its_last_day_at_the_venue(now_utc, over):
    event = EventPage(
        start_date=dt.date(2026, 3, 13), end_date=dt.date(2026, 3, 14), time_zone="Asia/Bishkek"
    )
    assert event.is_over(now_utc) is over


def test_personal_page_shows_hours_and_progress(client, world):
    enrolment = _enrolled(world)
    enrolment_confirm(enrolment=enrolment)
    html = _get(client, enrolment_url(enrolment, absolute=False))
    assert "0 of 16" in html


def test_forged_and_expired_personal_links(client, world, monkeypatch):
    enrolment = _enrolled(world)
    url = enrolment_url(enrolment, absolute=False)

    forged = client.get(url.rstrip("/") + "x/")
    assert forged.status_code == 400
    with translation.override(enrolment.language):
        does_not_work = gettext("This link does not work")
    assert does_not_work in forged.content.decode()

    programme = world["programme"]
    programme.end_date = dt.date(2000, 1, 1)
    programme.start_date = dt.date(1999, 6, 1)
    programme.save()
    expired = client.get(url)
    assert expired.status_code == 410
    assert does_not_work in expired.content.decode()
    assert "Kovalenko" not in expired.content.decode()


def test_manage_page_links_to_the_programme_page(client, world):
    enrolment = _enrolled(world)
    registration = Registration.objects.get(event=world["training"])

    html = _get(client, manage_url(registration, absolute=False))

    keys = re.findall(r'href="/en/programmes/me/([^/"]+)/"', html)
    assert [enrolment_from_key(key) for key in keys] == [enrolment]
    assert "See your programme, sessions and hours" in html


def test_manage_page_of_an_event_outside_programmes_has_no_panel(client):
    registration = RegistrationFactory()
    html = _get(client, manage_url(registration, absolute=False))
    assert "programme-panel-title" not in html


def test_enrolments_over_the_client_limit_are_refused_with_429_keeping_input(
    client, world, settings
):
    settings.RATELIMIT_REGISTER = "2/d"  # a day: no window ends midway
    url = reverse("programmes:enrol", kwargs={"programme_id": world["programme"].pk})
    statuses = [
        client.post(url, enrol_post(world["south"], email=f"p{n}@example.org")).status_code
        for n in range(2)
    ]

    refused = client.post(url, enrol_post(world["south"], email="p2@example.org"))

    assert statuses == [302, 302]
    assert refused.status_code == 429
    assert 'value="p2@example.org"' in refused.content.decode()
    assert Enrolment.objects.count() == 2
