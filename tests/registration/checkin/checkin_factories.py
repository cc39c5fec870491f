"""The older check-in builder names, kept as thin names over ``tests.factories``."""

from __future__ import annotations

import secrets

from tests.factories import (
    EventPageFactory,
    HomePageFactory,
    RegistrationFactory,
    StaffUserFactory,
    today_in,
)

__all__ = ["aigerim", "event_today", "home", "nonce", "staff_create", "today_in"]


def home():
    """Thin name over ``HomePageFactory``."""
    return HomePageFactory()


def event_today(**fields):
    """A two-day event whose first day is today in its time zone (so scans are due)."""
    return EventPageFactory(happening_today=True, **fields)


def staff_create(event=None, *roles: str, first_name: str = "Anna", last_name: str = "Petrenko"):
    """A staff user with ``roles`` on ``event`` (and the admin access those roles give)."""
    return StaffUserFactory(
        roles=roles, roles__event=event, first_name=first_name, last_name=last_name
    )


def aigerim(event, **fields):
    """A confirmed participant with a fixed name, as the badge and scanner tests expect."""
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
    """A fresh scan nonce, as the scanner makes one per scan."""
    return secrets.token_hex(12)
