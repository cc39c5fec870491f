"""Factories shared by every test. Area-specific factories live beside their tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from wagtail.models import Locale

from cms.models import EventPage, Session
from registration.models import Registration


def event_create(*, parent=None, **fields) -> EventPage:
    """Create and publish an event page under the English home page (made if missing)."""
    from cms import demo

    home = parent or demo.load_home()
    today = timezone.localdate()
    defaults = {
        "title": "Regional Conference on Women in Law Enforcement",
        "slug": f"event-{EventPage.objects.count() + 1}",
        "start_date": today + dt.timedelta(days=30),
        "end_date": today + dt.timedelta(days=31),
        "time_zone": "Asia/Almaty",
        "venue_name": "Hotel Rixos President",
        "city": "Astana",
        "country": "KZ",
        "languages": ["en", "ru"],
        "interpretation_languages": ["en", "ru"],
        "capacity": 100,
        "locale": Locale.get_default(),
    }
    defaults.update(fields)
    event = EventPage(**defaults)
    home.add_child(instance=event)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def session_create(event: EventPage, **fields) -> Session:
    defaults = {
        "day": event.start_date,
        "start_time": dt.time(9, 0),
        "end_time": dt.time(10, 30),
        "title": "Opening plenary",
        "kind": "opening",
        "interpretation_languages": ["en", "ru"],
    }
    defaults.update(fields)
    return Session.objects.create(page=event, **defaults)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = None  # pass event=...
    status = "confirmed"
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = "Ministry of Internal Affairs"
    organisation_type = "police"
    country = "KZ"
    sex = "female"
    role = "participant"
    interpretation_language = "ru"
    language = "en"
    consent_version = "2026-01"
    consent_at = factory.LazyFunction(timezone.now)


def privacy_page_create(*, version: str = "2026-01", translations: tuple[str, ...] = ()):
    """Publish the privacy notice (English, and copies in ``translations``) under the home
    page, or publish a new ``version`` of the existing one (copies follow)."""
    from cms import demo
    from cms.models import PrivacyPage

    home = demo.load_home()
    page = PrivacyPage.objects.filter(locale=Locale.get_default()).first()
    if page is None:
        page = PrivacyPage(
            title="Privacy notice",
            slug="privacy",
            version=version,
            body="<p>We keep your details to organise the event.</p>",
            locale=Locale.get_default(),
        )
        home.add_child(instance=page)
    page.version = version
    page.save_revision().publish()
    for code in translations:
        locale = Locale.objects.get(language_code=code)
        copy = PrivacyPage.objects.filter(translation_key=page.translation_key, locale=locale)
        copy = copy.first() or page.copy_for_translation(locale, copy_parents=True)
        copy.version = version
        copy.title = {"ru": "Уведомление о конфиденциальности"}.get(code, f"Privacy ({code})")
        copy.save_revision().publish()
    return PrivacyPage.objects.get(pk=page.pk)
