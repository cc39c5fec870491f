"""Hours attended and completion of a programme's participants, counted from check-ins.

Each event of a programme counts its ``credit_hours`` when attended in full. A day of an event
is scheduled from its first agenda item's start to its last one's end (the event's time zone);
a person present from ``at`` to ``left_at`` (no ``left_at``: until the end of the day's
schedule) is credited the share of the day's hours that this overlap covers, so a late arrival
or an early leave counts hours, not just presence. The event's hours are divided between its
days in proportion to each day's scheduled length; when a day has no agenda, the hours are
divided evenly per day and presence on such a day earns that day's share in full.

A person's events are those of their cohort (``events_for_cohort``); their registrations are
found by (event, normalised e-mail) of the enrolment. The final event is the one of theirs
that starts last; it is attended when there is any check-in on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from cms.models import EventPage, ProgrammePage, Session
from registration.checkin.models import CheckIn, CheckInSource
from registration.models import Registration, RegistrationStatus
from registration.programmes.models import Enrolment
from registration.programmes.selectors.events import cohort_event_ids, programme_events

HOURS = Decimal("0.01")
PERCENT = Decimal("0.1")
ZERO = Decimal("0")
#: Past this many enrolments given as a list, registrations are read for the whole
#: programme and matched in memory rather than by a long ``IN (...)`` of e-mails.
EMAIL_LIST_LIMIT = 1000


@dataclass(frozen=True)
class SessionAttendance:
    """One event of a person's programme: their registration's status (empty when they have
    none), the hours the event counts, the hours they attended, when they first arrived and
    last left, and how their attendance was recorded (``CheckInSource`` value, the latest
    day's; empty without a check-in)."""

    event: EventPage
    registration_id: int | None
    status: str
    hours_credit: Decimal
    hours_attended: Decimal
    arrived_at: dt.datetime | None
    left_at: dt.datetime | None
    source: str
    days_attended: int = 0
    is_final: bool = False

    @property
    def attended(self) -> bool:
        return self.arrived_at is not None

    @property
    def source_label(self) -> str:
        """How the attendance was recorded, in the active language ("" without any)."""
        return str(CheckInSource(self.source).label) if self.source else ""

    @property
    def status_label(self) -> str:
        """The registration's status in the active language ("" without a registration)."""
        return str(RegistrationStatus(self.status).label) if self.status else ""

    @property
    def percent(self) -> int:
        """Share of the event's hours attended, whole per cent (for a progress bar)."""
        if not self.hours_credit:
            return 100 if self.attended else 0
        return int(self.hours_attended * 100 / self.hours_credit)


@dataclass(frozen=True)
class Progress:
    """A person's hours and completion in a programme (``percent`` rounded down to 0.1, so
    a shown 80.0 % always meets an 80 % rule)."""

    enrolment_id: int
    hours_total: Decimal
    hours_attended: Decimal
    percent: Decimal
    final_attended: bool
    completed: bool
    sessions: list[SessionAttendance] = field(default_factory=list)
    percent_needed: int = 0
    needs_final: bool = False


@dataclass(frozen=True)
class _DayPlan:
    """One day of an event: its scheduled window (None: no agenda) and its share of hours."""

    window: tuple[dt.datetime, dt.datetime] | None
    credit: Decimal


def _day_plans(event: EventPage, sessions: list[Session]) -> dict[dt.date, _DayPlan]:
    credit = event.credit_hours or ZERO
    days = event.days
    if not days:
        return {}
    windows: dict[dt.date, tuple[dt.datetime, dt.datetime]] = {}
    tz = event.tz
    for day in days:
        todays = [s for s in sessions if s.day == day]
        if not todays:
            continue
        start = min(dt.datetime.combine(day, s.start_time, tzinfo=tz) for s in todays)
        end = max(dt.datetime.combine(day, s.end_time, tzinfo=tz) for s in todays)
        if end > start:
            windows[day] = (start, end)
    if len(windows) == len(days):
        total = sum(((end - start).total_seconds() for start, end in windows.values()), 0.0)
        return {
            day: _DayPlan(
                window=windows[day],
                credit=credit
                * Decimal((windows[day][1] - windows[day][0]).total_seconds())
                / Decimal(total),
            )
            for day in days
        }
    share = credit / len(days)
    return {day: _DayPlan(window=windows.get(day), credit=share) for day in days}


def _day_hours(plan: _DayPlan, checkin: CheckIn) -> Decimal:
    if plan.window is None:
        return plan.credit
    start, end = plan.window
    arrived = max(checkin.at, start)
    left = min(checkin.left_at or end, end)
    if left <= arrived:
        return ZERO
    overlap = Decimal((left - arrived).total_seconds())
    return plan.credit * overlap / Decimal((end - start).total_seconds())


def _event_start(event: EventPage, plans: dict[dt.date, _DayPlan]) -> dt.datetime:
    first = plans.get(event.start_date)
    if first is not None and first.window is not None:
        return first.window[0]
    return dt.datetime.combine(event.start_date, dt.time.min, tzinfo=event.tz)


def _attendance(
    event: EventPage,
    plans: dict[dt.date, _DayPlan],
    registration: tuple[int, str] | None,
    checkins: list[CheckIn],
    *,
    is_final: bool,
) -> SessionAttendance:
    attended = ZERO
    days = 0
    for checkin in checkins:
        plan = plans.get(checkin.day)
        if plan is None:  # a check-in on a day that is no longer the event's
            continue
        attended += _day_hours(plan, checkin)
        days += 1
    credit = (event.credit_hours or ZERO).quantize(HOURS, ROUND_HALF_UP)
    attended = min(attended.quantize(HOURS, ROUND_HALF_UP), credit)
    counted = [c for c in checkins if c.day in plans]
    lefts = [c.left_at for c in counted if c.left_at is not None]
    return SessionAttendance(
        event=event,
        registration_id=registration[0] if registration else None,
        status=registration[1] if registration else "",
        hours_credit=credit,
        hours_attended=attended,
        arrived_at=counted[0].at if counted else None,
        left_at=counted[-1].left_at if counted and lefts else None,
        source=counted[-1].source if counted else "",
        days_attended=days,
        is_final=is_final,
    )


def _progress(
    programme: ProgrammePage, enrolment_id: int, sessions: list[SessionAttendance]
) -> Progress:
    total = sum((s.hours_credit for s in sessions), ZERO)
    attended = sum((s.hours_attended for s in sessions), ZERO)
    exact = attended * 100 / total if total else ZERO
    final = next((s for s in sessions if s.is_final), None)
    final_attended = final is not None and final.attended
    completed = (
        total > 0
        and exact >= programme.completion_percent
        and (final_attended or not programme.completion_needs_final)
    )
    return Progress(
        enrolment_id=enrolment_id,
        hours_total=total,
        hours_attended=attended,
        percent=exact.quantize(PERCENT, ROUND_DOWN),
        final_attended=final_attended,
        completed=completed,
        sessions=sessions,
        percent_needed=programme.completion_percent,
        needs_final=programme.completion_needs_final,
    )


def programme_progress(
    programme: ProgrammePage,
    *,
    enrolments: QuerySet[Enrolment] | Iterable[Enrolment] | None = None,
) -> dict[int, Progress]:
    """Enrolment id → ``Progress`` for ``enrolments`` (default: every enrolment of the
    programme, withdrawn ones included; filter before calling to leave them out).

    A constant number of queries whatever the programme's size: its events, the cohorts'
    own events, the agenda of every event, the enrolments (unless given as a list), the
    registrations and the check-ins. Reads only."""
    source = programme.source
    events = programme_events(source)
    own = cohort_event_ids(source)
    listed = set().union(*own.values()) if own else set()
    event_ids = [e.pk for e in events]

    agenda: dict[int, list[Session]] = defaultdict(list)
    for session in Session.objects.filter(page_id__in=event_ids).only(
        "page", "day", "start_time", "end_time"
    ):
        agenda[session.page_id].append(session)
    plans = {e.pk: _day_plans(e, agenda[e.pk]) for e in events}
    starts = {e.pk: _event_start(e, plans[e.pk]) for e in events}

    if enrolments is None:
        enrolments = Enrolment.objects.filter(programme=source)
    if isinstance(enrolments, QuerySet):
        people = list(enrolments.only("pk", "cohort_id", "email_normalised"))
        email_filter = {"email_normalised__in": enrolments.values("email_normalised")}
    else:
        people = list(enrolments)
        emails = {e.email_normalised for e in people}
        email_filter = {"email_normalised__in": emails} if len(emails) <= EMAIL_LIST_LIMIT else {}
    if not people:
        return {}

    registrations: dict[tuple[int, str], tuple[int, str]] = {}
    if event_ids:
        rows = Registration.objects.filter(event_id__in=event_ids, **email_filter).values_list(
            "pk", "event_id", "email_normalised", "status"
        )
        for pk, event_id, email, status in rows:
            registrations[(event_id, email)] = (pk, status)
    checkins: dict[int, list[CheckIn]] = defaultdict(list)
    if registrations:
        check_filter = {f"registration__{k}": v for k, v in email_filter.items()}
        rows = (
            CheckIn.objects.filter(registration__event_id__in=event_ids, **check_filter)
            .only("registration_id", "day", "at", "left_at", "source")
            .order_by("day", "at")
        )
        for checkin in rows:
            checkins[checkin.registration_id].append(checkin)

    result: dict[int, Progress] = {}
    for person in people:
        mine = own.get(person.cohort_id, set()) if person.cohort_id else set()
        theirs = [e for e in events if e.pk not in listed or e.pk in mine]
        final_id = max(theirs, key=lambda e: starts[e.pk]).pk if theirs else None
        sessions = []
        for event in theirs:
            registration = registrations.get((event.pk, person.email_normalised))
            sessions.append(
                _attendance(
                    event,
                    plans[event.pk],
                    registration,
                    checkins.get(registration[0], []) if registration else [],
                    is_final=event.pk == final_id,
                )
            )
        result[person.pk] = _progress(source, person.pk, sessions)
    return result


def enrolment_progress(enrolment: Enrolment) -> Progress:
    """One person's ``Progress`` (the same reads as ``programme_progress``, for one)."""
    return programme_progress(enrolment.programme, enrolments=[enrolment])[enrolment.pk]
