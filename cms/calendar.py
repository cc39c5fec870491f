"""Calendar files of events, as pure functions returning bytes (RFC 5545).

``event_ics`` is the agenda of one event: one VEVENT per session with a stable UID
(``session-<id>@<host>``), local times with TZID and the VTIMEZONE they need. ``events_ics``
is the public feed of every event (one all-day VEVENT each). The registration messages reuse
``session_vevents`` for the participant's personal feed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from conference.l10n import language_name_in

PRODID = "-//Regional Events//Agenda//EN"


def site_host() -> str:
    """The host name in UIDs: the one of ``SITE_URL`` (stable across servers)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def page_site_url(page) -> str | None:
    """The page's address under ``SITE_URL``, for the ``URL:`` of calendar entries.

    ``page.full_url`` would take the Wagtail Site record (``localhost:80`` until someone
    edits it); ``SITE_URL`` is the address the site is really served at, the one
    ``make demo PORT=8100`` sets and every e-mail link uses.
    """
    parts = page.get_url_parts()
    if parts is None:  # not routable (no site)
        return None
    return f"{settings.SITE_URL}{parts[2]}"


def _calendar(name: str):
    # Heavy library (icalendar, STYLE rule 9): only calendar downloads need it.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_date: dt.date | None, last_date: dt.date | None):
    # Heavy library (icalendar, STYLE rule 9): only calendar downloads need it.
    from icalendar import Timezone

    bounds = {"first_date": first_date, "last_date": last_date}
    try:
        return Timezone.from_tzid(tzid, **{k: v for k, v in bounds.items() if v is not None})
    except ValueError:
        return None


def add_timezones(
    calendar, *, first_date: dt.date | None = None, last_date: dt.date | None = None
) -> None:
    """Add the VTIMEZONE of every TZID the calendar uses, like icalendar's
    ``add_missing_timezones``, but each built once per process and bounds: icalendar walks
    every offset transition of the zone to build one (~25 ms for a two-year span), which a
    fan-out of 3,500 invites in the same time zone would otherwise pay 3,500 times.
    The cached components are shared between calendars and never changed after they are made.
    """
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        component = _vtimezone(tzid, first_date, last_date)
        if component is not None:
            calendar.subcomponents.insert(position, component)
            position += 1


def sessions_in_language(sessions: list, language: str | None, *, speakers: bool = True) -> list:
    """Give each session its room (``room_display``) and, with ``speakers``, its speakers with
    their roles (``speaker_list``) as the translations in ``language`` have them, roles in the
    active language: what ``session_location`` and ``session_description`` read. A reader whose
    language the page has no copy in (an invite in Kazakh of an event in English and Russian)
    still gets the rooms and speakers that are translated. One query per snippet model (the
    speakers as ``cms.selectors.agenda_for`` prefetches them); the snippet itself where it has
    no translation. Returns ``sessions``.
    """
    # cms.models imports this module and cms.selectors imports cms.models: a real cycle.
    from cms.models import Room, Speaker
    from cms.selectors import snippets_in_language

    rooms = snippets_in_language(
        [s.room for s in sessions if s.room_id], model=Room, language=language
    )
    for session in sessions:
        session.room_display = rooms.get(session.room_id) if session.room_id else None
    if not speakers:
        return sessions
    links = {s.pk: list(s.speakers.all()) for s in sessions}
    people = snippets_in_language(
        [link.speaker for group in links.values() for link in group],
        model=Speaker,
        language=language,
    )
    for session in sessions:
        session.speaker_list = [
            (people[link.speaker_id], str(link.get_role_display())) for link in links[session.pk]
        ]
    return sessions


def session_location(session, event) -> str:
    """Room, venue and city, the parts that are known, comma-separated."""
    room = getattr(session, "room_display", None) or session.room
    parts = [room.name if room else "", event.venue_name, event.city]
    return ", ".join(part for part in parts if part)


def session_description(session) -> str:
    """Speakers with their roles, floor and interpretation languages, then the description."""
    lines = []
    speakers = getattr(session, "speaker_list", None)
    if speakers is None:
        speakers = [(link.speaker, link.get_role_display()) for link in session.speakers.all()]
    for speaker, role in speakers:
        details = ", ".join(p for p in (speaker.title, speaker.organisation) if p)
        lines.append(f"{role}: {speaker.name}" + (f" ({details})" if details else ""))
    if session.floor_language:
        lines.append(
            _("Floor language: %(language)s")
            % {"language": language_name_in(session.floor_language)}
        )
    if session.interpretation_languages:
        names = ", ".join(language_name_in(c) for c in session.interpretation_languages)
        lines.append(_("Interpretation into: %(languages)s") % {"languages": names})
    if session.description:
        lines.append("")
        lines.append(session.description)
    return "\n".join(lines)


def session_vevents(event, sessions: Iterable, *, stamp: dt.datetime | None = None) -> list:
    """One VEVENT per session of ``event`` (sessions as ``cms.selectors.agenda_for`` gives)."""
    # Heavy library (icalendar, STYLE rule 9): only calendar downloads need it.
    from icalendar import Event

    host = site_host()
    stamp = stamp or event.last_published_at or timezone.now()
    url = page_site_url(event)
    result = []
    for session in sessions:
        vevent = Event()
        vevent.add("uid", f"session-{session.pk}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", session.start)
        vevent.add("dtend", session.end)
        vevent.add("summary", session.title)
        vevent.add("location", session_location(session, event) or event.title)
        vevent.add("description", session_description(session) or session.title)
        vevent.add("categories", [session.get_kind_display()])
        if url:
            vevent.add("url", url)
        result.append(vevent)
    return result


def event_ics(event) -> bytes:
    """The agenda of ``event`` as an ICS file, in the language of the event page's locale."""
    # cms.models imports this module and cms.selectors imports cms.models: a real cycle.
    from cms.selectors import agenda_for

    with override(event.locale.language_code):
        calendar = _calendar(event.title)
        calendar.add("x-wr-timezone", event.time_zone)
        sessions = [session for day in agenda_for(event) for session in day.sessions]
        for vevent in session_vevents(event, sessions):
            calendar.add_component(vevent)
        add_timezones(calendar)
        return calendar.to_ical()


def events_ics(events: Iterable, *, name: str) -> bytes:
    """Every event as one all-day VEVENT (UID ``event-<translation key>@<host>``)."""
    # Heavy library (icalendar, STYLE rule 9): only calendar downloads need it.
    from icalendar import Event

    host = site_host()
    calendar = _calendar(name)
    now = timezone.now()
    for event in events:
        vevent = Event()
        vevent.add("uid", f"event-{event.translation_key}@{host}")
        vevent.add("dtstamp", event.last_published_at or now)
        vevent.add("dtstart", event.start_date)
        vevent.add("dtend", event.end_date + dt.timedelta(days=1))
        vevent.add("summary", event.title)
        place = [
            event.venue_name,
            event.city,
            str(countries.name(event.country)) if event.country else "",
        ]
        location = ", ".join(p for p in place if p)
        if location:
            vevent.add("location", location)
        if event.subtitle:
            vevent.add("description", event.subtitle)
        url = page_site_url(event)
        if url:
            vevent.add("url", url)
        calendar.add_component(vevent)
    return calendar.to_ical()
