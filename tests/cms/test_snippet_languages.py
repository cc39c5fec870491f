"""Rooms, speakers, organisers and fields of work follow the page's language.

On the site each snippet is shown as its translation in the page's locale where it has one (the
snippet as it is otherwise), whatever locale the page's links point at; and translating a page
(Wagtail's copy for translation, then every publish) points the copy's links at the target
locale's snippets.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale

from cms.models import (
    EventOrganiser,
    EventPage,
    FieldOfWork,
    Organiser,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)
from cms.selectors import event_detail_context, event_upcoming_list
from tests.cms.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def ru(index):
    locale = Locale.objects.get_or_create(language_code="ru")[0]
    copy = index.copy_for_translation(locale)
    copy.save_revision().publish()
    return locale


def _translated(snippet, locale, **fields):
    """``snippet``'s translation in ``locale`` with ``fields`` changed."""
    copy = snippet.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


@pytest.fixture
def snippets(ru):
    """English snippets, each translated into Russian except the room "Room B"."""
    en = Locale.get_default()
    hall = Room.objects.create(name="Plenary hall", locale=en)
    room_b = Room.objects.create(name="Room B", locale=en)
    speaker = Speaker.objects.create(
        name="Aigerim Bekova", title="Head of Unit", organisation="Ministry of Interior", locale=en
    )
    organiser = Organiser.objects.create(name="OSCE Programme Office", locale=en)
    field = FieldOfWork.objects.create(name="Policing", slug="policing", locale=en)
    return {
        "hall": hall,
        "room_b": room_b,
        "speaker": speaker,
        "organiser": organiser,
        "field": field,
        "hall_ru": _translated(hall, ru, name="Пленарный зал"),
        "speaker_ru": _translated(
            speaker, ru, name="Айгерим Бекова", title="Начальник отдела", organisation="МВД"
        ),
        "organiser_ru": _translated(organiser, ru, name="Программный офис ОБСЕ"),
        "field_ru": _translated(field, ru, name="Полицейская деятельность", slug="policing"),
    }


