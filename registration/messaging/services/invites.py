"""Calendar invites: the participant's entry, updates when the agenda changes, cancellation.

The iTIP ``SEQUENCE`` of a participant's entry is the event's sequence (raised when something
that matters changes on publish) plus the participant's own changes (cancelled, confirmed
again), so it only ever grows. The event's state lives in ``EventCalendar``; the
participant's stable ``UID`` in ``CalendarInvite``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Locale

from cms.models import EventPage
from conference.tasks import enqueue_after_commit
from registration.messaging.calendar import (
    CANCEL,
    PUBLISH,
    REQUEST,
    agenda_fingerprint,
    agenda_in_language,
    event_sessions,
    invite_ics,
)
from registration.messaging.models import CalendarInvite, EventCalendar, Message, MessageStatus
from registration.messaging.services.outbox import message_queue
from registration.models import Registration, RegistrationStatus

logger = logging.getLogger(__name__)

#: Participants per progress mark (and per read from the database) in a fan-out.
FAN_OUT_CHUNK = 200
UPDATE_KIND = "calendar_update"
EVENT_CANCELLED_KIND = "event_cancelled"


def event_calendar_state(*, event) -> EventCalendar:
    """The event's calendar state, made with the current fingerprint if missing."""
    state = EventCalendar.objects.filter(event=event).first()
    if state is None:
        state, _created = EventCalendar.objects.get_or_create(
            event=event, defaults={"fingerprint": agenda_fingerprint(event)}
        )
    return state


def invite_prepare(
    *,
    registration: Registration,
    method: str,
    only_if_invited: bool = False,
    agendas: dict | None = None,
) -> tuple[bytes, str, int] | None:
    """The ICS for ``registration`` with ``method``, its method and SEQUENCE; ``None`` when
    there is nothing to withdraw (``CANCEL`` without an earlier ``REQUEST``). ``agendas``:
    a batch's cache of the agenda per language (``agenda_in_language``).

    Side effects (call inside the transaction that queues the e-mail): the registration's
    ``CalendarInvite`` made or updated (own changes raised on cancel and on a new invite
    after a cancel, last method and sequence recorded).
    """
    invite = CalendarInvite.objects.select_for_update().filter(registration=registration).first()
    if method == CANCEL and (invite is None or invite.last_method != REQUEST):
        return None
    if invite is None:
        if only_if_invited:
            return None
        invite = CalendarInvite.objects.create(registration=registration)
    elif method == CANCEL or invite.last_method == CANCEL:
        invite.bumps += 1
    state = event_calendar_state(event=registration.event)
    sequence = state.sequence + invite.bumps
    ics = invite_ics(
        registration=registration,
        uid=invite.uid,
        sequence=sequence,
        method=method,
        partstat="DECLINED" if method == CANCEL else "ACCEPTED",
        agendas=agendas,
    )
    invite.last_method = method
    invite.last_sequence = sequence
    invite.save(update_fields=["bumps", "last_method", "last_sequence"])
    return ics, method, sequence


def invite_download(*, registration: Registration) -> bytes:
    """The entry as a file to add by hand (``METHOD:PUBLISH``, same UID and sequence).

    Side effects: the registration's ``CalendarInvite`` made if missing (so a later e-mailed
    update moves the same entry).
    """
    invite, _created = CalendarInvite.objects.get_or_create(registration=registration)
    state = event_calendar_state(event=registration.event)
    return invite_ics(
        registration=registration,
        uid=invite.uid,
        sequence=state.sequence + invite.bumps,
        method=PUBLISH,
    )


def event_calendar_sync(*, event) -> bool:
    """Compare what matters in ``event`` (the source page, just published) with the last
    invites; if it changed, raise the event's SEQUENCE. Returns True when it changed.

    Side effects: ``EventCalendar`` made or updated in one transaction (``sequence`` ahead of
    ``queued_sequence`` is the durable intent that the minute sweep finishes if the worker
    dies); after commit, a task that queues one update per confirmed participant
    (``calendar_updates_queue``).
    """
    fingerprint = agenda_fingerprint(event, event_sessions(event))
    with transaction.atomic():
        state, created = EventCalendar.objects.select_for_update().get_or_create(
            event=event, defaults={"fingerprint": fingerprint}
        )
        if created or state.fingerprint == fingerprint:
            return False
        state.fingerprint = fingerprint
        state.sequence += 1
        state.changed_at = state.fan_out_progress_at = timezone.now()
        state.save(update_fields=["fingerprint", "sequence", "changed_at", "fan_out_progress_at"])

        enqueue_after_commit("registration.messaging.tasks.queue_calendar_updates", event.pk)
    return True


