"""Check-in at the door, and badge batches for printing.

A scan checks a participant in once per event day (the event's local day in its time zone).
Each scan carries a nonce made by the scanning device: a scan sent twice (a retried request, a
replayed offline batch) finds its own row and answers as the first time; the same person
scanned on two devices at once is kept to one row by the unique (registration, day)
constraint. The registration row is locked while deciding, so a cancellation and a scan do not
cross.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from cms.fields import language_name
from cms.models import EventPage
from conference.jobs import JobResult, job_create, job_run
from conference.l10n import time_zone_city, time_zone_label
from registration.checkin.badges import badge_batch_pdf
from registration.checkin.models import BadgeBatch, BadgeLayout, CheckIn
from registration.checkin.selectors import badge_registrations, local_time
from registration.models import Registration, RegistrationStatus
from registration.models.registrations import AccessNeed

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
#: How far a device clock may run ahead before its time is replaced by the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)
SYNC_LIMIT = 1000

OK, WARNING, ERROR = "ok", "warning", "error"


class CheckInError(Exception):
    """A scan that does not check anyone in. ``code`` says why, ``level`` how bad it is
    (``warning``: amber, ``error``: red); ``participant`` is set when the badge is one of this
    event's (so staff can talk to the person in front of them)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        level: str = ERROR,
        participant: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.level = level
        self.participant = participant

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "participant": self.participant,
        }


@dataclass(frozen=True)
class CheckInResult:
    """A participant checked in (``replayed``: this very scan had already been recorded)."""

    code: str
    message: str
    checkin: CheckIn
    participant: dict[str, Any]
    replayed: bool = False
    level: str = field(default=OK)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "participant": self.participant,
            "replayed": self.replayed,
        }


def _language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return language_name(code)


def assistance_labels(registration: Registration) -> list[str]:
    """The access needs the participant asked for, named in the active language (the staff
    member's): the door is where a wheelchair ramp or an interpreter is arranged. The free
    "other" text stands in for the bare "Other" box."""
    labels = []
    for value in registration.access_needs or []:
        if value == AccessNeed.OTHER and registration.access_needs_other:
            continue
        if value in AccessNeed.values:
            labels.append(str(AccessNeed(value).label))
    if registration.access_needs_other:
        labels.append(registration.access_needs_other)
    return labels


def participant_summary(registration: Registration) -> dict[str, Any]:
    """What the scanner may show about a participant, and nothing more."""
    code = registration.interpretation_language
    needs = assistance_labels(registration)
    return {
        "name": registration.full_name,
        "organisation": registration.organisation,
        "country": str(registration.country.name) if registration.country else "",
        "language": _language_label(code) if code else "",
        "assistance": bool(needs),
        "assistance_needs": needs,
    }


def _who(summary: dict[str, Any]) -> str:
    parts = [p for p in (summary["name"], summary["organisation"], summary["country"]) if p]
    text = ", ".join(parts)
    if summary["language"]:
        text = _("%(who)s — listens in %(language)s") % {
            "who": text,
            "language": summary["language"],
        }
    if summary["assistance_needs"]:
        text = _("%(who)s — asked for: %(needs)s") % {
            "who": text,
            "needs": ", ".join(summary["assistance_needs"]),
        }
    return text


def _staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@functools.lru_cache(maxsize=64)
def _zone_label(time_zone: str, first_day: dt.date, language: str | None) -> str:
    # The answer's static part, made once per event and language in each process (CLDR).
    return time_zone_label(time_zone, first_day, language)


def _with_time(summary: dict[str, Any], checkin: CheckIn, event: EventPage) -> dict[str, Any]:
    """The summary with the check-in's local time and the zone it is in (``event.tz_label``)."""
    zone = _zone_label(event.time_zone, event.start_date, get_language())
    return {**summary, "time": local_time(checkin.at, event), "time_zone": zone}


def _already(existing: CheckIn, event: EventPage, summary: dict[str, Any]) -> CheckInError:
    values = {
        "time": local_time(existing.at, event),
        "zone": time_zone_city(event.time_zone),
        "who": _who(summary),
    }
    if existing.by_id:
        values["by"] = _staff_name(existing.by)
        message = _("Already checked in today at %(time)s (%(zone)s) by %(by)s — %(who)s") % values
    else:
        message = _("Already checked in today at %(time)s (%(zone)s) — %(who)s") % values
    return CheckInError(
        message,
        code="already_checked_in",
        level=WARNING,
        participant=_with_time(summary, existing, event),
    )


