"""Fan-outs survive a dead worker: the cause records the intent in its own transaction, and
the minute sweep (``resume_fan_outs``) finishes a fan-out that stopped making progress,
skipping the rows already queued. Here the task is simply never run (as when the Redis broker
hands it to a worker that is then killed); the worker tests kill a real cluster."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from registration.messaging.models import EventCalendar, Message, OrganiserMessage
from registration.messaging.schedules import SCHEDULES
from registration.messaging.services.invites import calendar_pending_catch_up, event_cancel
from registration.messaging.services.notices import (
    organiser_message_create,
    organiser_message_queue,
    organiser_message_send,
    organiser_messages_resume,
)
from tests import factories
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda, move_session

pytestmark = pytest.mark.django_db


def _after_lease(moment: dt.datetime) -> dt.datetime:
    return moment + dt.timedelta(seconds=settings.MESSAGES_FANOUT_LEASE + 1)


def _sent_note(event) -> OrganiserMessage:
    note = organiser_message_create(
        event=event,
        author=None,
        data={
            "statuses": ["confirmed"],
            "subject_i18n": {"en": "Bus"},
            "body_i18n": {"en": "At 08:15."},
        },
    )
    organiser_message_send(message=note)
    return OrganiserMessage.objects.get(pk=note.pk)


def test_organiser_message_whose_task_was_lost_is_queued_by_the_sweep():
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(3, event=event)
    note = _sent_note(event)  # the task enqueued after commit never runs

    queued = organiser_messages_resume(now=_after_lease(note.queued_at))

    assert queued == 3
    rows = Message.objects.filter(bulk=note)
    assert sorted(rows.values_list("to_email", flat=True)) == sorted(p.email for p in people)
    assert OrganiserMessage.objects.get(pk=note.pk).fanned_out_at is not None
    assert organiser_messages_resume(now=_after_lease(note.queued_at)) == 0


def test_sweep_leaves_an_organiser_message_in_progress_alone():
    event = event_with_agenda()
    factories.RegistrationFactory.create_batch(2, event=event)
    note = _sent_note(event)

    queued = organiser_messages_resume(now=note.queued_at + dt.timedelta(seconds=1))

    assert queued == 0
    assert not Message.objects.filter(bulk=note).exists()


def test_resumed_organiser_message_queues_only_the_rest_and_not_newcomers():
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(3, event=event)
    note = _sent_note(event)
    organiser_message_queue(message_id=note.pk)
    first = Message.objects.get(registration=people[0], bulk=note)
    # A worker killed before its last chunk: that row was never written, nor the end mark.
    Message.objects.filter(registration=people[2], bulk=note).delete()
    OrganiserMessage.objects.filter(pk=note.pk).update(fanned_out_at=None)
    factories.RegistrationFactory(event=event)  # registered after "Send"

    queued = organiser_messages_resume(now=_after_lease(note.queued_at))

    assert queued == 1
    rows = Message.objects.filter(bulk=note)
    assert sorted(rows.values_list("registration_id", flat=True)) == [p.pk for p in people]
    assert rows.get(registration=people[0]).pk == first.pk


def test_agenda_update_whose_task_was_lost_is_queued_by_the_sweep():
    event = event_with_agenda()
    people = [confirmed(event) for _ in range(2)]
    move_session(event, "Working groups", start_time=dt.time(10, 0))
    page = type(event).objects.get(pk=event.pk)
    page.save_revision().publish()  # raises SEQUENCE; its update task never runs
    state = EventCalendar.objects.get(event=event)
    assert state.queued_sequence < state.sequence

    assert calendar_pending_catch_up(now=state.changed_at + dt.timedelta(seconds=1)) == 0
    queued = calendar_pending_catch_up(now=_after_lease(state.changed_at))

    assert queued == 2
    updates = Message.objects.filter(kind="calendar_update")
    assert sorted(updates.values_list("registration_id", flat=True)) == [p.pk for p in people]
    state.refresh_from_db()
    assert state.queued_sequence == state.sequence


def test_event_cancellations_whose_task_was_lost_are_queued_by_the_sweep():
    event = event_with_agenda()
    people = [confirmed(event) for _ in range(2)]
    event_cancel(event=event)  # its task never runs
    state = EventCalendar.objects.get(event=event)

    queued = calendar_pending_catch_up(now=_after_lease(state.cancelled_at))

    assert queued == 2
    cancels = Message.objects.filter(kind="event_cancelled", ics_method="CANCEL")
    assert sorted(cancels.values_list("registration_id", flat=True)) == [p.pk for p in people]
    assert calendar_pending_catch_up(now=_after_lease(timezone.now())) == 0


def test_resume_fan_outs_runs_every_minute():
    assert ("registration.messaging.tasks.resume_fan_outs", 1) in [
        (s.func, s.minutes) for s in SCHEDULES
    ]
