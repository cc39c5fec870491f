"""Attendance for the live view and the report: per day, hours from the agenda, not arrived."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration.checkin.selectors import (
    attendance_by_day,
    attendance_by_registration,
    checkin_not_arrived,
)
from registration.checkin.services import checkin_perform
from tests.factories import RegistrationFactory, session_create
from tests.registration.checkin.checkin_factories import event_today, nonce, staff_create

pytestmark = pytest.mark.django_db


def test_attendance_by_day_counts_and_hours():
    event = event_today()
    first, second = event.days
    session_create(event, day=first, start_time=dt.time(9), end_time=dt.time(12, 30))
    session_create(
        event,
        day=first,
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 30),
        kind="break",
        title="Lunch",
    )
    session_create(event, day=second, start_time=dt.time(9), end_time=dt.time(11))
    staff = staff_create(event, "checkin")
    people = RegistrationFactory.create_batch(4, event=event)
    RegistrationFactory(event=event, status="waitlisted")
    for person in people[:3]:
        checkin_perform(event=event, token=person.badge_token, by=staff, nonce=nonce())
    checkin_perform(event=event, token=people[0].badge_token, by=staff, nonce=nonce(), day=second)

    days = attendance_by_day(event=event)
    per_person = attendance_by_registration(event=event)

    assert [(d.day, d.confirmed, d.checked_in, d.hours, d.percent) for d in days] == [
        (first, 4, 3, 3.5, 75),
        (second, 4, 1, 2.0, 25),
    ]
    assert per_person[people[0].pk].hours == 5.5
    assert per_person[people[0].pk].days == (first, second)
    assert people[3].pk not in per_person
    assert list(checkin_not_arrived(event=event, day=first)) == [people[3]]


def test_attendance_by_day_query_count_does_not_grow():
    event = event_today()
    staff = staff_create(event, "checkin")

    def queries() -> int:
        person = RegistrationFactory(event=event)
        checkin_perform(event=event, token=person.badge_token, by=staff, nonce=nonce())
        with CaptureQueriesContext(connection) as ctx:
            attendance_by_day(event=event)
            attendance_by_registration(event=event)
        return len(ctx.captured_queries)

    small = queries()
    for _ in range(10):
        queries()
    assert queries() == small
