"""Demo content for ``manage.py load_demo``: idempotent, a second run changes nothing.

Each app adds its own ``load()`` to the list in the command; this module owns the site's
pages. Text is written here in every content language because demo content is content, not
interface, and so is not in the ``.po`` files.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

HOME = {
    "en": {
        "title": "Regional Events",
        "intro": "Conferences, trainings and courses on policing, security and gender equality "
        "across the OSCE region.",
    },
    "ru": {
        "title": "Региональные мероприятия",
        "intro": "Конференции, тренинги и курсы по вопросам полиции, безопасности и "
        "гендерного равенства в регионе ОБСЕ.",
    },
    "uk": {
        "title": "Регіональні заходи",
        "intro": "Конференції, тренінги та курси з питань поліції, безпеки та гендерної "
        "рівності в регіоні ОБСЄ.",
    },
}


def ensure_locales() -> dict[str, Locale]:
    """Create the three content locales if they are missing."""
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ru", "uk")
    }


def load() -> HomePage:
    """The home page, the event index and the demo events (see ``cms.demo_events``)."""
    home = load_home()
    from cms import demo_events

    demo_events.load(home=home)
    return home


@transaction.atomic
def load_home() -> HomePage:
    """Make the English home page the site root and give it a Russian and Ukrainian copy."""
    locales = ensure_locales()
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests) has no tree at all
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        # Wagtail's migrations leave a "Welcome to your new Wagtail site!" placeholder at
        # slug "home"; replace it rather than fight it for the slug.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        home = HomePage(slug="home", locale=locales["en"], **HOME["en"])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    for code in ("ru", "uk"):
        if not HomePage.objects.filter(
            translation_key=home.translation_key, locale=locales[code]
        ).exists():
            copy = home.copy_for_translation(locales[code])
            copy.title = HOME[code]["title"]
            copy.intro = HOME[code]["intro"]
            copy.save_revision().publish()
    return home


def demo_events() -> dict:
    """The demo events by slug (source-language pages): ``astana-conference``, ... ."""
    from cms import demo_events as events

    return events.demo_events()
