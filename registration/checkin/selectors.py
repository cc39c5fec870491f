"""Read-side queries for check-in: attendance per day (and hours, for courses), who has not
arrived, name search for the scanner, and the registrations a badge batch prints."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.fields import language_name
from cms.models import EventPage, Session, SessionKind
from conference.l10n import time_zone_city
from registration.checkin.models import BadgeBatch, CheckIn
from registration.models import Registration, RegistrationStatus
from registration.models.registrations import (
    AccessNeed,
    DietaryNeed,
    search_filter,
    search_key,
)

#: Agenda items that do not count as attended hours.
NOT_TEACHING = (SessionKind.BREAK, SessionKind.NETWORKING)


@dataclass(frozen=True)
class DayAttendance:
    """One event day: confirmed participants, how many were checked in, the day's hours."""

    day: dt.date
    confirmed: int
    checked_in: int
    hours: float

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.confirmed) if self.confirmed else 0


@dataclass(frozen=True)
class ParticipantAttendance:
    registration_id: int
    days: tuple[dt.date, ...]
    hours: float


def event_day_hours(*, event: EventPage) -> dict[dt.date, float]:
    """Hours of agenda per day (breaks and networking excluded); 0 for a day with none."""
    hours: dict[dt.date, float] = dict.fromkeys(event.days, 0.0)
    sessions = (
        Session.objects.filter(page=event)
        .exclude(kind__in=NOT_TEACHING)
        .values_list("day", "start_time", "end_time")
    )
    for day, start, end in sessions:
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if day in hours and minutes > 0:
            hours[day] += minutes / 60
    return hours


def attendance_by_day(*, event: EventPage) -> list[DayAttendance]:
    """Checked in against confirmed for each day of the event (three queries).

    ``checked_in`` counts everyone with a check-in that day, including a participant who
    cancelled later; ``hours`` is the agenda's length that day (for course certificates).
    """
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    per_day = dict(
        CheckIn.objects.filter(registration__event=event)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    hours = event_day_hours(event=event)
    return [
        DayAttendance(day=day, confirmed=confirmed, checked_in=per_day.get(day, 0), hours=h)
        for day, h in hours.items()
    ]


def attendance_by_registration(*, event: EventPage) -> dict[int, ParticipantAttendance]:
    """Days attended and hours earned per registration that has any check-in (two queries)."""
    hours = event_day_hours(event=event)
    days: dict[int, list[dt.date]] = defaultdict(list)
    rows = CheckIn.objects.filter(registration__event=event).values_list("registration_id", "day")
    for registration_id, day in rows.order_by("day"):
        days[registration_id].append(day)
    return {
        rid: ParticipantAttendance(
            registration_id=rid, days=tuple(ds), hours=sum(hours.get(d, 0.0) for d in ds)
        )
        for rid, ds in days.items()
    }


def checkin_not_arrived(*, event: EventPage, day: dt.date) -> QuerySet[Registration]:
    """Confirmed participants without a check-in on ``day``, by family name."""
    arrived = CheckIn.objects.filter(registration__event=event, day=day).values("registration_id")
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .exclude(pk__in=arrived)
        .order_by("family_name", "given_name", "pk")
    )


def checkin_recent(*, event: EventPage, day: dt.date, limit: int = 20) -> QuerySet[CheckIn]:
    """The latest check-ins of ``day``, newest first, with the participant and the scanner."""
    return (
        CheckIn.objects.filter(registration__event=event, day=day)
        .select_related("registration", "by")
        .order_by("-at", "-pk")[:limit]
    )


def local_time(at: dt.datetime, event: EventPage) -> str:
    """``09:14``: a check-in's time as the wall clock of the event's zone shows it (never the
    server's or the device's), so every screen shows one scan at one time."""
    return formats.time_format(timezone.localtime(at, event.tz), "H:i")


#: How many rows the search reads before keeping those that match by name (see below).
SEARCH_READ = 50


def _names_match(registration: Registration, words: list[str]) -> bool:
    """Every word occurs in the person's names, as written or in Latin (``search_key``).

    ``search_text`` also holds the e-mail address and organisation: the door's search keeps
    to names, so check-in staff cannot probe who registered with which address.
    """
    names = " ".join(
        (registration.given_name, registration.family_name, registration.badge_name or "")
    )
    written, latin = names.lower(), search_key(names)
    return all(w.lower() in written or search_key(w) in latin for w in words)


