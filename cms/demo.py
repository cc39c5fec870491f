"""Demo content for ``manage.py load_demo``: idempotent, a second run changes nothing.

The content is data: ``cms/demo.json`` holds the home page, the privacy notice, the event index,
the snippets and the events in every content language (demo content is content, not interface,
so it is not in the ``.po`` files). This module makes the home page and the privacy notice;
``cms.demo_events`` makes the rest. Each room's ``demo.py`` reads the ``demo.json`` beside it,
and ``load_demo`` runs them in the order the data flows.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms import demo_events as events
from cms.models import EventPage, HomePage, PrivacyPage
from conference.languages import language_codes

DATA = Path(__file__).with_name("demo.json")


@functools.cache
def content() -> dict[str, Any]:
    """``cms/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def ensure_locales() -> dict[str, Locale]:
    """Create the content locales (``settings.LANGUAGES``) that are missing."""
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in language_codes()}


def load(*, write: Callable[[str], None] | None = None) -> HomePage:
    """The home page, the privacy notice, the event index and the demo events.

    ``write`` is unused (the site's pages need no summary); every room's loader takes it.
    """
    home = load_home()
    load_privacy(home=home)
    events.load(home=home, locales=ensure_locales(), content=content())
    return home


@transaction.atomic
def load_home() -> HomePage:
    """Make the English home page the site root and give it a copy in every other language
    the data has text for (and the site has a locale for)."""
    locales = ensure_locales()
    text = {code: events.joined(fields) for code, fields in content()["home"].items()}
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests) has no tree at all
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        # Wagtail's migrations leave a "Welcome to your new Wagtail site!" placeholder at
        # slug "home"; replace it rather than fight it for the slug.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        home = HomePage(slug="home", locale=locales["en"], **text["en"])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    for code, locale in events.other_locales(text, locales):
        if not HomePage.objects.filter(
            translation_key=home.translation_key, locale=locale
        ).exists():
            copy = home.copy_for_translation(locale)
            for field, value in text[code].items():
                setattr(copy, field, value)
            copy.save_revision().publish()
    return home


@transaction.atomic
def load_privacy(*, home: HomePage) -> PrivacyPage:
    """The privacy notice under the home page, in every language the data has text for."""
    locales = ensure_locales()
    privacy = content()["privacy"]
    text = {code: events.joined(fields) for code, fields in privacy["text"].items()}
    page = PrivacyPage.objects.filter(locale=locales["en"]).first()
    if page is None:
        page = PrivacyPage(locale=locales["en"], version=privacy["version"], **text["en"])
        home.add_child(instance=page)
        page.save_revision().publish()
    for code, locale in events.other_locales(text, locales):
        if PrivacyPage.objects.filter(translation_key=page.translation_key, locale=locale).exists():
            continue
        copy = page.copy_for_translation(locale, copy_parents=True)
        for field, value in text[code].items():
            setattr(copy, field, value)
        copy.save_revision().publish()
    return page


def demo_events() -> dict[str, EventPage]:
    """The demo events by slug (source-language pages), created first if they are missing."""
    return events.load(home=load_home(), locales=ensure_locales(), content=content())
