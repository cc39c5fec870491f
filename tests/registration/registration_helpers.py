"""Helpers shared by the registration tests (events under the home page, form data)."""

from __future__ import annotations

from cms import demo
from tests import factories


def home():
    """The home page only (not the demo events), whichever loader the CMS offers."""
    return getattr(demo, "load_home", demo.load)()


def event_create(*, translations: tuple[str, ...] = ("ru", "uk"), **fields):
    """An English event with published Russian and Ukrainian copies (same slug)."""
    from wagtail.models import Locale

    event = factories.event_create(parent=home(), **fields)
    for code in translations:
        copy = event.copy_for_translation(Locale.objects.get(language_code=code))
        copy.save_revision().publish()
    return event


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
