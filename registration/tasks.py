"""django-q2 tasks of the registration room: adapters that call one service each.

Task paths from before the rooms were split (``registration.tasks.send_due_messages`` and
friends) may still sit in a broker's queue after an upgrade; ``__getattr__`` hands them to the
room that owns them now. ``setup_schedules`` rewrites stored schedules by name, so only queued
tasks need this. Kept for one release.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from registration.services.lifecycle import anonymise_due as _anonymise_due
from registration.services.registrations import registration_expire_unconfirmed

#: Old task name → the module that runs it now (one release, then removed).
MOVED_TASKS = dict.fromkeys(
    (
        "send_message",
        "send_due_messages",
        "messages_tick",
        "resume_fan_outs",
        "queue_calendar_updates",
        "queue_event_cancellations",
        "queue_organiser_message",
        "queue_reminders",
    ),
    "registration.messaging.tasks",
)


def expire_unconfirmed() -> int:
    """Registrations whose e-mail address was never confirmed (scheduled hourly)."""
    return registration_expire_unconfirmed()


def anonymise_due() -> int:
    """Anonymise registrations whose event's retention period is over (idempotent: an
    anonymised registration is skipped). Returns how many were anonymised."""
    return _anonymise_due()


def _queue_reminders_and_survey_invitations() -> int:
    """What the old ``registration.tasks.queue_reminders`` did, now two rooms' schedules: a
    schedule not yet rewritten by ``setup_schedules`` keeps sending both."""
    reminders = import_module("registration.messaging.tasks").queue_reminders()
    return reminders + import_module("registration.reports.tasks").queue_survey_invitations()


def __getattr__(name: str) -> Any:
    # A dynamic import on purpose: the registration room never imports messaging (the
    # import contract), but a task queued under the old path must still run.
    if name == "queue_reminders":
        return _queue_reminders_and_survey_invitations
    if name in MOVED_TASKS:
        return getattr(import_module(MOVED_TASKS[name]), name)
    raise AttributeError(name)
