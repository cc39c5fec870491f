"""django-q2 tasks: thin adapters that fetch by primary key and call a service."""

from __future__ import annotations

from registration.services.messages import message_send, messages_send_due


def send_message(message_id: int) -> bool:
    """Send one outbox row (a no-op if it is gone or already sent)."""
    return message_send(message_id=message_id)


def send_due_messages() -> int:
    """Send every due outbox row; scheduled every minute as a safety net."""
    return messages_send_due()
