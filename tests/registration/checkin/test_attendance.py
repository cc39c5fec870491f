"""Attendance beyond the door scan: self check-in to online sessions, check-out, the host's
roster (service and page), and the scanner's check-out mode."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from django.urls import reverse

from registration.checkin.attendance import (
    AttendanceError,
    checkin_self,
    checkout,
    roster_mark,
)
from registration.checkin.models import CheckIn
from registration.links import sign_key
from tests.factories import EventPageFactory, RegistrationFactory, SessionFactory
from tests.registration.checkin.checkin_factories import aigerim, event_today, nonce, staff_create

pytestmark = pytest.mark.django_db

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
DAY1 = dt.date(2027, 3, 1)
DAY2 = DAY1 + dt.timedelta(days=1)


def kyiv(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KYIV)


@pytest.fixture
def online():
    """A two-day online session, 10:00–13:00 Kyiv time on the first day (two agenda items),
    no agenda on the second."""
    event = EventPageFactory(
        start_date=DAY1,
        end_date=DAY2,
        time_zone="Europe/Kyiv",
        format="online",
        title="Monthly mentoring session",
    )
    SessionFactory(page=event, day=DAY1, start_time=dt.time(10, 0), end_time=dt.time(11, 30))
    SessionFactory(page=event, day=DAY1, start_time=dt.time(11, 45), end_time=dt.time(13, 0))
    return event


@pytest.fixture
def person(online):
    return aigerim(online)


# --- self check-in ---------------------------------------------------------------------------


def test_self_checkin_opens_fifteen_minutes_before_the_first_session(person):
    result = checkin_self(registration=person, now=kyiv(DAY1, 9, 45))

    assert result.code == "checked_in"
    row = CheckIn.objects.get()
    assert (row.day, row.at, row.source, row.left_at) == (DAY1, kyiv(DAY1, 9, 45), "self", None)


def test_self_checkin_before_the_window_is_refused_with_the_opening_time(person):
    with pytest.raises(AttendanceError) as refused:
        checkin_self(registration=person, now=kyiv(DAY1, 9, 44))

    assert refused.value.code == "too_early"
    assert refused.value.message == (
        "Check-in opens at 09:45 (Kyiv), 15 minutes before the session starts."
    )
    assert not CheckIn.objects.exists()


def test_self_checkin_after_the_last_session_is_refused(person):
    with pytest.raises(AttendanceError) as refused:
        checkin_self(registration=person, now=kyiv(DAY1, 13, 0))

    assert refused.value.code == "too_late"
    assert refused.value.message == "The session ended at 13:00 (Kyiv): check-in is closed."
    assert not CheckIn.objects.exists()


def test_self_checkin_on_a_day_outside_the_event_is_refused(person):
    with pytest.raises(AttendanceError) as refused:
        checkin_self(registration=person, now=kyiv(DAY1 - dt.timedelta(days=1), 11, 0))

    assert refused.value.code == "not_event_day"


def test_self_checkin_twice_makes_one_row_and_keeps_the_first_time(person):
    checkin_self(registration=person, now=kyiv(DAY1, 10, 5))
    again = checkin_self(registration=person, now=kyiv(DAY1, 10, 6))

    assert (again.code, again.changed) == ("already_checked_in", False)
    assert list(CheckIn.objects.values_list("at", flat=True)) == [kyiv(DAY1, 10, 5)]


def test_self_checkin_on_a_day_without_agenda_is_open_all_day(person):
    result = checkin_self(registration=person, now=kyiv(DAY2, 18, 0))

    assert result.checkin.day == DAY2


def test_self_checkin_refused_for_an_in_person_event():
    event = EventPageFactory(start_date=DAY1, end_date=DAY1, time_zone="Europe/Kyiv")
    registration = aigerim(event)

    with pytest.raises(AttendanceError) as refused:
        checkin_self(registration=registration, now=kyiv(DAY1, 11, 0))

    assert refused.value.code == "not_online"


def test_self_checkin_refused_for_a_waitlisted_participant(online):
    registration = RegistrationFactory(event=online, waitlisted=True)

    with pytest.raises(AttendanceError) as refused:
        checkin_self(registration=registration, now=kyiv(DAY1, 11, 0))

    assert refused.value.code == "not_confirmed"


# --- check-out -------------------------------------------------------------------------------


def test_checkout_records_when_the_participant_left(person):
    checkin_self(registration=person, now=kyiv(DAY1, 10, 0))

    result = checkout(registration=person, now=kyiv(DAY1, 12, 0))

    assert result.code == "checked_out"
    assert CheckIn.objects.get().left_at == kyiv(DAY1, 12, 0)


def test_checkout_without_an_arrival_that_day_is_refused(person):
    with pytest.raises(AttendanceError) as refused:
        checkout(registration=person, now=kyiv(DAY1, 12, 0))

    assert refused.value.code == "not_checked_in"
    assert not CheckIn.objects.exists()


def test_checkout_before_the_arrival_time_is_refused(person):
    roster_mark(
        event=person.event,
        registration=person,
        day=DAY1,
        arrived=dt.time(11, 0),
        left=None,
        by=None,
    )

    with pytest.raises(AttendanceError) as refused:
        checkout(registration=person, now=kyiv(DAY1, 10, 30))

    assert refused.value.code == "before_arrival"
    assert refused.value.message == (
        "Cannot check out at 10:30: the arrival was recorded at 11:00."
    )
    assert CheckIn.objects.get().left_at is None


def test_self_checkin_after_leaving_clears_the_leaving_time(person):
    checkin_self(registration=person, now=kyiv(DAY1, 10, 0))
    checkout(registration=person, now=kyiv(DAY1, 10, 30))

    result = checkin_self(registration=person, now=kyiv(DAY1, 10, 40))

    assert result.code == "returned"
    assert CheckIn.objects.get().left_at is None


# --- roster marks ----------------------------------------------------------------------------


def test_roster_mark_creates_changes_and_clears_a_days_attendance(online, person):
    made = roster_mark(
        event=online,
        registration=person,
        day=DAY1,
        arrived=dt.time(10, 30),
        left=dt.time(12, 0),
        by=None,
    )
    again = roster_mark(
        event=online,
        registration=person,
        day=DAY1,
        arrived=dt.time(10, 30),
        left=dt.time(12, 0),
        by=None,
    )
    row = CheckIn.objects.get()
    assert (made.changed, again.changed) == (True, False)
    assert (row.at, row.left_at, row.source) == (kyiv(DAY1, 10, 30), kyiv(DAY1, 12, 0), "roster")

    roster_mark(event=online, registration=person, day=DAY1, arrived=None, left=None, by=None)

    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("day", "arrived", "left", "code"),
    [
        (DAY1, dt.time(12, 0), dt.time(11, 0), "left_before_arrival"),
        (DAY1, dt.time(12, 0), dt.time(12, 0), "left_before_arrival"),
        (DAY1, None, dt.time(11, 0), "left_without_arrival"),
        (DAY1 + dt.timedelta(days=5), dt.time(10, 0), None, "not_event_day"),
        (DAY1, dt.time(14, 0), None, "outside_window"),
        (DAY1, dt.time(7, 0), dt.time(9, 0), "outside_window"),
    ],
)
def test_roster_mark_refuses_impossible_marks(online, person, day, arrived, left, code):
    with pytest.raises(AttendanceError) as refused:
        roster_mark(event=online, registration=person, day=day, arrived=arrived, left=left, by=None)

    assert refused.value.code == code
    assert not CheckIn.objects.exists()


def test_roster_mark_refuses_a_participant_of_another_event(online):
    other = aigerim(EventPageFactory(start_date=DAY1, end_date=DAY1))

    with pytest.raises(AttendanceError) as refused:
        roster_mark(
            event=online, registration=other, day=DAY1, arrived=dt.time(10), left=None, by=None
        )

    assert refused.value.code == "other_event"


# --- the roster page -------------------------------------------------------------------------


def roster_url(event, day=DAY1):
    return reverse("checkin_admin:roster", args=[event.pk]) + f"?day={day.isoformat()}"


def roster_post(client, event, rows, day=DAY1):
    data = {
        "roster-TOTAL_FORMS": str(len(rows)),
        "roster-INITIAL_FORMS": str(len(rows)),
        "roster-MIN_NUM_FORMS": "0",
        "roster-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data[f"roster-{i}-registration"] = str(row["registration"])
        if row.get("present"):
            data[f"roster-{i}-present"] = "on"
        data[f"roster-{i}-arrived"] = row.get("arrived", "")
        data[f"roster-{i}-left"] = row.get("left", "")
    return client.post(roster_url(event, day), data)


@pytest.mark.parametrize("role", ["organiser", "registration_manager", "checkin"])
def test_roster_page_lists_confirmed_participants_for_event_staff(client, online, role):
    aigerim(online)
    RegistrationFactory(event=online, given_name="Wait", family_name="Listed", waitlisted=True)
    client.force_login(staff_create(online, role))

    response = client.get(roster_url(online))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Aigerim Sadykova" in body
    assert "Wait Listed" not in body
    assert "The sessions of this day run from 10:00 to 13:00 (Kyiv)." in body


@pytest.mark.parametrize("role", ["reporter", None])
def test_roster_page_is_refused_without_a_checkin_role_on_the_event(client, online, role):
    """A reporter on the event, or an organiser of another event: Wagtail's refusal sends
    them back to the dashboard, with nothing of the roster shown or saved."""
    registration = aigerim(online)
    other = EventPageFactory(start_date=DAY1, end_date=DAY1)
    user = staff_create(online, role) if role else staff_create(other, "organiser")
    client.force_login(user)

    shown = client.get(roster_url(online))
    posted = roster_post(client, online, [{"registration": registration.pk, "present": True}])

    assert (shown.status_code, posted.status_code) == (302, 302)
    assert shown["Location"] == reverse("wagtailadmin_home")
    assert "Sadykova" not in shown.content.decode()
    assert not CheckIn.objects.exists()


def test_roster_page_saves_every_row_at_once(client, online):
    late = aigerim(online)
    early = RegistrationFactory(event=online, given_name="Olena", family_name="Koval")
    absent = RegistrationFactory(event=online, given_name="Petro", family_name="Bondar")
    CheckIn.objects.create(
        registration=absent, day=DAY1, at=kyiv(DAY1, 10, 0), nonce=nonce(), source="scan"
    )
    host = staff_create(online, "checkin")
    client.force_login(host)

    response = roster_post(
        client,
        online,
        [
            # Not in the page's order (by family name): rows are matched by registration.
            {"registration": early.pk, "present": True, "left": "11:00"},
            {"registration": absent.pk},
            {"registration": late.pk, "present": True, "arrived": "11:15"},
        ],
    )

    assert response.status_code == 302
    rows = {c.registration_id: c for c in CheckIn.objects.all()}
    assert set(rows) == {late.pk, early.pk}
    assert (rows[late.pk].at, rows[late.pk].left_at) == (kyiv(DAY1, 11, 15), None)
    assert (rows[early.pk].at, rows[early.pk].left_at) == (kyiv(DAY1, 10, 0), kyiv(DAY1, 11, 0))
    assert rows[late.pk].by == host
    page = client.get(response["Location"]).content.decode()
    assert "Attendance of 2027-03-01 saved: 3 changed." in page
    assert 'value="11:15"' in page


def test_roster_page_with_a_bad_row_saves_nothing_and_says_why(client, online):
    first = aigerim(online)
    second = RegistrationFactory(event=online, given_name="Olena", family_name="Koval")
    client.force_login(staff_create(online, "organiser"))

    response = roster_post(
        client,
        online,
        [
            {"registration": second.pk, "present": True, "arrived": "10:00"},
            {"registration": first.pk, "present": True, "arrived": "12:00", "left": "11:00"},
        ],
    )

    assert response.status_code == 400
    assert "The leaving time (11:00) must be after the arrival time (12:00)." in (
        response.content.decode()
    )
    assert not CheckIn.objects.exists()


def test_roster_page_refuses_a_registration_of_another_event(client, online):
    aigerim(online)
    stranger = aigerim(EventPageFactory(start_date=DAY1, end_date=DAY1))
    client.force_login(staff_create(online, "organiser"))

    response = roster_post(client, online, [{"registration": stranger.pk, "present": True}])

    assert response.status_code == 400
    assert not CheckIn.objects.exists()


# --- the scanner's check-out mode and the participant's own buttons -------------------------


def scan(client, event, token, **extra):
    return client.post(
        reverse("checkin_admin:scan", args=[event.pk]),
        data=json.dumps({"token": token, "nonce": nonce(), **extra}),
        content_type="application/json",
    )


def test_scanner_checkout_mode_records_leaving_after_a_check_in(client):
    event = event_today()
    registration = aigerim(event)
    client.force_login(staff_create(event, "checkin"))
    scan(client, event, registration.badge_token)

    data = scan(client, event, registration.badge_token, mode="checkout").json()

    assert (data["code"], data["level"]) == ("checked_out", "ok")
    assert data["message"].startswith("Checked out at ")
    assert data["message"].endswith("— Aigerim Sadykova")
    assert CheckIn.objects.get().left_at is not None


def test_scanner_checkout_mode_without_a_check_in_is_refused(client):
    event = event_today()
    registration = aigerim(event)
    client.force_login(staff_create(event, "checkin"))

    data = scan(client, event, registration.badge_token, mode="checkout").json()

    assert data["code"] == "not_checked_in"
    assert data["message"] == "There is no arrival today to check out from: check in first."
    assert not CheckIn.objects.exists()


def test_scanner_page_offers_the_checkout_mode_and_the_roster(client):
    event = event_today()
    client.force_login(staff_create(event, "checkin"))

    body = client.get(reverse("checkin_admin:scanner", args=[event.pk])).content.decode()

    assert 'value="checkout"' in body
    assert reverse("checkin_admin:roster", args=[event.pk]) in body


def test_participant_checks_in_and_leaves_through_their_link(client):
    # Today is a day of the event without an agenda: self check-in is open all day.
    event = event_today(format="online", time_zone="Europe/Kyiv")
    registration = aigerim(event)
    key = sign_key(registration)
    manage = reverse("registration:manage", kwargs={"key": key})
    url = reverse("checkin:self_checkin", kwargs={"key": key})

    page = client.get(manage).content.decode()
    assert "I&#x27;m here" in page or "I'm here" in page

    response = client.post(url, {"action": "here"})
    assert response.status_code == 302
    assert response["Location"] == manage
    page = client.get(manage).content.decode()
    assert "You are checked in since" in page
    assert "I&#x27;m leaving" in page or "I'm leaving" in page

    client.post(url, {"action": "leave"})
    row = CheckIn.objects.get()
    assert (row.source, row.left_at is not None) == ("self", True)


def test_participant_link_of_an_in_person_event_shows_no_check_in_button(client):
    event = event_today()
    registration = aigerim(event)
    key = sign_key(registration)

    page = client.get(reverse("registration:manage", kwargs={"key": key})).content.decode()
    response = client.post(reverse("checkin:self_checkin", kwargs={"key": key}))

    assert "attendance-title" not in page
    assert response.status_code == 302
    assert not CheckIn.objects.exists()
