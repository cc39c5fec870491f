"""Messages that are not caused by a status change: reminders before the event and the
organiser's note to participants (the survey invitation after it is the reports room's, built on
``notices_queue_each``). Each exactly once per
registration (dedupe keys ``reminder:<registration>:<offset>``, ``survey:<registration>``,
``bulk:<message>:<registration>``), however often the scheduler runs.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Locale

from cms.models import EventPage
from conference.tasks import enqueue_after_commit
from registration.messaging.calendar import day_spans, event_sessions
from registration.messaging.models import EventCalendar, Message, OrganiserMessage
from registration.messaging.services.outbox import (
    MessageError,
    message_build,
    message_context,
    message_render,
    messages_kick,
)
from registration.models import Registration, RegistrationStatus

_OFFSET = re.compile(r"^(\d+)\s*([dhm])$")


def offset_parse(value: str) -> dt.timedelta:
    """``"7d"``, ``"12h"``, ``"30m"`` → a timedelta (``ValueError`` for anything else)."""
    match = _OFFSET.match(value.strip().lower())
    if not match:
        raise ValueError(f"not an offset: {value!r} (use e.g. 7d, 12h, 30m)")
    amount, unit = int(match[1]), match[2]
    return dt.timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})


def event_bounds(event) -> tuple[dt.datetime, dt.datetime]:
    """First start and last end: the sessions', or the days' (midnight to midnight)."""
    spans = day_spans(event, event_sessions(event))
    if spans:
        return spans[0].start, spans[-1].end
    start = dt.datetime.combine(event.start_date, dt.time(0), tzinfo=event.tz)
    end = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=event.tz)
    return start, end


def events_near(now: dt.datetime, *, before: dt.timedelta, after: dt.timedelta):
    cancelled = EventCalendar.objects.filter(cancelled_at__isnull=False).values("event_id")
    return (
        EventPage.objects.live()
        .filter(
            locale=Locale.get_default(),
            start_date__lte=(now + before).date() + dt.timedelta(days=1),
            end_date__gte=(now - after).date() - dt.timedelta(days=1),
        )
        .exclude(pk__in=cancelled)
    )


#: Recipients rendered and inserted per transaction: a chunk's rows and the fan-out's progress
#: commit together, so a worker killed mid-way leaves whole chunks and a resumable fan-out.
FAN_OUT_CHUNK = 200


def notices_queue_each(registrations, *, kind: str, key, context, bulk=None, progress=None) -> int:
    """Queue ``kind`` for each registration whose key is not in the outbox yet, in chunks.

    Each chunk is rendered first, then inserted in one transaction (``bulk_create``; a key a
    concurrent run queued meanwhile is skipped) with the fan-out's progress mark
    (``fan_out_progress_at`` on the ``progress`` queryset) and one send task after commit.
    Returns how many rows this call queued.
    """
    registrations = list(registrations)
    queued = 0
    for start in range(0, len(registrations), FAN_OUT_CHUNK):
        chunk = registrations[start : start + FAN_OUT_CHUNK]
        keys = {registration.pk: key(registration) for registration in chunk}
        existing = set(
            Message.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        rows = [
            message_build(
                registration=registration,
                kind=kind,
                dedupe_key=keys[registration.pk],
                context=context(registration),
                bulk=bulk,
            )
            for registration in chunk
            if keys[registration.pk] not in existing
        ]
        with transaction.atomic():
            Message.objects.bulk_create(rows, ignore_conflicts=True)
            if progress is not None:
                progress.update(fan_out_progress_at=timezone.now())
            if rows:
                messages_kick()
        queued += len(rows)
    return queued


def reminders_queue_due(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders whose moment has come (``MESSAGES_REMINDER_OFFSETS`` before the
    first session) to confirmed participants who registered before that moment (a later
    one has just had the same facts in the confirmation). Returns how many were queued.

    Side effects: ``reminder`` rows, one per registration and offset, ever.
    """
    now = now or timezone.now()
    offsets = [(label, offset_parse(label)) for label in settings.MESSAGES_REMINDER_OFFSETS]
    if not offsets:
        return 0
    horizon = max(offset for _label, offset in offsets)
    queued = 0
    for event in events_near(now, before=horizon, after=dt.timedelta(0)):
        start, _end = event_bounds(event)
        for label, offset in offsets:
            due = start - offset
            if not due <= now < start:
                continue
            registrations = Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED, created_at__lt=due
            ).select_related("event")
            queued += notices_queue_each(
                registrations,
                kind="reminder",
                key=lambda r, label=label: f"reminder:{r.pk}:{label}",
                context=lambda r, start=start: {"starts_at": start},
            )
    return queued


