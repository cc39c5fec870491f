"""Form data for the registration tests, and the older builder names over ``tests.factories``."""

from __future__ import annotations

from tests.factories import EventPageFactory, HomePageFactory


def home():
    """Thin name over ``HomePageFactory`` (the home page only, not the demo events)."""
    return HomePageFactory()


def event_create(*, translations: tuple[str, ...] = ("ru", "uk"), **fields):
    """Thin name over ``EventPageFactory``: an English event with published Russian and
    Ukrainian copies (same slug)."""
    return EventPageFactory(translations=translations, **fields)


def person(n: int = 1, **extra) -> dict:
    """Cleaned registration data, as the form gives it to ``registration_create``."""
    data = {
        "title": "mx",
        "given_name": f"Aida{n}",
        "family_name": "Nurlanovna",
        "email": f"Aida.{n}@Example.org",
        "organisation": "Ministry of Internal Affairs",
        "organisation_type": "police",
        "country": "KZ",
        "sex": "female",
        "role": "participant",
        "interpretation_language": "ru",
        "access_needs": ["wheelchair"],
        "dietary": ["halal"],
        "language": "ru",
    }
    data.update(extra)
    return data
