"""A participant's calendar: the e-mailed invite (iTIP REQUEST/CANCEL) and the personal feed.

Pure functions returning bytes. The invite is one calendar entry per registration with a
stable ``UID``: the first day's times, repeated daily over the event's days; a day whose times
differ is an override (``RECURRENCE-ID``), a day without sessions is excluded (``EXDATE``). So
when the second day moves from 09:00 to 10:00 the same entry moves in the participant's
calendar. The personal feed lists every session (reusing ``cms.calendar.session_vevents``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from cms.calendar import (
    add_timezones,
    page_site_url,
    session_vevents,
    sessions_in_language,
    site_host,
)
from cms.models import EventOrganiser, Organiser
from cms.selectors import agenda_for, page_in_language, snippets_in_language
from conference.l10n import format_date, language_name_in
from registration.links import manage_url

PRODID = "-//Regional Events//Invitations//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class DaySpan:
    """One day of the event as the invite shows it: first start to last end."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime


def event_sessions(event) -> list:
    """The event's sessions in order, each with its page set (no per-session queries)."""
    sessions = list(
        event.sessions.select_related("room").order_by("day", "start_time", "sort_order", "pk")
    )
    for session in sessions:
        session.page = event
    return sessions


def day_spans(event, sessions: list) -> list[DaySpan]:
    """First start and last end of each day that has sessions."""
    spans: dict[dt.date, DaySpan] = {}
    for session in sessions:
        start, end = session.start, session.end
        known = spans.get(session.day)
        if known is None:
            spans[session.day] = DaySpan(session.day, start, end)
        else:
            spans[session.day] = DaySpan(session.day, min(known.start, start), max(known.end, end))
    return [spans[day] for day in sorted(spans)]