def _status_error(registration: Registration, summary: dict[str, Any]) -> CheckInError | None:
    status = registration.status
    who = _who(summary)
    if status == RegistrationStatus.CONFIRMED:
        return None
    if status == RegistrationStatus.WAITLISTED:
        message = _("On the waiting list, not confirmed — %(who)s") % {"who": who}
        return CheckInError(message, code="waitlisted", level=WARNING, participant=summary)
    if status == RegistrationStatus.CANCELLED:
        message = _("Registration cancelled — %(who)s") % {"who": who}
        return CheckInError(message, code="cancelled", level=ERROR, participant=summary)
    if status == RegistrationStatus.DECLINED:
        message = _("Registration declined — %(who)s") % {"who": who}
        return CheckInError(message, code="declined", level=ERROR, participant=summary)
    message = _("Registration not confirmed yet (%(status)s) — %(who)s") % {
        "status": registration.get_status_display(),
        "who": who,
    }
    return CheckInError(message, code="not_confirmed", level=WARNING, participant=summary)


def _unknown() -> CheckInError:
    return CheckInError(
        _("Unknown badge: this code is not a badge of any registration."),
        code="unknown_token",
        level=ERROR,
    )


def _replayed(
    mine: CheckIn, registration: Registration, event: EventPage, summary: dict[str, Any]
) -> CheckInResult:
    """The answer to a scan whose nonce is already recorded: the first answer again."""
    if mine.registration_id != registration.pk:
        raise CheckInError(_("The scanner sent a malformed request."), code="bad_request")
    return CheckInResult(
        code="checked_in",
        message=_("Checked in — %(who)s") % {"who": _who(summary)},
        checkin=mine,
        participant=_with_time(summary, mine, event),
        replayed=True,
    )


def checkin_perform(
    *,
    event: EventPage,
    token: str,
    by,
    nonce: str,
    day: dt.date | None = None,
    at: dt.datetime | None = None,
    device: str = "",
) -> CheckInResult:
    """Check the badge holder in for ``day`` (default: today in the event's time zone).

    ``event`` is the event's default-locale page (what registrations belong to).

    Raises ``CheckInError`` (codes: unknown_token, other_event, not_event_day, waitlisted,
    cancelled, declined, not_confirmed, already_checked_in, bad_request).
    Side effects: at most one ``CheckIn`` row, in one transaction, with the registration row
    locked. A nonce seen before returns the original check-in and writes nothing.
    """
    token = (token or "").strip()
    nonce = (nonce or "").strip()
    if not NONCE_RE.match(nonce):
        raise CheckInError(_("The scanner sent a malformed request."), code="bad_request")
    if not TOKEN_RE.match(token):
        raise _unknown()
    now = timezone.now()
    at = min(at or now, now)
    day = day or timezone.localtime(at, event.tz).date()

    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .filter(badge_token=token)
            .only(
                "pk",
                "event_id",
                "status",
                "given_name",
                "family_name",
                "organisation",
                "country",
                "interpretation_language",
                "access_needs",
                "access_needs_other",
            )
            .first()
        )
        if registration is None:
            raise _unknown()
        if registration.event_id != event.pk:
            raise CheckInError(
                _("This badge is for another event, not for “%(event)s”.") % {"event": event.title},
                code="other_event",
                level=WARNING,
            )
        summary = participant_summary(registration)
        # A new scan (the common case) reads nothing more: the insert itself finds a replayed
        # nonce or a second check-in that day (both unique), and only then is the row read.
        refusal = _status_error(registration, summary)
        if refusal is None and day not in event.days:
            # Named all the same: staff tell the person in front of them to come back.
            refusal = CheckInError(
                _("“%(event)s” does not take place on %(day)s — %(who)s")
                % {
                    "event": event.title,
                    "day": formats.date_format(day, "DATE_FORMAT"),
                    "who": _who(summary),
                },
                code="not_event_day",
                level=WARNING,
                participant=summary,
            )
        if refusal is not None:
            # A scan recorded before the status changed still answers as the first time.
            mine = CheckIn.objects.select_related("by").filter(nonce=nonce).first()
            if mine is None:
                raise refusal
            return _replayed(mine, registration, event, summary)
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    registration=registration,
                    day=day,
                    at=at,
                    by=by if getattr(by, "pk", None) else None,
                    nonce=nonce,
                    device=(device or "")[:100],
                )
        except IntegrityError:
            # This scan sent again, or another device (or a retry) got there first.
            rows = list(
                CheckIn.objects.select_related("by").filter(
                    Q(nonce=nonce) | Q(registration=registration, day=day)
                )
            )
            mine = next((row for row in rows if row.nonce == nonce), None)
            if mine is not None:
                return _replayed(mine, registration, event, summary)
            if not rows:
                raise
            raise _already(rows[0], event, summary) from None
    return CheckInResult(
        code="checked_in",
        message=_("Checked in — %(who)s") % {"who": _who(summary)},
        checkin=checkin,
        participant=_with_time(summary, checkin, event),
    )


