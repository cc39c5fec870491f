"""One scan, one time: the event's zone in the scan answer, the name search and the attendance
list; search shows who is checked in today; every check-in page has a title.

The event ran on fixed days in May 2025 in Bishkek (UTC+06:00, no summer time), so nothing
here depends on today's date: the scans pass ``day`` and ``at`` (in the past: a scan's time
is never later than the clock) and the search its ``now``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registration.checkin.selectors import checkin_search
from registration.checkin.services import CheckInError, checkin_perform
from registration.links import sign_key
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    RegistrationFactory,
    StaffUserFactory,
)
from tests.registration.checkin.checkin_factories import nonce

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DAY_ONE = dt.date(2025, 5, 10)
#: 03:14 UTC is 09:14 in Bishkek; the server's zone (UTC) would say 03:14.
SCANNED_AT = dt.datetime(2025, 5, 10, 3, 14, tzinfo=UTC)


@pytest.fixture
def event(db):
    return EventPageFactory(
        title="Community policing workshop",
        time_zone="Asia/Bishkek",
        start_date=DAY_ONE,
        end_date=DAY_ONE + dt.timedelta(days=1),
    )


@pytest.fixture
def organiser(event):
    return StaffUserFactory(roles=["organiser"], roles__event=event, username="org")


@pytest.fixture
def checker(event):
    return StaffUserFactory(
        roles=["checkin"], roles__event=event, first_name="Bakyt", last_name="Toktogulov"
    )


@pytest.fixture
def aigul(event):
    return RegistrationFactory(
        event=event,
        given_name="Айгуль",
        family_name="Нурланова",
        organisation="Академия МВД",
        access_needs=["wheelchair"],
    )


def scan(event, registration, by, *, at=SCANNED_AT, day=DAY_ONE):
    return checkin_perform(
        event=event, token=registration.badge_token, by=by, nonce=nonce(), at=at, day=day
    )


def test_scan_answer_gives_the_event_local_time_and_names_the_zone(event, checker, aigul):
    result = scan(event, aigul, checker)

    assert (result.participant["time"], result.participant["time_zone"]) == (
        "09:14",
        "Bishkek (UTC+06:00)",
    )
    with pytest.raises(CheckInError) as again:
        scan(event, aigul, checker, at=SCANNED_AT + dt.timedelta(hours=1))
    assert again.value.message.startswith(
        "Already checked in today at 09:14 (Bishkek) by Bakyt Toktogulov — Айгуль Нурланова"
    )
    assert again.value.participant["time"] == "09:14"


def test_wrong_day_is_amber_and_names_the_person(event, checker, aigul):
    with pytest.raises(CheckInError) as info:
        scan(event, aigul, checker, day=DAY_ONE - dt.timedelta(days=1))

    assert (info.value.code, info.value.level) == ("not_event_day", "warning")
    assert info.value.message == (
        "“Community policing workshop” does not take place on 9 May 2025 — Айгуль Нурланова, "
        "Академия МВД, Kazakhstan — listens in Russian — asked for: Wheelchair access"
    )


def test_search_shows_who_is_checked_in_today_and_when(event, checker, aigul):
    RegistrationFactory(event=event, given_name="Айгерим", family_name="Нурланова")
    scan(event, aigul, checker)

    rows = checkin_search(
        event=event, query="Нурлан", now=dt.datetime(2025, 5, 10, 12, 0, tzinfo=UTC)
    )
    tomorrow = checkin_search(
        event=event, query="Нурлан", now=dt.datetime(2025, 5, 11, 0, 30, tzinfo=UTC)
    )

    assert [(r["name"], r["checked_in"]) for r in rows] == [
        ("Айгерим Нурланова", ""),
        ("Айгуль Нурланова", "09:14"),
    ]
    assert rows[1]["checked_in_label"] == "checked in today at 09:14 (Bishkek)"
    assert rows[0]["checked_in_label"] == ""
    # 00:30 UTC on the 11th is 06:30 on the second day in Bishkek: nobody yet.
    assert [r["checked_in"] for r in tomorrow] == ["", ""]


def test_search_label_in_the_staff_language(event, checker, aigul):
    scan(event, aigul, checker)

    with translation.override("ru"):
        rows = checkin_search(
            event=event, query="Айгуль", now=dt.datetime(2025, 5, 10, 12, 0, tzinfo=UTC)
        )

    assert rows[0]["checked_in_label"] == "отмечен(а) сегодня в 09:14 (Бишкек)"


def test_attendance_list_shows_the_scan_at_the_event_local_time(
    client, event, organiser, checker, aigul
):
    scan(event, aigul, checker)
    client.force_login(organiser)

    html = client.get(
        reverse("checkin_admin:attendance", args=[event.pk]), {"day": "2025-05-10"}
    ).content.decode()

    latest = html[html.index("Latest check-ins") :]
    assert "Time (Bishkek)" in latest
    assert re.search(r"<td>09:14</td>\s*<td>Айгуль Нурланова</td>", latest)
    assert "03:14" not in latest
    assert "Bishkek (UTC+06:00)" in latest


@pytest.mark.parametrize(
    ("name", "args", "title"),
    [
        ("index", [], "Check-in"),
        ("scanner", ["event"], "Check-in: Community policing workshop"),
        ("attendance", ["event"], "Attendance: Community policing workshop"),
        ("badges", ["event"], "Badges: Community policing workshop"),
    ],
)
def test_every_checkin_page_has_a_title(client, event, organiser, name, args, title):
    client.force_login(organiser)
    url = reverse(f"checkin_admin:{name}", args=[event.pk for _ in args])

    html = client.get(url).content.decode()

    found = re.search(r"<title>\s*(.*?)\s*</title>", html, re.S).group(1)
    assert found.startswith(title + " - ")


@pytest.mark.parametrize("query", ["нурланова", "Nurlanova", "Aigul Nurlan", "айгуль"])
def test_search_finds_a_name_in_either_script(event, aigul, query):
    RegistrationFactory(event=event, given_name="Oleh", family_name="Bondar")

    rows = checkin_search(event=event, query=query)

    assert [r["name"] for r in rows] == ["Айгуль Нурланова"]


def test_search_keeps_to_names_not_addresses_or_organisations(event, aigul):
    RegistrationFactory(event=event, given_name="Oleh", family_name="Bondar", email="x@osce.org")

    assert checkin_search(event=event, query="osce") == []
    assert checkin_search(event=event, query="Академия") == []


def test_participant_data_page_and_export_give_the_event_local_time():
    # The personal-data link lives as long as the event is recent: an event of today, and a
    # check-in made directly at 03:14 UTC on its first day (09:14 in Bishkek).
    event = EventPageFactory(happening_today=True, time_zone="Asia/Bishkek")
    registration = RegistrationFactory(event=event)
    at = dt.datetime.combine(event.start_date, dt.time(3, 14), tzinfo=UTC)
    CheckInFactory(registration=registration, at=at)
    with translation.override("en"):
        key = {"key": sign_key(registration)}
        page = Client().get(reverse("registration:data_html", kwargs=key)).content.decode()
        export = Client().get(reverse("registration:data_json", kwargs=key)).json()

    assert export["check_ins"] == [
        {
            "day": event.start_date.isoformat(),
            "at": f"{event.start_date.isoformat()}T09:14:00+06:00",
            "time_zone": "Asia/Bishkek",
        }
    ]
    section = page[page.index('id="data-checkins"') :]
    assert re.search(r"<li>[^<]*9:14[^<]*\(Bishkek\)</li>", section)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
@example(query="Nurla\x00nova")  # PostgreSQL refuses NUL in a query string
def test_search_answers_any_text_in_json(client, event, checker, aigul, query):
    client.force_login(checker)

    response = client.get(reverse("checkin_admin:search", args=[event.pk]), {"q": query})

    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
