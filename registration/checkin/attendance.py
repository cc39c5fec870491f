"""Attendance beyond the door scan: self check-in to an online session through the personal
link, leaving (check-out), and the host's roster marks.

Each day of an event has at most one ``CheckIn`` per registration (a unique constraint); its
``at`` and ``left_at`` say when the person was there, and a programme counts hours from them.
Every write locks the registration row first, so a double submit, a scan and a roster save
on the same person do not cross; a create that loses a race finds the winner's row.

Self check-in is open during the day's session window: from ``SELF_CHECKIN_EARLY`` before the
first agenda item to the end of the last one (the event's time zone); a day without an agenda
is open all day. Errors are ``AttendanceError`` with a ``code`` and a sentence to show.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.models import EventFormat, EventPage, Session
from conference.l10n import time_zone_city
from registration.checkin.models import CheckIn, CheckInSource
from registration.checkin.services import CheckInError, participant_summary
from registration.models import Registration, RegistrationStatus

#: Self check-in opens this long before the day's first agenda item.
SELF_CHECKIN_EARLY = dt.timedelta(minutes=15)


class AttendanceError(CheckInError):
    """Attendance that cannot be recorded; ``code`` says why, ``message`` is the sentence.

    Codes: not_online, not_confirmed, not_event_day, too_early, too_late, not_checked_in,
    before_arrival, other_event, left_without_arrival, left_before_arrival, outside_window,
    unknown_token.
    """


@dataclass(frozen=True)
class AttendanceResult:
    """The day's check-in after the call; ``changed``: this call wrote it."""

    checkin: CheckIn | None
    changed: bool
    code: str
    message: str = ""


def new_nonce(prefix: str) -> str:
    """A unique nonce for a check-in that no scanner made (``self-…``, ``roster-…``)."""
    return f"{prefix}-{secrets.token_hex(16)}"


def _local(at: dt.datetime, event: EventPage) -> dt.datetime:
    return timezone.localtime(at, event.tz)


def _hhmm(at: dt.datetime, event: EventPage) -> str:
    return formats.time_format(_local(at, event), "H:i")


def _day_text(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def day_window(event: EventPage, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The day's scheduled time: the first agenda item's start to the last one's end (aware,
    the event's zone), or None when the day has no agenda. One query."""
    times = list(
        Session.objects.filter(page_id=event.pk, day=day).values_list("start_time", "end_time")
    )
    if not times:
        return None
    start = dt.datetime.combine(day, min(t[0] for t in times), tzinfo=event.tz)
    end = dt.datetime.combine(day, max(t[1] for t in times), tzinfo=event.tz)
    return (start, end) if end > start else None


def self_checkin_window(event: EventPage, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """When self check-in is open on ``day``: 15 minutes before the first agenda item to the
    end of the last; the whole local day when there is no agenda that day."""
    window = day_window(event, day)
    if window is None:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tz)
        return start, start + dt.timedelta(days=1)
    return window[0] - SELF_CHECKIN_EARLY, window[1]


def self_checkin_state(*, registration: Registration, now: dt.datetime | None = None) -> dict:
    """What the participant's page offers now: ``{"state", "checkin", "opens", "closes"}``.

    ``state``: ``none`` (not an online event, not confirmed, or not a day of it),
    ``before`` (the window opens later today), ``open`` (may check in), ``present`` (checked
    in, may say they leave), ``left`` (left; may come back while open), ``after`` (closed).
    Reads only."""
    event = registration.event
    now = now or timezone.now()
    day = _local(now, event).date()
    state = {"state": "none", "checkin": None, "opens": None, "closes": None, "day": day}
    if (
        event.format == EventFormat.IN_PERSON
        or registration.status != RegistrationStatus.CONFIRMED
        or day not in event.days
    ):
        return state
    opens, closes = self_checkin_window(event, day)
    checkin = CheckIn.objects.filter(registration=registration, day=day).first()
    state.update(checkin=checkin, opens=_local(opens, event), closes=_local(closes, event))
    if now < opens:
        state["state"] = "before"
    elif now >= closes:
        state["state"] = "after"
    elif checkin is not None and checkin.left_at is None:
        state["state"] = "present"
    else:
        state["state"] = "left" if checkin is not None else "open"
    return state


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=registration.pk)
    )


