"""django-q2 tasks: thin adapters that fetch by primary key and call a service."""

from __future__ import annotations

from django.conf import settings

from registration.messaging.services.invites import (
    calendar_pending_catch_up,
    calendar_updates_queue,
    event_cancellations_queue,
)
from registration.messaging.services.notices import (
    organiser_message_queue,
    organiser_messages_resume,
    reminders_queue_due,
)
from registration.messaging.services.sending import message_send, messages_send_due

#: A batch stops after this share of the task timeout and hands on to a follow-up task.
BUDGET_SHARE = 0.5


def send_message(message_id: int) -> bool:
    """Send one outbox row (a no-op if it is gone, not due or already sent)."""
    return message_send(message_id=message_id)


def send_due_messages(helper: bool = False) -> int:
    """Send every due outbox row; enqueued after each commit that queues mail, and scheduled
    every minute as a safety net. The first task of a large batch asks idle workers to help.
    """
    fan_out = settings.MESSAGES_FAN_OUT
    if fan_out is None:  # one machine: this cluster's other workers
        fan_out = max(int(settings.Q_CLUSTER.get("workers", 1)) - 1, 0)
    return messages_send_due(
        fan_out=0 if helper else fan_out,
        budget=settings.Q_CLUSTER.get("timeout", 300) * BUDGET_SHARE,
    )


def messages_tick() -> int:
    """The safety net, every minute: send what is due (and what a dead worker left)."""
    return send_due_messages()


def resume_fan_outs() -> int:
    """The other safety net, every minute: finish fan-outs (organiser's notes, agenda updates,
    event cancellations) whose worker died or whose task the broker lost."""

    return organiser_messages_resume() + calendar_pending_catch_up()


def queue_calendar_updates(event_id: int) -> int:
    """One update per confirmed participant after the agenda changed."""

    return calendar_updates_queue(event_id=event_id)


def queue_event_cancellations(event_id: int) -> int:
    """``METHOD:CANCEL`` to everyone after the organiser cancelled the event."""

    return event_cancellations_queue(event_id=event_id)


def queue_organiser_message(message_id: int) -> int:
    """The organiser's note, one row per recipient."""

    return organiser_message_queue(message_id=message_id)


def queue_reminders() -> int:
    """Reminders whose moment has come (scheduled)."""
    return reminders_queue_due()
