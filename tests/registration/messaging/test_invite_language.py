"""Invites and feeds in the participant's language: the event's title, venue and city from the
page's copy in that language, rooms, speakers and organisers from their translations (the
original where a snippet has none), speakers' roles translated. Read back with icalendar."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from wagtail.models import Locale

from cms.models import EventOrganiser, EventPage, Organiser, SessionSpeaker
from registration.messaging.calendar import feed_ics, invite_ics
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda

pytestmark = pytest.mark.django_db


def _translate(snippet, code: str, **fields):
    copy = snippet.copy_for_translation(Locale.objects.get(language_code=code))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


@pytest.fixture
def event():
    """An event in Astana with an agenda: the opening in the plenary hall (translated into
    Russian and Ukrainian), the working groups in meeting room A (translated into Russian
    only); a moderator translated into Russian; OSCE as organiser, named in Russian. The
    Russian copy names the venue in Russian and was made before the agenda (it lags behind);
    the Ukrainian copy is made after it (its sessions point at the English rooms)."""
    event = event_with_agenda(translations=("ru",))
    hall = factories.RoomFactory(name="Plenary hall")
    _translate(hall, "ru", name="Пленарный зал")
    _translate(hall, "uk", name="Пленарна зала")
    room_a = factories.RoomFactory(name="Meeting room A")
    _translate(room_a, "ru", name="Зал заседаний A")
    event.sessions.filter(title="Opening plenary").update(room=hall)
    event.sessions.filter(title="Working groups").update(room=room_a)
    speaker = factories.SpeakerFactory(name="Aigerim Bekova", title="Deputy Head")
    _translate(speaker, "ru", name="Айгерим Бекова", title="Заместитель руководителя")
    SessionSpeaker.objects.create(
        session=event.sessions.get(title="Opening plenary"), speaker=speaker, role="moderator"
    )
    osce = Organiser.objects.create(name="OSCE")
    _translate(osce, "ru", name="ОБСЕ")
    EventOrganiser.objects.create(page=event, organiser=osce, role="organiser")
    ru = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="ru")
    ru.title = "Региональная конференция"
    ru.venue_name = "Отель Риксос Президент"
    ru.city = "Астана"
    ru.save_revision().publish()
    uk = event.copy_for_translation(Locale.objects.get(language_code="uk"))
    uk.title = "Регіональна конференція"
    uk.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def _master(ics: bytes):
    calendar = Calendar.from_ical(ics)
    return next(v for v in calendar.walk("VEVENT") if "recurrence-id" not in v)


def _invite(registration):
    return _master(invite_ics(registration=registration, uid="abc", sequence=0))


def _feed(registration) -> dict[str, object]:
    """The feed's entries by UID order: session title → VEVENT."""
    calendar = Calendar.from_ical(feed_ics(registration=registration))
    return {str(v["summary"]): v for v in calendar.walk("VEVENT")}


def test_russian_invite_names_the_room_venue_city_and_organiser_in_russian(event):
    registration = factories.RegistrationFactory(event=event, language="ru")

    vevent = _invite(registration)

    description = str(vevent["description"])
    assert str(vevent["summary"]) == "Региональная конференция"
    assert str(vevent["location"]) == (
        "Отель Риксос Президент, Kabanbay Batyr 21, Астана, Казахстан"
    )
    assert "09:00–10:30 Opening plenary (Пленарный зал)" in description
    assert "(Зал заседаний A)" in description
    assert "Plenary hall" not in description
    assert "Организатор: ОБСЕ" in description


def test_ukrainian_invite_names_the_room_in_ukrainian_and_an_untranslated_one_in_english(
    event,
):
    registration = factories.RegistrationFactory(event=event, language="uk")

    vevent = _invite(registration)

    description = str(vevent["description"])
    assert str(vevent["summary"]) == "Регіональна конференція"
    assert "(Пленарна зала)" in description
    assert "(Meeting room A)" in description  # no Ukrainian name: the original
    assert "Організатор: OSCE" in description


def test_kazakh_invite_falls_back_to_english_names_without_a_kazakh_copy(event):
    registration = factories.RegistrationFactory(event=event, language="kk")

    vevent = _invite(registration)

    description = str(vevent["description"])
    assert str(vevent["summary"]) == event.title
    assert "(Plenary hall)" in description
    assert "(Meeting room A)" in description


def test_russian_feed_names_rooms_speakers_and_roles_in_russian(event):
    registration = factories.RegistrationFactory(event=event, language="ru")

    entries = _feed(registration)

    opening = entries["Opening plenary"]
    assert str(opening["location"]).startswith("Пленарный зал, Отель Риксос Президент, Астана")
    assert "Модератор: Айгерим Бекова (Заместитель руководителя, OSCE)" in str(
        opening["description"]
    )
    assert str(entries["Working groups"]["location"]).startswith("Зал заседаний A, ")


def test_ukrainian_feed_keeps_an_untranslated_speaker_in_english(event):
    registration = factories.RegistrationFactory(event=event, language="uk")

    entries = _feed(registration)

    opening = entries["Opening plenary"]
    assert str(opening["location"]).startswith("Пленарна зала, ")
    assert "Модератор: Aigerim Bekova (Deputy Head, OSCE)" in str(opening["description"])