def _create(**fields) -> tuple[CheckIn, bool]:
    """The day's row, made now or by whoever got there first (a concurrent submit)."""
    try:
        with transaction.atomic():
            return CheckIn.objects.create(**fields), True
    except IntegrityError:
        existing = CheckIn.objects.filter(
            registration=fields["registration"], day=fields["day"]
        ).first()
        if existing is None:
            raise
        return existing, False


def checkin_self(*, registration: Registration, now: dt.datetime | None = None) -> AttendanceResult:
    """The participant says "I'm here" to an online (or hybrid) session, through their link.

    Allowed only within the day's self check-in window; once per day (a second call returns
    the day's row; after "I'm leaving", coming back while the window is open clears the
    leaving time). Raises ``AttendanceError`` (not_online, not_confirmed, not_event_day,
    too_early, too_late). Side effects: at most one ``CheckIn`` (source self), the
    registration row locked.
    """
    now = now or timezone.now()
    event = registration.event
    day = _local(now, event).date()
    if event.format == EventFormat.IN_PERSON:
        raise AttendanceError(
            _("This event takes place in person: you are checked in at the entrance."),
            code="not_online",
        )
    if day not in event.days:
        raise AttendanceError(
            _("“%(event)s” does not take place on %(day)s.")
            % {"event": event.title, "day": _day_text(day)},
            code="not_event_day",
        )
    opens, closes = self_checkin_window(event, day)
    zone = time_zone_city(event.time_zone)
    if now < opens:
        raise AttendanceError(
            _("Check-in opens at %(time)s (%(zone)s), 15 minutes before the session starts.")
            % {"time": _hhmm(opens, event), "zone": zone},
            code="too_early",
        )
    if now >= closes:
        raise AttendanceError(
            _("The session ended at %(time)s (%(zone)s): check-in is closed.")
            % {"time": _hhmm(closes, event), "zone": zone},
            code="too_late",
        )
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status != RegistrationStatus.CONFIRMED:
            raise AttendanceError(
                _("Only confirmed participants can check in."), code="not_confirmed"
            )
        existing = CheckIn.objects.filter(registration=registration, day=day).first()
        if existing is not None:
            if existing.left_at is None:
                return AttendanceResult(existing, False, "already_checked_in")
            existing.left_at = None
            existing.save(update_fields=["left_at"])
            return AttendanceResult(existing, True, "returned")
        checkin, created = _create(
            registration=registration,
            day=day,
            at=now,
            nonce=new_nonce("self"),
            source=CheckInSource.SELF,
            device="personal link",
        )
    return AttendanceResult(checkin, created, "checked_in" if created else "already_checked_in")


def checkout(
    *, registration: Registration, now: dt.datetime | None = None, by=None
) -> AttendanceResult:
    """Record that the participant left today (``now``, the event's local day).

    A later check-out moves the leaving time later; an earlier one (a replay) changes
    nothing. Raises ``AttendanceError`` (not_checked_in: no arrival today; before_arrival:
    ``now`` is before the arrival). Side effects: the day's ``CheckIn.left_at`` (and ``by``
    when not set), the registration row locked.
    """
    now = now or timezone.now()
    event = registration.event
    day = _local(now, event).date()
    with transaction.atomic():
        registration = _locked(registration)
        checkin = (
            CheckIn.objects.select_for_update().filter(registration=registration, day=day).first()
        )
        if checkin is None:
            raise AttendanceError(
                _("There is no arrival today to check out from: check in first."),
                code="not_checked_in",
            )
        if now < checkin.at:
            raise AttendanceError(
                _("Cannot check out at %(time)s: the arrival was recorded at %(arrived)s.")
                % {"time": _hhmm(now, event), "arrived": _hhmm(checkin.at, event)},
                code="before_arrival",
            )
        if checkin.left_at is not None and checkin.left_at >= now:
            return AttendanceResult(checkin, False, "already_checked_out")
        checkin.left_at = now
        fields = ["left_at"]
        if by is not None and getattr(by, "pk", None) and checkin.by_id is None:
            checkin.by = by
            fields.append("by")
        checkin.save(update_fields=fields)
    return AttendanceResult(checkin, True, "checked_out")


