"""Fixtures for CMS tests: an event index, events with agendas, admin form data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import EventIndexPage, EventPage, SessionSpeaker
from tests.factories import (
    EventPageFactory,
    HomePageFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    paper_create,
)


@pytest.fixture
def index(db):
    """The English event index under the English home page (no demo events)."""
    home = HomePageFactory()
    index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
    home.add_child(instance=index)
    index.save_revision().publish()
    return EventIndexPage.objects.get(pk=index.pk)


def make_event(index: EventIndexPage, **fields) -> EventPage:
    """Thin name over ``EventPageFactory``: an event under ``index`` (no capacity);
    ``publish=False`` leaves a draft."""
    defaults = {"venue_name": "Hotel Astana", "capacity": None}
    defaults.update(fields)
    return EventPageFactory(parent=index, **defaults)


def make_document(title: str, content: bytes = b"%PDF-1.4 demo", name: str = "paper.pdf"):
    from cms.demo_events import root_collection

    model = get_document_model()
    document = model(title=title, collection=root_collection())
    document.file.save(name, ContentFile(content), save=False)
    document.file_size = len(content)
    document.save()
    return document


def fill_agenda(event: EventPage, *, days: int, sessions: int, speakers: int, papers: int):
    """Sessions (each with speakers and a linked paper) and papers in EN and RU."""
    room = RoomFactory(locale=event.locale)
    paper_rows = []
    for i in range(papers):
        paper_rows.append(
            paper_create(
                event,
                {"en": make_document(f"Paper {i} EN"), "ru": make_document(f"Paper {i} RU")},
                sort_order=i,
                title=f"Paper {i}",
            )
        )
    people = [SpeakerFactory(name=f"Speaker {i}", locale=event.locale) for i in range(speakers)]
    order = 0
    for day in range(days):
        for n in range(sessions):
            start = dt.time(8 + n // 2, 30 * (n % 2))
            end = dt.time(8 + n // 2, 30 * (n % 2) + 29)
            session = SessionFactory(
                page=event,
                sort_order=order,
                day=event.start_date + dt.timedelta(days=day),
                start_time=start,
                end_time=end,
                title=f"Session {day}-{n}",
                kind="plenary",
                room=room if n == 0 else None,
                interpretation_languages=["en", "ru"],
            )
            order += 1
            for k, person in enumerate(people):
                SessionSpeaker.objects.create(session=session, speaker=person, sort_order=k)
            if paper_rows:
                session.papers.set([paper_rows[n % len(paper_rows)]])
                session.save()
    return event


def session_form(**fields) -> dict:
    data = {
        "day": "",
        "start_time": "09:00",
        "end_time": "10:00",
        "title": "Opening",
        "kind": "opening",
        "room": "",
        "description": "",
        "floor_language": "en",
        "speakers": inline_formset([]),
    }
    data.update(fields)
    return data


def event_form_data(event: EventPage, *, sessions: list[dict] | None = None, **fields) -> dict:
    """POST data of the Wagtail edit form of ``event`` (sessions as ``session_form`` gives)."""
    sessions = sessions or []
    multi = {"languages": ["en", "ru"], "interpretation_languages": ["en", "ru"]}
    session_multi = {}
    prepared = []
    for i, session in enumerate(sessions):
        session = dict(session)
        session_multi[f"sessions-{i}-interpretation_languages"] = session.pop(
            "interpretation_languages", ["en", "ru"]
        )
        papers = session.pop("papers", [])
        if papers:
            session_multi[f"sessions-{i}-papers"] = papers
        prepared.append(session)
    data = {
        "title": event.title,
        "slug": event.slug,
        "subtitle": "",
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "time_zone": event.time_zone,
        "format": event.format,
        "venue_name": event.venue_name,
        "venue_address": "",
        "city": event.city,
        "country": event.country.code if event.country else "",
        "map_url": "",
        "online_link": "",
        "background": rich_text("<p>Background</p>"),
        "objectives": rich_text("<p>Objectives</p>"),
        "target_audience": rich_text("<p>Audience</p>"),
        "meeting_format": rich_text("<p>In person</p>"),
        "contact_name": "",
        "contact_email": "",
        "registration_opens": "",
        "registration_closes": "",
        "capacity": "",
        "waiting_list": "on",
        "badge_language": event.badge_language,
        "invitation_code": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "organisers": inline_formset([]),
        "papers": inline_formset([]),
        "sessions": inline_formset(prepared),
    }
    for key, value in list(fields.items()):
        if key in multi:
            multi[key] = value
        else:
            data[key] = value
    flat = nested_form_data(data)
    flat.update(multi)
    flat.update(session_multi)
    return flat