def agenda_fingerprint(event, sessions: list | None = None) -> str:
    """A hash of what makes an invite change: dates, time zone, venue, sessions' times and
    rooms. Titles and descriptions (wording) are left out on purpose."""
    sessions = event_sessions(event) if sessions is None else sessions
    data = {
        "dates": [event.start_date.isoformat(), event.end_date.isoformat()],
        "tz": event.time_zone,
        "venue": [
            event.venue_name,
            event.venue_address,
            event.city,
            str(event.country or ""),
            event.online_link,
        ],
        "sessions": sorted(
            [s.day.isoformat(), s.start_time.isoformat(), s.end_time.isoformat(), s.room_id or 0]
            for s in sessions
        ),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def organizer_address() -> tuple[str, str]:
    """Name and address the invites come from (the ``From`` of the e-mail: clients accept
    updates only from the organiser who sent the first invite)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or settings.WAGTAIL_SITE_NAME, address


def event_location(event, source=None) -> str:
    """Venue, address, city and country in the active language: each from ``event`` (a copy
    of the page), or from ``source`` where the copy leaves it empty."""
    country = str(countries.name(event.country)) if event.country else ""
    parts = [
        getattr(event, name) or (getattr(source, name) if source is not None else "")
        for name in ("venue_name", "venue_address", "city")
    ]
    return ", ".join(part for part in (*parts, country) if part)


def organiser_lines(event, language: str) -> list[str]:
    """The organisers of ``event`` (the source page: the list of record, which a copy may
    lag behind) a line per role ("Co-organiser: …"), each named in ``language`` where
    translated, roles in the active language. Two queries."""
    links = list(
        EventOrganiser.objects.filter(page_id=event.pk)
        .select_related("organiser")
        .order_by("sort_order", "pk")
    )
    names = snippets_in_language(
        [link.organiser for link in links], model=Organiser, language=language
    )
    roles: dict[str, list[str]] = {}
    for link in links:
        roles.setdefault(str(link.get_role_display()), []).append(names[link.organiser_id].name)
    return [f"{role}: {', '.join(people)}" for role, people in roles.items()]


@dataclass(frozen=True)
class Agenda:
    """What a participant's invite shows of the event in one language: the page in that
    language (its texts: title, venue), the sessions (the source page's while the copy's
    agenda lags behind; rooms in that language), the days, the organisers. ``source`` is the
    source page: its dates and time zone are the event's, and it fills the texts the copy
    leaves empty."""

    event: object
    sessions: list
    spans: list[DaySpan]
    source: object = None
    organisers: tuple[str, ...] = ()
    #: The page whose agenda ``sessions`` are: ``event``, or ``source`` where the copy lags.
    sessions_page: object = None


def agenda_in_language(source, language: str, cache: dict | None = None) -> Agenda:
    """The event's agenda in ``language``. ``cache`` (a dict the caller keeps for one batch,
    e.g. the updates to every participant after a publish) keeps it per event and language,
    so a fan-out reads the agenda once per language instead of three times per participant.
    """
    key = (source.pk, (language or "")[:2])
    if cache is not None and key in cache:
        return cache[key]
    event = page_in_language(page=source, language=language)
    sessions, sessions_page = event_sessions(event), event
    if event.pk != source.pk:
        original = event_sessions(source)
        if [(s.day, s.start_time, s.end_time) for s in sessions] != [
            (s.day, s.start_time, s.end_time) for s in original
        ]:
            # The copy's agenda lags behind: the source's sessions, the copy's texts.
            sessions, sessions_page = original, source
    sessions_in_language(sessions, language, speakers=False)
    agenda = Agenda(
        event=event,
        sessions=sessions,
        spans=day_spans(sessions_page, sessions),
        source=source,
        organisers=tuple(organiser_lines(source, language)),
        sessions_page=sessions_page,
    )
    if cache is not None:
        cache[key] = agenda
    return agenda


def _session_place(session) -> str:
    """The session's room, in the reader's language when ``sessions_in_language`` ran."""
    room = getattr(session, "room_display", None) or (session.room if session.room_id else None)
    return room.name if room else ""


def agenda_summary(
    event, sessions: list, *, registration=None, organisers: tuple[str, ...] = ()
) -> str:
    """The DESCRIPTION: days with their sessions, the interpretation language, the
    organisers, the page."""
    lines = []
    day = None
    for session in sessions:
        if session.day != day:
            day = session.day
            if lines:
                lines.append("")
            lines.append(format_date(day, "WEEKDAY_DATE_FORMAT"))
        place = _session_place(session)
        line = f"{session.start_time:%H:%M}–{session.end_time:%H:%M} {session.title}"
        lines.append(f"{line} ({place})" if place else line)
    lines.append("")
    lines.append(_("Times are in the venue's time zone: %(tz)s.") % {"tz": event.tz_label})
    if registration is not None and registration.interpretation_language:
        lines.append(
            _("Your interpretation language: %(language)s")
            % {"language": language_name_in(registration.interpretation_language)}
        )
    if organisers:
        lines.append("")
        lines.extend(organisers)
    if registration is not None:
        lines.append(_("Your registration: %(url)s") % {"url": manage_url(registration)})
    return "\n".join(lines)


def _calendar(method: str, name: str):
    # Heavy library (icalendar, STYLE rule 9): only calendar files and invites need it.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _add_timezones(calendar, event) -> None:
    add_timezones(
        calendar,
        first_date=event.start_date - dt.timedelta(days=366),
        last_date=event.end_date + dt.timedelta(days=366),
    )


def invite_ics(
    *,
    registration,
    uid: str,
    sequence: int,
    method: str = REQUEST,
    partstat: str = "ACCEPTED",
    stamp: dt.datetime | None = None,
    agendas: dict | None = None,
) -> bytes:
    """The participant's invite: ``METHOD:REQUEST`` (or ``CANCEL``, or ``PUBLISH`` for a
    download) for the whole event under one ``UID``, in the participant's language.
    ``agendas``: a batch's cache for ``agenda_in_language``."""
    # Heavy library (icalendar, STYLE rule 9): only calendar files and invites need it.
    from icalendar import Event, vCalAddress, vText

    with translation.override(registration.language):
        agenda = agenda_in_language(registration.event, registration.language, agendas)
        event, sessions, spans = agenda.event, agenda.sessions, agenda.spans
        stamp = stamp or timezone.now()
        calendar = _calendar(method, event.title)

        def base(vevent) -> None:
            vevent.add("uid", f"{uid}@{site_host()}")
            vevent.add("sequence", sequence)
            vevent.add("dtstamp", stamp)
            vevent.add("summary", event.title)
            location = event_location(event, agenda.source)
            if location:
                vevent.add("location", location)
            url = page_site_url(event)
            if url:
                vevent.add("url", url)
            vevent.add(
                "description",
                agenda_summary(
                    agenda.source, sessions, registration=registration, organisers=agenda.organisers
                ),
            )
            name, address = organizer_address()
            organizer = vCalAddress(f"mailto:{address}")
            organizer.params["cn"] = vText(name)
            vevent.add("organizer", organizer, encode=False)
            attendee = vCalAddress(f"mailto:{registration.email}")
            attendee.params["cn"] = vText(registration.full_name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText(partstat)
            attendee.params["rsvp"] = vText("FALSE")
            vevent.add("attendee", attendee, encode=False)
            vevent.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
            vevent.add("transp", "OPAQUE")

        master = Event()
        base(master)
        if not spans:  # no agenda yet: the event's days, all day
            master.add("dtstart", agenda.source.start_date)
            master.add("dtend", agenda.source.end_date + dt.timedelta(days=1))
            calendar.add_component(master)
            return calendar.to_ical()
        first = spans[0]
        master.add("dtstart", first.start)
        master.add("dtend", first.end)
        last_day = spans[-1].day
        count = (last_day - first.day).days + 1
        if count > 1:
            master.add("rrule", {"freq": "daily", "count": count})
            with_sessions = {span.day for span in spans}
            skipped = [
                dt.datetime.combine(first.day + dt.timedelta(days=i), first.start.timetz())
                for i in range(count)
                if first.day + dt.timedelta(days=i) not in with_sessions
            ]
            if skipped:
                master.add("exdate", skipped)
        calendar.add_component(master)
        if method != CANCEL:
            for span in spans[1:]:
                original = dt.datetime.combine(span.day, first.start.timetz())
                if span.start == original and span.end.timetz() == first.end.timetz():
                    continue
                override = Event()
                base(override)
                override.add("recurrence-id", original)
                override.add("dtstart", span.start)
                override.add("dtend", span.end)
                calendar.add_component(override)
        _add_timezones(calendar, agenda.source)
        return calendar.to_ical()


def feed_ics(*, registration, include: bool = True) -> bytes:
    """The participant's subscription: every session (room, speakers, interpretation), in
    their language; empty when ``include`` is false (cancelled: the entries go away)."""
    source = registration.event
    with translation.override(registration.language):
        agenda = agenda_in_language(source, registration.language)
        event = agenda.event
        calendar = _calendar(PUBLISH, f"{event.title} — {registration.full_name}")
        calendar.add("x-wr-timezone", source.time_zone)
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        if include:
            # The sessions with their speakers (prefetched); the copy's texts around them.
            sessions = [s for day in agenda_for(agenda.sessions_page) for s in day.sessions]
            sessions_in_language(sessions, registration.language)
            for vevent in session_vevents(event, sessions):
                if registration.interpretation_language:
                    note = _("Your interpretation language: %(language)s") % {
                        "language": language_name_in(registration.interpretation_language)
                    }
                    text = f"{vevent.pop('description', '')}\n\n{note}".strip()
                    vevent.add("description", text)
                calendar.add_component(vevent)
            _add_timezones(calendar, source)
        return calendar.to_ical()
