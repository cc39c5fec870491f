"""Translation with simple_translation: the copy has the agenda, and times stay in step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import Locale

from cms.models import BackgroundPaper, EventPage, Session
from tests.cms.conftest import fill_agenda, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def ru(index):
    locale = Locale.objects.get_or_create(language_code="ru")[0]
    copy = index.copy_for_translation(locale)
    copy.save_revision().publish()
    return locale


def _translate(admin_client, event, locale) -> EventPage:
    response = admin_client.post(
        reverse("simple_translation:submit_page_translation", args=[event.pk]),
        {"locales": [locale.pk]},
    )
    assert response.status_code == 302
    return EventPage.objects.get(translation_key=event.translation_key, locale=locale)


def test_translate_action_copies_sessions_speakers_and_papers(admin_client, index, ru):
    event = fill_agenda(make_event(index), days=2, sessions=2, speakers=2, papers=2)

    copy = _translate(admin_client, event, ru)

    assert copy.live is False
    assert copy.sessions.count() == 4
    assert sum(s.speakers.count() for s in copy.sessions.all()) == 8
    own_papers = set(BackgroundPaper.objects.filter(page=copy).values_list("pk", flat=True))
    linked = {p.pk for s in copy.sessions.all() for p in s.papers.all()}
    assert linked
    assert linked <= own_papers
    assert copy.source == event


def test_publishing_the_source_moves_the_translations_sessions(admin_client, index, ru):
    event = fill_agenda(make_event(index), days=1, sessions=2, speakers=1, papers=0)
    copy = _translate(admin_client, event, ru)
    copy.title = "Конференция"
    copy.save_revision().publish()

    source = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    source.start_date += dt.timedelta(days=7)
    source.end_date += dt.timedelta(days=7)
    sessions = list(source.sessions.all())
    for session in sessions:
        session.day += dt.timedelta(days=7)
        session.start_time = dt.time(14, 0)
    source.sessions = sessions
    source.save_revision().publish()

    copy = EventPage.objects.get(pk=copy.pk)
    assert copy.title == "Конференция"
    assert copy.start_date == source.start_date
    days = sorted({s.day for s in Session.objects.filter(page=copy)})
    assert days == [source.start_date]
    assert set(Session.objects.filter(page=copy).values_list("start_time", flat=True)) == {
        dt.time(14, 0)
    }


def test_publishing_a_stale_translation_keeps_the_source_times(admin_client, index, ru):
    event = fill_agenda(make_event(index), days=1, sessions=1, speakers=1, papers=0)
    copy = _translate(admin_client, event, ru)
    stale = EventPage.objects.get(pk=copy.pk).get_latest_revision_as_object()
    sessions = list(stale.sessions.all())
    sessions[0].start_time = dt.time(6, 0)
    stale.sessions = sessions

    stale.save_revision().publish()

    assert Session.objects.get(page=copy).start_time == dt.time(8, 0)


def test_russian_page_shows_translated_speakers(client, admin_client, index, ru):
    from cms.models import Speaker

    event = fill_agenda(make_event(index), days=1, sessions=1, speakers=1, papers=0)
    speaker = Speaker.objects.get(name="Speaker 0")
    translated = speaker.copy_for_translation(ru)
    translated.name = "Спикер 0"
    translated.save()
    copy = _translate(admin_client, event, ru)
    copy.save_revision().publish()

    html = client.get(copy.url).content.decode()

    assert "Спикер 0</strong>" in html
    assert "Время указано" in html  # "Times are …" in Russian