def checkin_search(
    *, event: EventPage, query: str, limit: int = 10, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Name search for the scanner: name, organisation and status only, plus the badge token
    (an opaque handle the scanner sends back to check the person in) and, for whoever is
    already checked in today (the event's day), when: staff see it before scanning twice.

    A name is found in either script ("Nurlanova" finds "Нурланова" and back) through
    ``Registration.search_text``. One query whatever the number of matches.
    """
    # PostgreSQL refuses a NUL character in a query string: it can only be noise here.
    words = [w for w in (query or "").replace("\x00", "").split() if len(w) >= 2][:4]
    if not words:
        return []
    today = timezone.localtime(now or timezone.now(), event.tz).date()
    arrived = CheckIn.objects.filter(registration=OuterRef("pk"), day=today).values("at")[:1]
    rows = (
        Registration.objects.filter(event=event)
        .filter(search_filter(" ".join(words)))
        .exclude(status=RegistrationStatus.EXPIRED)
        .annotate(arrived_at=Subquery(arrived))
        .order_by("family_name", "given_name", "pk")
        .only("given_name", "family_name", "badge_name", "organisation", "status", "badge_token")[
            :SEARCH_READ
        ]
    )
    results = []
    for r in [r for r in rows if _names_match(r, words)][:limit]:
        time = local_time(r.arrived_at, event) if r.arrived_at else ""
        results.append(
            {
                "name": r.full_name,
                "organisation": r.organisation,
                "status": r.status,
                "status_label": str(r.get_status_display()),
                "token": r.badge_token,
                "checked_in": time,
                "checked_in_label": _("checked in today at %(time)s (%(zone)s)")
                % {"time": time, "zone": time_zone_city(event.time_zone)}
                if time
                else "",
            }
        )
    return results


def badge_registrations(*, event: EventPage, filters: dict | None = None) -> QuerySet:
    """Confirmed registrations of ``event`` a badge batch prints, by family name."""
    filters = filters or {}
    rows = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    if filters.get("role"):
        rows = rows.filter(role__in=filters["role"])
    if filters.get("country"):
        rows = rows.filter(country__in=filters["country"])
    return rows.order_by("family_name", "given_name", "pk")


def badge_batches(*, event: EventPage, limit: int = 10) -> QuerySet[BadgeBatch]:
    return BadgeBatch.objects.filter(event=event).select_related("created_by", "job")[:limit]


@dataclass
class LogisticsSummary:
    """What the venue, the interpreters and the caterers need to know for one event."""

    event: Any
    confirmed: int = 0
    languages: list[str] = field(default_factory=list)
    #: (code, name) of each column; "" is "no interpretation".
    language_columns: list[tuple[str, str]] = field(default_factory=list)
    #: One row per day: (day, [(expected, checked in) per language column]).
    per_day: list[tuple[Any, list[tuple[int, int]]]] = field(default_factory=list)
    access: list[tuple[str, int]] = field(default_factory=list)
    access_other: list[tuple[Registration, str]] = field(default_factory=list)
    dietary: list[tuple[str, int]] = field(default_factory=list)
    dietary_other: list[tuple[Registration, str]] = field(default_factory=list)
    visa_letters: list[Registration] = field(default_factory=list)
    with_needs: list[Registration] = field(default_factory=list)


def logistics_summary(*, event) -> LogisticsSummary:
    """Head-count per interpretation language and day, access and dietary needs, visa letters.

    Counts confirmed registrations; a day already under way also shows check-ins per language.
    A fixed number of queries whatever the number of participants.
    """
    event = event.source
    confirmed = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by(
            "family_name", "given_name", "pk"
        )
    )
    summary = LogisticsSummary(event=event, confirmed=len(confirmed))
    by_language = Counter(r.interpretation_language or "" for r in confirmed)
    languages = [code for code in event.interpretation_languages or [] if code]
    languages += sorted(code for code in by_language if code and code not in languages)
    checked = Counter(
        (day, language or "")
        for day, language in CheckIn.objects.filter(registration__event=event).values_list(
            "day", "registration__interpretation_language"
        )
    )
    if by_language.get(""):
        languages.append("")
    summary.languages = languages
    summary.language_columns = [(code, language_name(code) if code else "") for code in languages]
    for day in event.days:
        cells = [(by_language.get(code, 0), checked.get((day, code), 0)) for code in languages]
        summary.per_day.append((day, cells))
    access = Counter(need for r in confirmed for need in r.access_needs or [])
    summary.access = [(label, access[value]) for value, label in AccessNeed.choices]
    summary.access_other = [(r, r.access_needs_other) for r in confirmed if r.access_needs_other]
    dietary = Counter(need for r in confirmed for need in r.dietary or [])
    summary.dietary = [(label, dietary[value]) for value, label in DietaryNeed.choices]
    summary.dietary_other = [(r, r.dietary_needs) for r in confirmed if r.dietary_needs]
    summary.visa_letters = [r for r in confirmed if r.visa_letter]
    summary.with_needs = [
        r for r in confirmed if r.access_needs or r.access_needs_other or r.dietary
    ]
    return summary
