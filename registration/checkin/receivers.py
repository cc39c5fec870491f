"""What the check-in room does when the registration room announces something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from registration.checkin.models import CheckIn
from registration.models import Registration
from registration.signals import personal_data_erasing, personal_data_requested


@receiver(personal_data_requested, dispatch_uid="checkin.personal_data")
def personal_data(sender, *, registration: Registration, **kwargs) -> dict[str, Any]:
    """The days the participant was checked in, each time in the event's zone (named), as
    the scanner and the attendance list showed it."""
    zone = registration.event.tz
    return {
        "check_ins": [
            {
                "day": row.day.isoformat(),
                "at": row.at.astimezone(zone).isoformat() if row.at else None,
                "time_zone": zone.key,
            }
            for row in CheckIn.objects.filter(registration=registration)
        ]
    }


@receiver(personal_data_erasing, dispatch_uid="checkin.erase")
def erase(sender, *, registration: Registration, **kwargs) -> dict[type, list[int]]:
    """Check-ins hold nothing personal beyond the link to the registration (kept: attendance
    counts in the report); their audit-log entries are relabelled."""
    return {
        CheckIn: list(
            CheckIn.objects.filter(registration=registration).values_list("pk", flat=True)
        )
    }
