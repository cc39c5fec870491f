"""Delegations and nominees for the focal point's tests (helper "focal")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from registration.nominations.models import Delegation
from tests.registration.registration_helpers import event_create


def deadline_of(event, *, days_before: int = 10) -> dt.datetime:
    """Noon in the event's time zone, ``days_before`` its first day."""
    day = event.start_date - dt.timedelta(days=days_before)
    return dt.datetime.combine(day, dt.time(12), tzinfo=event.tz)


def delegation_create(event=None, **fields) -> Delegation:
    """A country delegation (Kyrgyz Republic, 4 places, a deadline 10 days before the event)."""
    event = event or event_create()
    values = {
        "event": event,
        "kind": "country",
        "country": "KG",
        "name": "Kyrgyz Republic",
        "quota": 4,
        "deadline": deadline_of(event),
        "focal_name": "Bakyt Focal",
        "focal_email": "focal@gov.example.kg",
        "focal_language": "ru",
        "invited_at": timezone.now(),
    }
    values.update(fields)
    return Delegation.objects.create(**values)


#: Given names of nominees 1, 2, ... (the form refuses digits in a name).
NAMES = ("Aizada", "Bermet", "Cholpon", "Dinara", "Elnura", "Farida", "Gulzat", "Jyldyz")


def nominee(n: int = 1, **extra) -> dict:
    """What a focal point types for person ``n`` (1 to 8)."""
    data = {
        "given_name": NAMES[n - 1],
        "family_name": "Toktogulova",
        "email": f"Aizada.{n}@Mvd.example.kg",
        "sex": "female",
        "position": "Inspector",
        "organisation": "Ministry of Internal Affairs",
        "role": "participant",
    }
    data.update(extra)
    return data


def before_deadline(delegation) -> dt.datetime:
    return delegation.deadline - dt.timedelta(days=1)


def after_deadline(delegation) -> dt.datetime:
    return delegation.deadline + dt.timedelta(days=1)
