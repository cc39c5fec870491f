"""The demo's content in every language: each demo event in English, Russian and Ukrainian
(the Astana conference and the Bishkek workshop also in Kazakh), written in that language
rather than copied from English; a translated page uses the snippets (rooms, speakers,
organisers, fields of work) of its own locale; a second load changes nothing; a database an
older demo loaded (no Ukrainian events, no Kazakh, Russian copies pointing at English
snippets) is brought up to date."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.db.models import Count
from django.utils.html import escape
from wagtail.models import Locale, Page, Revision

from cms import demo
from cms.models import EventPage, FieldOfWork, Organiser, Room, Session, Speaker

pytestmark = pytest.mark.django_db

SLUGS = (
    "astana-conference",
    "mentors-training",
    "patrol-police-retraining",
    "community-policing-workshop",
)
LANGUAGES = dict.fromkeys(SLUGS, ("en", "ru", "uk")) | {
    "astana-conference": ("en", "ru", "uk", "kk"),
    # Kazakh district inspectors come to Bishkek: the check-in demo event reads in Kazakh too.
    "community-policing-workshop": ("en", "ru", "uk", "kk"),
}
# Letters each language has and the others (of these four) lack, or lacks in most words.
OWN_LETTERS = {"ru": "ыэъё", "uk": "іїєґ", "kk": "әғқңөұүһ"}
TEXT_FIELDS = ("title", "subtitle", "background", "objectives", "target_audience")
SNIPPETS = (Room, Speaker, Organiser, FieldOfWork)


def _pages(slug: str) -> dict[str, EventPage]:
    source = EventPage.objects.get(slug=slug, locale__language_code="en")
    return {
        page.locale.language_code: page
        for page in EventPage.objects.filter(translation_key=source.translation_key)
    }


def _state() -> dict[str, Any]:
    """What a load could add or change: pages, revisions, sessions and every snippet per
    locale."""
    state = {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "sessions": Session.objects.count(),
        "latest": list(Page.objects.values_list("pk", "latest_revision_id").order_by("pk")),
    }
    for model in SNIPPETS:
        state[model.__name__] = sorted(
            model.objects.values_list("locale__language_code", "translation_key", "pk")
        )
    return state


def _used_snippets(page: EventPage) -> list:
    """The snippets a saved event page refers to, as its rows in the database say."""
    used = [session.room for session in page.sessions.all() if session.room_id]
    used += [row.speaker for session in page.sessions.all() for row in session.speakers.all()]
    used += [row.organiser for row in page.organisers.all()]
    used += list(page.fields_of_work.all())
    return used


def test_every_demo_event_is_live_in_its_languages_and_answers_there(client):
    demo.load()

    for slug, codes in LANGUAGES.items():
        pages = _pages(slug)
        assert sorted(pages) == sorted(codes), slug
        for code in codes:
            page = pages[code]
            assert page.live, (slug, code)
            response = client.get(f"/{code}/events/{slug}/")
            assert response.status_code == 200, (slug, code)
            assert escape(page.title) in response.content.decode()
    for code in ("en", "ru", "uk", "kk"):
        assert client.get(f"/{code}/").status_code == 200
        assert client.get(f"/{code}/events/").status_code == 200
        assert client.get(f"/{code}/privacy/").status_code == 200


def test_each_language_is_written_in_that_language_not_copied_from_english():
    demo.load()

    for slug, codes in LANGUAGES.items():
        pages = _pages(slug)
        english = pages["en"]
        english_sessions = list(english.sessions.order_by("sort_order"))
        for code in codes[1:]:
            page = pages[code]
            for field in (*TEXT_FIELDS, "meeting_format", "city"):
                assert getattr(page, field) != getattr(english, field), (slug, code, field)
            sessions = list(page.sessions.order_by("sort_order"))
            assert len(sessions) == len(english_sessions)
            for session, source in zip(sessions, english_sessions, strict=True):
                assert session.title != source.title, (slug, code, session.title)
            text = " ".join(
                [str(getattr(page, field)) for field in TEXT_FIELDS]
                + [session.title for session in sessions]
            ).lower()
            assert re.search(f"[{OWN_LETTERS[code]}]", text), (slug, code)
            # No English left: Latin letters only in names such as WIN.
            assert not re.search("[a-z]{4,}", re.sub(r"<[^>]+>", " ", text)), (slug, code)


def test_the_astana_conference_reads_in_kazakh_with_its_rooms_and_speakers(client):
    demo.load()

    body = client.get("/kk/events/astana-conference/").content.decode()

    assert "Орталық Азияда әйелдердің құқық қорғау қызметіне" in body
    assert "Пленарлық зал" in body  # the room in Kazakh
    assert "Әйгерім Сейтқали" in body  # the speaker's name as Kazakh writes it
    assert "Plenary hall" not in body
    assert "Aigerim" not in body
    uk = client.get("/uk/events/astana-conference/").content.decode()
    assert "Пленарна зала" in uk
    assert "ОБСЄ" in uk


def test_translated_pages_use_the_snippets_of_their_own_locale():
    demo.load()

    checked = 0
    for page in EventPage.objects.exclude(locale__language_code="en"):
        used = _used_snippets(page)
        assert used, page
        for snippet in used:
            assert snippet.locale_id == page.locale_id, (page.locale, snippet)
            checked += 1
    assert checked > 100
    # Wagtail finds a snippet's translations through the shared translation_key.
    plenary = Room.objects.get(name="Plenary hall", locale__language_code="en")
    kk = Locale.objects.get(language_code="kk")
    assert plenary.get_translation(kk).name == "Пленарлық зал"
    assert plenary.get_translation(kk).venue == "«Астана» қонақүйі"
    osce = Organiser.objects.get(name="OSCE", locale__language_code="en")
    assert osce.get_translation(Locale.objects.get(language_code="uk")).name == "ОБСЄ"
    assert osce.get_translation(kk).name == "ЕҚЫҰ"


def test_every_snippet_exists_in_every_language():
    demo.load()

    for model in SNIPPETS:
        per_locale = dict(
            model.objects.values_list("locale__language_code").annotate(n=Count("id"))
        )
        assert set(per_locale) == {"en", "ru", "uk", "kk"}, model
        assert len(set(per_locale.values())) == 1, (model, per_locale)


def test_a_second_load_changes_nothing():
    demo.load()
    first = _state()

    demo.load()

    assert _state() == first


def _older(content: dict[str, Any]) -> dict[str, Any]:
    """The data as an older demo had it: no Kazakh anywhere; no Ukrainian events, rooms,
    speakers or organisers; one venue name for every language; English-only events."""

    def drop(obj: Any, codes: set[str]) -> Any:
        if isinstance(obj, dict):
            if obj and set(obj) <= {"en", "ru", "uk", "kk"}:
                return {
                    code: drop(value, codes) for code, value in obj.items() if code not in codes
                }
            return {key: drop(value, codes) for key, value in obj.items()}
        if isinstance(obj, list):
            return [drop(value, codes) for value in obj]
        return obj

    older = drop(copy.deepcopy(content), {"kk"})
    for key in ("rooms", "speakers", "organisers", "events"):
        older[key] = drop(older[key], {"uk"})
    for room in older["rooms"].values():
        room["venue"] = room["venue"]["en"]
    for spec in older["events"]:
        if spec["slug"] in ("mentors-training", "patrol-police-retraining"):
            spec["text"] = {"en": spec["text"]["en"]}
    return older


def _as_the_older_loader_left_it(page: EventPage) -> None:
    """Point a copy's rooms, speakers, organisers and fields of work back at the English
    snippets in its live rows, as Wagtail's copy (and the older loader) left them."""

    def source(snippet):
        return type(snippet).objects.get(
            translation_key=snippet.translation_key, locale__language_code="en"
        )

    for session in Session.objects.filter(page=page, room__isnull=False):
        Session.objects.filter(pk=session.pk).update(room=source(session.room))
    for session in Session.objects.filter(page=page):
        for row in session.speakers.all():
            type(row).objects.filter(pk=row.pk).update(speaker=source(row.speaker))
    for row in page.organisers.all():
        type(row).objects.filter(pk=row.pk).update(organiser=source(row.organiser))
    through = EventPage.fields_of_work.through
    for row in through.objects.filter(eventpage_id=page.pk):
        through.objects.filter(pk=row.pk).update(fieldofwork=source(row.fieldofwork))
    saved = EventPage.objects.get(pk=page.pk)
    assert {s.locale.language_code for s in _used_snippets(saved)} == {"en"}


