"""Reads of event content used by other apps: the language fallback of a page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from cms.models import EventPage, PrivacyPage
from cms.selectors import page_in_language
from tests.factories import EventPageFactory, privacy_page_create

pytestmark = pytest.mark.django_db


def test_page_in_language_is_the_live_copy_in_that_language():
    event = EventPageFactory(translations=("ru",))
    ru = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="ru")

    assert page_in_language(page=event, language="ru-RU") == ru
    assert page_in_language(page=ru, language="en") == event


def test_page_in_language_falls_back_to_the_page_itself():
    event = EventPageFactory(translations=("ru",))
    ru = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="ru")
    ru.unpublish()

    assert page_in_language(page=event, language="ru") == event
    assert page_in_language(page=event, language="uk") == event
    assert page_in_language(page=event, language=None) == event


def test_page_in_its_own_language_costs_no_query():
    event = EventPage.objects.select_related("locale").get(pk=EventPageFactory().pk)

    with CaptureQueriesContext(connection) as ctx:
        assert page_in_language(page=event, language="en") is event

    assert len(ctx.captured_queries) == 0


def test_page_in_language_serves_any_translated_page():
    privacy_page_create(translations=("uk",))
    source = PrivacyPage.objects.get(locale=Locale.get_default())

    copy = page_in_language(page=source, language="uk")

    assert copy.locale.language_code == "uk"
    assert copy.translation_key == source.translation_key
