"""The demo: the past mentors' training has check-ins on both days; a second run adds none."""

import pytest

from cms import demo
from registration import demo as registration_demo
from registration.checkin import demo as demo_checkin
from registration.checkin.models import CheckIn
from registration.checkin.selectors import attendance_by_day
from registration.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def test_demo_checkins_on_both_days_and_idempotent():
    demo.load()
    registration_demo.load()
    demo_checkin.load()
    event = demo.demo_events()["mentors-training"]
    before = CheckIn.objects.count()

    demo_checkin.load()

    days = attendance_by_day(event=event)
    assert CheckIn.objects.count() == before
    assert len(days) == 2
    for row in days:
        assert row.confirmed > 0
        assert row.checked_in >= row.confirmed // 2
    assert not CheckIn.objects.exclude(registration__status=RegistrationStatus.CONFIRMED).exists()
    assert set(CheckIn.objects.values_list("by__username", flat=True)) == {"checkin"}
