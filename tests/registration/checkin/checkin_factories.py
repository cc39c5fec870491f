"""Factories for the check-in tests: an event happening today in its own time zone, staff."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from registration.permissions import event_role_assign
from tests.factories import RegistrationFactory, event_create

_users = itertools.count(1)


def today_in(tz_name: str) -> dt.date:
    import zoneinfo

    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tz_name)).date()


def home():
    """The home page alone (the full demo, with its events, is much slower to load)."""
    from cms import demo

    return getattr(demo, "load_home", demo.load)()


def event_today(**fields):
    """A two-day event whose first day is today in Asia/Almaty (so scans are due)."""
    fields.setdefault("parent", home())
    today = today_in(fields.get("time_zone", "Asia/Almaty"))
    fields.setdefault("start_date", today)
    fields.setdefault("end_date", today + dt.timedelta(days=1))
    return event_create(**fields)


def staff_create(event=None, *roles: str, first_name: str = "Anna", last_name: str = "Petrenko"):
    """A staff user with ``roles`` on ``event`` (and the admin access those roles give)."""
    user = get_user_model().objects.create_user(
        username=f"staff{next(_users)}",
        password="pw-checkin-123",
        first_name=first_name,
        last_name=last_name,
    )
    for role in roles:
        event_role_assign(user=user, event=event, role=role)
    return user


def aigerim(event, **fields):
    defaults = {
        "given_name": "Aigerim",
        "family_name": "Sadykova",
        "organisation": "Ministry of Internal Affairs",
        "country": "KZ",
        "interpretation_language": "ru",
    }
    defaults.update(fields)
    return RegistrationFactory(event=event, **defaults)


def nonce() -> str:
    return secrets.token_hex(12)