def calendar_updates_queue(*, event_id: int) -> int:
    """Queue one update (``update:<registration>:<event sequence>``) to every confirmed
    participant of the event, sent after ``MESSAGES_UPDATE_DELAY`` so that quick publishes
    make one e-mail. Returns how many were queued.

    Side effects per participant, in one transaction: earlier pending updates SUPERSEDED,
    the new row (with the ICS of the final times) queued. At the end the event's
    ``queued_sequence`` is raised. A run that finds a newer sequence stops: the newer run
    sends the final times. Every ``FAN_OUT_CHUNK`` participants ``fan_out_progress_at`` is
    touched, so that the sweep (``calendar_pending_catch_up``) leaves a live run alone.
    """
    state = EventCalendar.objects.filter(event_id=event_id).first()
    if state is None or state.queued_sequence >= state.sequence or state.cancelled_at:
        return 0
    target = state.sequence
    send_after = timezone.now() + dt.timedelta(seconds=settings.MESSAGES_UPDATE_DELAY)
    registrations = (
        Registration.objects.filter(event_id=event_id, status=RegistrationStatus.CONFIRMED)
        .select_related("event")
        .order_by("pk")
    )
    queued = 0
    agendas: dict = {}
    for index, registration in enumerate(registrations.iterator(chunk_size=FAN_OUT_CHUNK)):
        if index % FAN_OUT_CHUNK == FAN_OUT_CHUNK - 1:
            if _sequence_now(event_id) != target:
                return queued
            _progress(event_id)
        queued += _update_queue_one(
            registration, target=target, send_after=send_after, agendas=agendas
        )
    EventCalendar.objects.filter(pk=state.pk, queued_sequence__lt=target).update(
        queued_sequence=target
    )
    return queued


def _sequence_now(event_id: int) -> int:
    return EventCalendar.objects.filter(event_id=event_id).values_list("sequence", flat=True)[0]


def _progress(event_id: int) -> None:
    EventCalendar.objects.filter(event_id=event_id).update(fan_out_progress_at=timezone.now())


def _update_queue_one(registration: Registration, *, target: int, send_after, agendas: dict) -> int:
    key = f"update:{registration.pk}:{target}"
    with transaction.atomic():
        if Message.objects.filter(dedupe_key=key).exists():
            return 0
        newer = Message.objects.filter(
            registration=registration, kind=UPDATE_KIND, dedupe_key__startswith="update:"
        ).values_list("dedupe_key", flat=True)
        if any(int(k.rsplit(":", 1)[1]) > target for k in newer):
            return 0
        # Not this key: a concurrent run (the sweep beside a slow task) may have committed it
        # since the check above, and superseding it would lose the update.
        Message.objects.filter(
            registration=registration, kind=UPDATE_KIND, status=MessageStatus.PENDING
        ).exclude(dedupe_key=key).update(status=MessageStatus.SUPERSEDED)
        prepared = invite_prepare(registration=registration, method=REQUEST, agendas=agendas)
        ics, method, sequence = prepared
        message = message_queue(
            registration=registration,
            kind=UPDATE_KIND,
            dedupe_key=key,
            ics=ics,
            ics_method=method,
            sequence=sequence,
            send_after=send_after,
            context={
                "days": agenda_in_language(registration.event, registration.language, agendas).spans
            },
        )
    return int(message is not None)


