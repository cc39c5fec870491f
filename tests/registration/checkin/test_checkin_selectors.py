"""Attendance for the live view and the report: per day, hours from the agenda, not arrived."""

import datetime as dt

import pytest

from registration.checkin.selectors import (
    attendance_by_day,
    attendance_by_registration,
    checkin_not_arrived,
)
from registration.checkin.services import checkin_perform
from tests.factories import (
    EventPageFactory,
    RegistrationFactory,
    SessionFactory,
    StaffUserFactory,
)
from tests.registration.checkin.checkin_factories import nonce

pytestmark = pytest.mark.django_db


def test_attendance_by_day_counts_and_hours():
    event = EventPageFactory(happening_today=True)
    first, second = event.days
    SessionFactory(page=event, day=first, start_time=dt.time(9), end_time=dt.time(12, 30))
    SessionFactory(
        page=event,
        day=first,
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 30),
        kind="break",
        title="Lunch",
    )
    SessionFactory(page=event, day=second, start_time=dt.time(9), end_time=dt.time(11))
    staff = StaffUserFactory(roles=["checkin"], roles__event=event)
    people = RegistrationFactory.create_batch(4, event=event)
    RegistrationFactory(event=event, waitlisted=True)
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


# The query count at two sizes: tests/registration/test_query_counts.py.