def _agenda(event: EventPage, snippets: dict, *, sessions: int = 2) -> EventPage:
    """``sessions`` sessions, alternately in the hall and in Room B, each with the speaker as
    moderator; the organiser and the field of work on the page."""
    for n in range(sessions):
        session = Session.objects.create(
            page=event,
            sort_order=n,
            day=event.start_date,
            start_time=dt.time(9 + n // 2, 30 * (n % 2)),
            end_time=dt.time(9 + n // 2, 30 * (n % 2) + 29),
            title=f"Session {n}",
            kind="panel",
            room=snippets["hall"] if n % 2 == 0 else snippets["room_b"],
        )
        SessionSpeaker.objects.create(
            session=session, speaker=snippets["speaker"], role="moderator"
        )
    EventOrganiser.objects.create(page=event, organiser=snippets["organiser"])
    event.fields_of_work.add(snippets["field"])
    event.save()
    return event


def _russian_page_with_english_links(index, snippets, *, sessions: int = 2, **fields) -> EventPage:
    """A published Russian copy whose links all point at the English snippets (as a copy made
    before its snippets were translated, or an alias, has them)."""
    event = _agenda(make_event(index, **fields), snippets, sessions=sessions)
    event.save_revision().publish()
    copy = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.title = "Региональная конференция"
    copy.save_revision().publish()
    Session.objects.filter(page=copy, room=snippets["hall_ru"]).update(room=snippets["hall"])
    SessionSpeaker.objects.filter(session__page=copy).update(speaker=snippets["speaker"])
    EventOrganiser.objects.filter(page=copy).update(organiser=snippets["organiser"])
    through = EventPage.fields_of_work.through
    through.objects.filter(eventpage_id=copy.pk).update(fieldofwork=snippets["field"])
    return EventPage.objects.get(pk=copy.pk)


def test_russian_page_shows_russian_snippets_where_its_links_are_english(client, index, snippets):
    copy = _russian_page_with_english_links(index, snippets)
    assert Session.objects.filter(page=copy, room=snippets["hall"]).exists()  # English links

    html = client.get(copy.url).content.decode()

    assert "Пленарный зал" in html
    assert "Plenary hall" not in html
    assert "Айгерим Бекова</strong>, Начальник отдела, МВД" in html
    assert "Aigerim" not in html
    assert "Модератор:" in html  # the role in the page's language
    assert "Панельная дискуссия" in html  # and the session's kind
    assert "Программный офис ОБСЕ" in html
    assert "OSCE Programme Office" not in html
    assert "Полицейская деятельность" in html
    assert "Policing" not in html


def test_room_without_a_russian_translation_shows_its_english_name(client, index, snippets):
    copy = _russian_page_with_english_links(index, snippets)

    html = client.get(copy.url).content.decode()

    assert "Room B" in html
    assert "Пленарный зал" in html


def test_print_agenda_of_the_russian_page_is_russian(client, index, snippets):
    copy = _russian_page_with_english_links(index, snippets)

    html = client.get(f"{copy.url}agenda/").content.decode()

    assert "Пленарный зал" in html
    assert "Айгерим Бекова" in html
    assert "Plenary hall" not in html


def test_english_page_keeps_english_snippets(client, index, snippets):
    event = _agenda(make_event(index), snippets)
    event.save_revision().publish()

    html = client.get(event.url).content.decode()

    assert "Plenary hall" in html
    assert "Aigerim Bekova</strong>, Head of Unit" in html
    assert "Moderator:" in html
    assert "Пленарный" not in html


def _queries(event: EventPage) -> int:
    request = RequestFactory().get(event.url)
    request.LANGUAGE_CODE = "ru"
    with CaptureQueriesContext(connection) as queries:
        context = event_detail_context(event=event, request=request)
        sessions = [s for day in context["agenda"] for s in day.sessions]
        names = [s.room_display.name for s in sessions if s.room_display]
        names += [speaker.name for s in sessions for speaker, _role in s.speaker_list]
        names += [organiser.name for organiser, _role in context["organiser_list"]]
        names += [field.name for field in context["field_list"]]
    assert "Пленарный зал" in names
    assert "Айгерим Бекова" in names
    return len(queries)


def test_query_count_is_the_same_for_two_or_ten_sessions(index, snippets):
    small = _russian_page_with_english_links(index, snippets, sessions=2)
    large = _russian_page_with_english_links(index, snippets, sessions=10)

    assert _queries(small) == _queries(large)


def test_translating_a_page_points_its_links_at_the_russian_snippets(index, ru, snippets):
    event = _agenda(make_event(index), snippets, sessions=2)
    event.save_revision().publish()

    copy = event.copy_for_translation(ru)

    rooms = list(
        Session.objects.filter(page=copy).order_by("sort_order").values_list("room", flat=True)
    )
    assert rooms == [snippets["hall_ru"].pk, snippets["room_b"].pk]  # Room B is not translated
    speakers = set(
        SessionSpeaker.objects.filter(session__page=copy).values_list("speaker", flat=True)
    )
    assert speakers == {snippets["speaker_ru"].pk}
    organisers = list(EventOrganiser.objects.filter(page=copy).values_list("organiser", flat=True))
    assert organisers == [snippets["organiser_ru"].pk]
    assert list(EventPage.objects.get(pk=copy.pk).fields_of_work.all()) == [snippets["field_ru"]]
    # What the editor opens in the admin (the copy's latest revision) has the same links.
    draft = EventPage.objects.get(pk=copy.pk).get_latest_revision_as_object()
    assert [s.room_id for s in draft.sessions.all()] == rooms
    assert {link.speaker_id for s in draft.sessions.all() for link in s.speakers.all()} == {
        snippets["speaker_ru"].pk
    }
    assert [link.organiser_id for link in draft.organisers.all()] == organisers
    assert [f.pk for f in draft.fields_of_work.all()] == [snippets["field_ru"].pk]
    # The source keeps its English snippets.
    assert set(Session.objects.filter(page=event).values_list("room", flat=True)) == {
        snippets["hall"].pk,
        snippets["room_b"].pk,
    }


def test_translate_action_in_the_admin_remaps_the_snippets(admin_client, index, ru, snippets):
    event = _agenda(make_event(index), snippets, sessions=1)
    event.save_revision().publish()

    response = admin_client.post(
        reverse("simple_translation:submit_page_translation", args=[event.pk]),
        {"locales": [ru.pk]},
    )

    assert response.status_code == 302
    copy = EventPage.objects.get(translation_key=event.translation_key, locale=ru)
    assert Session.objects.get(page=copy).room == snippets["hall_ru"]
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[copy.pk])).content.decode()
    assert "Пленарный зал" in edit


def test_publishing_the_source_keeps_the_translations_rooms_in_their_language(index, ru, snippets):
    event = _agenda(make_event(index), snippets, sessions=1)
    event.save_revision().publish()
    copy = event.copy_for_translation(ru)
    copy.save_revision().publish()
    annex = Room.objects.create(name="Annex", locale=Locale.get_default())
    annex_ru = _translated(annex, ru, name="Пристройка")

    source = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    sessions = list(source.sessions.all())
    sessions[0].room = annex
    source.sessions = sessions
    source.save_revision().publish()

    assert Session.objects.get(page=copy).room == annex_ru
    assert Session.objects.get(page=event).room == annex


def test_event_cards_name_fields_in_the_lists_language(index, ru, snippets):
    event = _agenda(make_event(index), snippets, sessions=1)  # English only
    event.save_revision().publish()

    cards = event_upcoming_list(locale=ru, today=event.start_date)

    assert [card.pk for card in cards] == [event.pk]
    assert [field.name for field in cards[0].field_list] == ["Полицейская деятельность"]