def scan_checkout(
    *, event: EventPage, token: str, by, now: dt.datetime | None = None
) -> AttendanceResult:
    """The scanner in check-out mode: the badge holder leaves now (today, event time zone).

    Raises ``AttendanceError`` (unknown_token, other_event, not_checked_in, before_arrival).
    Side effects: those of ``checkout``."""
    token = (token or "").strip()
    registration = (
        Registration.objects.select_related("event").filter(badge_token=token).first()
        if token
        else None
    )
    if registration is None:
        raise AttendanceError(
            _("Unknown badge: this code is not a badge of any registration."),
            code="unknown_token",
        )
    if registration.event_id != event.pk:
        raise AttendanceError(
            _("This badge is for another event, not for “%(event)s”.") % {"event": event.title},
            code="other_event",
        )
    summary = participant_summary(registration)
    try:
        result = checkout(registration=registration, now=now, by=by)
    except AttendanceError as exc:
        exc.participant = summary
        raise
    message = _("Checked out at %(time)s — %(who)s") % {
        "time": _hhmm(result.checkin.left_at, event),
        "who": summary["name"],
    }
    return AttendanceResult(result.checkin, result.changed, "checked_out", message)


def roster_mark(
    *,
    event: EventPage,
    registration: Registration,
    day: dt.date,
    arrived: dt.time | None,
    left: dt.time | None,
    by,
) -> AttendanceResult:
    """The host marks a participant present on ``day`` from ``arrived`` to ``left`` (local
    times of the event; ``left`` empty: until the end), or absent (``arrived`` empty).

    Raises ``AttendanceError`` (other_event, not_event_day, not_confirmed,
    left_without_arrival, left_before_arrival, outside_window). Side effects: the day's
    ``CheckIn`` created or changed (source roster, ``by``) or deleted when absent; nothing
    when the marks are those already recorded. The registration row is locked.
    """
    event = event.source
    if registration.event_id != event.pk:
        raise AttendanceError(
            _("This participant is not registered for this event."), code="other_event"
        )
    if day not in event.days:
        raise AttendanceError(
            _("“%(event)s” does not take place on %(day)s.")
            % {"event": event.title, "day": _day_text(day)},
            code="not_event_day",
        )
    if arrived is None and left is not None:
        raise AttendanceError(
            _("A leaving time needs an arrival time: enter when the participant arrived."),
            code="left_without_arrival",
        )
    at = dt.datetime.combine(day, arrived, tzinfo=event.tz) if arrived else None
    left_at = dt.datetime.combine(day, left, tzinfo=event.tz) if left else None
    if at is not None and left_at is not None and left_at <= at:
        raise AttendanceError(
            _("The leaving time (%(left)s) must be after the arrival time (%(arrived)s).")
            % {"left": left.strftime("%H:%M"), "arrived": arrived.strftime("%H:%M")},
            code="left_before_arrival",
        )
    window = day_window(event, day)
    if at is not None and window is not None:
        start, end = window
        if at >= end or (left_at is not None and left_at <= start):
            raise AttendanceError(
                _(
                    "The sessions of %(day)s run from %(start)s to %(end)s: a presence outside "
                    "them counts no hours. Check the times."
                )
                % {
                    "day": _day_text(day),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                },
                code="outside_window",
            )
    with transaction.atomic():
        registration = _locked(registration)
        existing = (
            CheckIn.objects.select_for_update().filter(registration=registration, day=day).first()
        )
        if at is None:
            if existing is None:
                return AttendanceResult(None, False, "absent")
            existing.delete()
            return AttendanceResult(None, True, "absent")
        if registration.status != RegistrationStatus.CONFIRMED:
            raise AttendanceError(
                _("Only confirmed participants can be marked present."), code="not_confirmed"
            )
        if existing is not None:
            if existing.at == at and existing.left_at == left_at:
                return AttendanceResult(existing, False, "present")
            existing.at, existing.left_at = at, left_at
            existing.source = CheckInSource.ROSTER
            existing.by = by if getattr(by, "pk", None) else None
            existing.save(update_fields=["at", "left_at", "source", "by"])
            return AttendanceResult(existing, True, "present")
        checkin, created = _create(
            registration=registration,
            day=day,
            at=at,
            left_at=left_at,
            nonce=new_nonce("roster"),
            source=CheckInSource.ROSTER,
            by=by if getattr(by, "pk", None) else None,
        )
    return AttendanceResult(checkin, created, "present")