def event_cancel(*, event, by=None) -> bool:
    """The organiser cancels the event: every participant who holds a calendar entry gets
    ``METHOD:CANCEL``. Returns False if it was already cancelled.

    Side effects: ``EventCalendar.cancelled_at``/``cancelled_by`` set (the durable intent the
    minute sweep finishes), pending updates and reminders SUPERSEDED (one transaction); after
    commit a task queues the cancellations (``event_cancellations_queue``). Registrations keep
    their status.
    """
    with transaction.atomic():
        state = event_calendar_state(event=event)
        state = EventCalendar.objects.select_for_update().get(pk=state.pk)
        if state.cancelled_at:
            return False
        state.cancelled_at = state.fan_out_progress_at = timezone.now()
        state.cancelled_by = by if getattr(by, "is_authenticated", False) else None
        state.save(update_fields=["cancelled_at", "cancelled_by", "fan_out_progress_at"])
        Message.objects.filter(
            event=event,
            status=MessageStatus.PENDING,
            kind__in=[UPDATE_KIND, "reminder", "survey_invitation"],
        ).update(status=MessageStatus.SUPERSEDED)

        enqueue_after_commit("registration.messaging.tasks.queue_event_cancellations", event.pk)
    return True


def event_cancellations_queue(*, event_id: int) -> int:
    """Queue ``event_cancelled`` with ``METHOD:CANCEL`` (``event_cancelled:<registration>``)
    to everyone whose entry is still in their calendar. Returns how many were queued.

    Side effects per participant, in one transaction: the row and the invite's new state
    (so a run after a killed one picks up exactly the rest); ``fan_out_progress_at`` every
    ``FAN_OUT_CHUNK`` participants.
    """
    if not EventCalendar.objects.filter(event_id=event_id, cancelled_at__isnull=False).exists():
        return 0
    registrations = (
        Registration.objects.filter(event_id=event_id, calendar_invite__last_method=REQUEST)
        .select_related("event")
        .order_by("pk")
    )
    queued = 0
    agendas: dict = {}
    for index, registration in enumerate(registrations.iterator(chunk_size=FAN_OUT_CHUNK)):
        if index % FAN_OUT_CHUNK == FAN_OUT_CHUNK - 1:
            _progress(event_id)
        with transaction.atomic():
            prepared = invite_prepare(registration=registration, method=CANCEL, agendas=agendas)
            if prepared is None:
                continue
            ics, method, sequence = prepared
            queued += (
                message_queue(
                    registration=registration,
                    kind=EVENT_CANCELLED_KIND,
                    dedupe_key=f"event_cancelled:{registration.pk}",
                    ics=ics,
                    ics_method=method,
                    sequence=sequence,
                )
                is not None
            )
    return queued


def calendar_pending_catch_up(*, now: dt.datetime | None = None) -> int:
    """The sweep's part for calendars: finish what a dead worker (or a task the broker lost)
    left — updates not yet all queued, cancellations not yet all queued — for events whose
    fan-out made no progress for ``MESSAGES_FANOUT_LEASE``. Returns how many were queued.

    Side effects: each stalled event is taken over by a conditional update of
    ``fan_out_progress_at`` (one sweep wins), then the fan-out runs again from where it
    stopped (rows already queued are skipped).
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.MESSAGES_FANOUT_LEASE)
    stalled = EventCalendar.objects.filter(
        Q(fan_out_progress_at__lt=cutoff) | Q(fan_out_progress_at__isnull=True)
    )
    updates = set(
        stalled.filter(queued_sequence__lt=F("sequence"), cancelled_at__isnull=True).values_list(
            "event_id", flat=True
        )
    )
    cancellations = set(
        Registration.objects.filter(
            event__calendar_state__in=stalled.filter(cancelled_at__isnull=False),
            calendar_invite__last_method=REQUEST,
        ).values_list("event_id", flat=True)
    )
    done = 0
    for event_id in sorted(updates | cancellations):
        if not stalled.filter(event_id=event_id).update(fan_out_progress_at=now):
            continue  # another sweep took it
        if event_id in updates:
            done += calendar_updates_queue(event_id=event_id)
        if event_id in cancellations:
            done += event_cancellations_queue(event_id=event_id)
    return done


def on_page_published(sender, instance, **kwargs) -> None:
    """Wagtail's ``page_published``: an event's source page may have changed what matters."""
    if not isinstance(instance, EventPage):
        return

    if instance.locale_id != Locale.get_default().pk:
        return
    event_calendar_sync(event=instance)