# --- The organiser's note ------------------------------------------------------------------


def organiser_message_recipients(*, event, statuses: list[str]):
    """The registrations of ``event`` with one of ``statuses``."""
    return Registration.objects.filter(event=event, status__in=statuses).select_related("event")


def organiser_message_preview(*, message: OrganiserMessage) -> dict[str, tuple[str, str, str]]:
    """Language → (subject, text, HTML) as a participant reading that language gets it."""
    previews = {}
    for code, _name in settings.LANGUAGES:
        sample = Registration(
            event=message.event,
            given_name="Aigerim",
            family_name="Sample",
            email="participant@example.org",
            language=code,
        )
        subject, body = message.text_for(code)
        context = message_context(sample, {"note_subject": subject, "note_body": body})
        previews[code] = message_render(kind="organiser_message", language=code, context=context)
    return previews


def organiser_message_create(*, event, author, data: dict) -> OrganiserMessage:
    """Save the organiser's note (not sent yet). Raises ``MessageError`` (no_recipients)."""
    if not organiser_message_recipients(event=event, statuses=data["statuses"]).exists():
        raise MessageError("nobody to write to", code="no_recipients")
    return OrganiserMessage.objects.create(event=event, author=author, **data)


def organiser_message_send(*, message: OrganiserMessage) -> int:
    """Hand the note to the worker: one row per recipient is queued there.

    Side effects: ``queued_at`` (the durable intent: the minute sweep finishes a fan-out whose
    worker died), ``fan_out_progress_at`` and ``recipients`` set (once; a second call does
    nothing); after commit the task ``queue_organiser_message``. Returns the number of
    recipients.
    """
    with transaction.atomic():
        fresh = OrganiserMessage.objects.select_for_update().get(pk=message.pk)
        if fresh.queued_at:
            return fresh.recipients
        fresh.recipients = organiser_message_recipients(
            event=fresh.event, statuses=fresh.statuses
        ).count()
        fresh.queued_at = fresh.fan_out_progress_at = timezone.now()
        fresh.save(update_fields=["recipients", "queued_at", "fan_out_progress_at"])

        enqueue_after_commit("registration.messaging.tasks.queue_organiser_message", fresh.pk)
    message.recipients, message.queued_at = fresh.recipients, fresh.queued_at
    return fresh.recipients


def organiser_message_queue(*, message_id: int) -> int:
    """Queue the note to each recipient in their language (``bulk:<note>:<registration>``):
    those who had one of its statuses and had registered when it was sent.

    Idempotent and resumable: recipients already in the outbox are skipped, so a run after a
    killed one queues only the rest. Side effects: ``organiser_message`` rows in chunks, each
    with ``fan_out_progress_at`` (see ``notices_queue_each``); ``fanned_out_at`` at the end. Returns
    how many rows this call queued.
    """
    note = OrganiserMessage.objects.select_related("event").filter(pk=message_id).first()
    if note is None or note.queued_at is None or note.fanned_out_at is not None:
        return 0
    registrations = (
        organiser_message_recipients(event=note.event, statuses=note.statuses)
        .filter(created_at__lte=note.queued_at)
        .order_by("pk")
    )

    def context(registration: Registration) -> dict:
        subject, body = note.text_for(registration.language)
        return {"note_subject": subject, "note_body": body}

    progress = OrganiserMessage.objects.filter(pk=note.pk)
    queued = notices_queue_each(
        registrations,
        kind="organiser_message",
        key=lambda registration: f"bulk:{note.pk}:{registration.pk}",
        context=context,
        bulk=note,
        progress=progress,
    )
    progress.filter(fanned_out_at__isnull=True).update(fanned_out_at=timezone.now())
    return queued


def organiser_messages_resume(*, now: dt.datetime | None = None) -> int:
    """The sweep's part for notes: finish every note whose fan-out stopped making progress
    (``MESSAGES_FANOUT_LEASE``): its worker was killed, or the broker lost the task (Redis
    hands a task out once). Returns how many rows were queued.

    Side effects: each stalled note is taken over by a conditional update of
    ``fan_out_progress_at`` (one sweep wins), then ``organiser_message_queue``.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.MESSAGES_FANOUT_LEASE)
    stalled = OrganiserMessage.objects.filter(
        queued_at__isnull=False, fanned_out_at__isnull=True
    ).filter(Q(fan_out_progress_at__lt=cutoff) | Q(fan_out_progress_at__isnull=True))
    queued = 0
    for pk in list(stalled.values_list("pk", flat=True)):
        if stalled.filter(pk=pk).update(fan_out_progress_at=now):
            queued += organiser_message_queue(message_id=pk)
    return queued