def test_a_database_an_older_demo_loaded_gains_the_new_translations_without_duplicates(
    monkeypatch,
):
    older = _older(demo.content())
    with monkeypatch.context() as patch:
        patch.setattr(demo, "content", lambda: older)
        demo.load()
    ru_astana = _pages("astana-conference")["ru"]
    _as_the_older_loader_left_it(ru_astana)
    assert sorted(_pages("mentors-training")) == ["en"]
    assert not EventPage.objects.filter(locale__language_code="kk").exists()
    assert Room.objects.get(name="Пленарный зал").venue == "Hotel Astana"
    ru_revision = EventPage.objects.get(pk=ru_astana.pk).latest_revision_id

    demo.load()

    for slug, codes in LANGUAGES.items():
        assert sorted(_pages(slug)) == sorted(codes), slug
    ru_astana = EventPage.objects.get(pk=ru_astana.pk)
    assert ru_astana.latest_revision_id != ru_revision  # its snippets were brought over
    assert ru_astana.title.startswith("Региональная конференция")
    for page in EventPage.objects.exclude(locale__language_code="en"):
        assert {s.locale_id for s in _used_snippets(page)} == {page.locale_id}, page.locale
    assert Room.objects.get(name="Пленарный зал").venue == "гостиница «Астана»"
    for model in (*SNIPPETS, EventPage):
        keys = model.objects.values_list("translation_key", "locale_id")
        assert keys.count() == keys.distinct().count(), model
    settled = _state()
    demo.load()
    assert _state() == settled