def _parse_at(value: Any) -> dt.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            return None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt.UTC)
        return parsed
    return None


def checkin_sync(
    *, event: EventPage, scans: list[dict[str, Any]], by, device: str = ""
) -> list[dict[str, Any]]:
    """Record scans queued offline, each at the time it was made; safe to send twice.

    Each scan is ``{"token", "nonce", "at"}`` (``at``: ISO 8601 or milliseconds since the
    epoch; a time ahead of the server's clock is replaced by now). Returns one result per scan
    in order: ``{"nonce", "code", "level", "message"}``.
    Side effects: one transaction per scan through ``checkin_perform``.
    """
    if not isinstance(scans, list) or len(scans) > SYNC_LIMIT:
        raise CheckInError(
            _("The scanner sent a malformed request."), code="bad_request", level=ERROR
        )
    results = []
    now = timezone.now()
    for scan in scans:
        if not isinstance(scan, dict):
            scan = {}
        nonce = scan.get("nonce") if isinstance(scan.get("nonce"), str) else ""
        token = scan.get("token") if isinstance(scan.get("token"), str) else ""
        at = _parse_at(scan.get("at"))
        if at is not None and at > now + CLOCK_SKEW:
            at = now
        try:
            if at is None:
                raise CheckInError(_("The scanner sent a malformed request."), code="bad_request")
            result = checkin_perform(
                event=event, token=token, by=by, nonce=nonce, at=at, device=device
            )
            payload = result.as_json()
        except CheckInError as exc:
            payload = exc.as_json()
        payload["nonce"] = nonce
        results.append(payload)
    return results


# --- Badge batches -------------------------------------------------------------------------


def badge_batch_create(
    *, event: EventPage, by, layout: str = BadgeLayout.A4, filters: dict | None = None
) -> BadgeBatch:
    """Ask the worker for one PDF with the badges of the event's confirmed participants.

    ``filters``: optional ``role`` (list of role codes) and ``country`` (list of codes).
    Side effects: a ``conference.Job`` (kind ``badge_batch``) and its ``BadgeBatch`` row; the
    job's task is queued after commit.
    """
    event = event.source
    filters = _clean_filters(filters or {})
    if layout not in BadgeLayout.values:
        layout = BadgeLayout.A4
    by = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        job = job_create(
            kind="badge_batch",
            params={"event": event.pk},
            owner=by,
            total=badge_registrations(event=event, filters=filters).count(),
        )
        batch = BadgeBatch.objects.create(
            event=event, created_by=by, layout=layout, filters=filters, job=job
        )
    return batch


def _clean_filters(filters: dict) -> dict:
    clean = {}
    for key in ("role", "country"):
        values = filters.get(key) or []
        if isinstance(values, str):
            values = [values]
        values = sorted({str(v) for v in values if v})
        if values:
            clean[key] = values
    return clean


def badge_batch_work(*, job, context) -> JobResult:
    """The job handler of a badge batch: the PDF of its badges, progress as it goes.

    Called by ``conference.jobs.job_run`` (which claims the job, keeps the file in private
    storage and marks it done). Side effects: the job's progress and lease, through
    ``context.progress``. Raises ``BadgeBatch.DoesNotExist`` if the batch is gone.
    """
    batch = BadgeBatch.objects.select_related("event").get(job=job)
    event = batch.event
    registrations = badge_registrations(event=event, filters=batch.filters)
    total = registrations.count()
    context.progress(0, total)
    # Not a context manager: the job runner saves the file to storage, then closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    badge_batch_pdf(
        event=event,
        registrations=registrations.iterator(chunk_size=500),
        out=out,
        layout=batch.layout,
        on_progress=context.progress,
    )
    return JobResult(filename=f"badges-{event.slug}-{batch.pk}.pdf", content=out)


def badge_batch_build(*, batch_id: int) -> BadgeBatch | None:
    """Make the batch's PDF now, in this process (tests, the benchmark, a stuck batch).

    The same path as the worker's (``conference.jobs.job_run``): a finished batch, or one a
    live worker holds, is left alone. Returns the batch, or None if it is gone.
    Side effects: those of ``job_run``.
    """
    batch = BadgeBatch.objects.filter(pk=batch_id).select_related("job").first()
    if batch is None:
        return None
    job_run(job_id=batch.job_id)
    return BadgeBatch.objects.select_related("job", "event").get(pk=batch_id)
