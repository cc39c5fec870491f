"""The demo: the past mentors' training has check-ins on both days; a second run adds none;
the workshop that runs on the day the demo is loaded can be scanned at once."""

import pytest
from django.contrib.auth import get_user_model

from cms import demo
from registration import demo as registration_demo
from registration.checkin import demo as demo_checkin
from registration.checkin.models import CheckIn
from registration.checkin.selectors import attendance_by_day
from registration.checkin.services import checkin_perform
from registration.models import Registration, RegistrationStatus
from registration.permissions import SCAN_ROLES, user_has_event_role

pytestmark = pytest.mark.django_db
User = get_user_model()


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


def test_demo_workshop_can_be_scanned_at_once_by_the_checkin_user():
    demo.load()
    registration_demo.load()
    lines = []
    demo_checkin.load(write=lines.append)
    workshop = demo.demo_events()["community-policing-workshop"]
    staff = User.objects.get(username="checkin")
    aigul = Registration.objects.get(event=workshop, family_name="Нурланова")

    result = checkin_perform(
        event=workshop, token=aigul.badge_token, by=staff, nonce="demo-scan-0001"
    )

    assert result.code == "checked_in"
    assert result.checkin.day == workshop.start_date
    assert result.participant["assistance_needs"] == ["Wheelchair access"]
    assert user_has_event_role(staff, workshop, *SCAN_ROLES)
    confirmed = Registration.objects.filter(
        event=workshop, status=RegistrationStatus.CONFIRMED
    ).count()
    assert confirmed >= 5
    assert not CheckIn.objects.filter(registration__event=workshop).exclude(pk=result.checkin.pk)
    assert any(
        line.startswith("  Check-in today: “Community policing workshop for district inspectors”")
        and "Asia/Bishkek), 6 confirmed to scan: log in as checkin" in line
        for line in lines
    )
