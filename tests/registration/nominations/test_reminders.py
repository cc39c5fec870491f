"""Reminders to focal points with places left before their deadline
(``registration/nominations/services/reminders.py``): who gets one, in which language, with
which link, and that each delegation is reminded once per deadline."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core import mail
from django.db import connection

from conference.schedules import schedules_all
from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.nominations.links import delegation_from_key
from registration.nominations.models import Delegation, Nomination, NominationStatus
from registration.nominations.services.reminders import focal_reminders_queue
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db


def _deadline(event) -> dt.datetime:
    return dt.datetime.combine(
        event.start_date - dt.timedelta(days=10), dt.time(12), tzinfo=event.tz
    )


def _delegation(event, n: int = 1, **fields) -> Delegation:
    deadline = _deadline(event)
    values = {
        "event": event,
        "kind": "country",
        "country": ["KG", "KZ", "TJ", "UZ", "TM"][n - 1],
        "name": f"Delegation {n}",
        "quota": 4,
        "deadline": deadline,
        "focal_name": f"Focal Point{n}",
        "focal_email": f"focal{n}@gov.example.org",
        "focal_language": "en",
        "invited_at": deadline - dt.timedelta(days=30),
    }
    values.update(fields)
    return Delegation.objects.create(**values)


def _nominate(delegation, count: int, status=NominationStatus.NOMINATED) -> None:
    for i in range(count):
        Nomination.objects.create(
            event=delegation.event,
            delegation=delegation,
            status=status,
            given_name=f"Person{i}",
            family_name=f"D{delegation.pk}",
            email=f"p{i}.{delegation.pk}@example.org",
            email_normalised=f"p{i}.{delegation.pk}@example.org",
            sex="female",
            organisation="Ministry",
        )


def _link_opens(body: str, delegation) -> bool:
    """The link in the e-mail is the delegation's own (signed keys carry their second)."""
    match = re.search(r"/nominations/d/([^/\s]+)/", body)
    return match is not None and delegation_from_key(match[1]).pk == delegation.pk


def _sent() -> list:
    messages_send_due()
    return list(mail.outbox)


def test_focal_point_with_places_left_is_reminded_once_with_link(settings):
    settings.NOMINATION_REMINDER_BEFORE = "3d"
    event = event_create()
    delegation = _delegation(event)
    _nominate(delegation, 1)
    now = delegation.deadline - dt.timedelta(days=2)

    assert focal_reminders_queue(now=now) == 1
    assert focal_reminders_queue(now=now) == 0
    assert focal_reminders_queue(now=now + dt.timedelta(hours=5)) == 0

    sent = _sent()
    assert len(sent) == 1
    assert sent[0].to == ["focal1@gov.example.org"]
    assert "Reminder: nominations for" in sent[0].subject
    assert 'The delegation "Delegation 1" still has 3 places left.' in sent[0].body
    assert _link_opens(sent[0].body, delegation)


def test_not_reminded_too_early_after_deadline_full_uninvited_or_revoked(settings):
    settings.NOMINATION_REMINDER_BEFORE = "3d"
    event = event_create()
    full = _delegation(event, 1)
    _nominate(full, 4)
    _delegation(event, 2, invited_at=None)
    _delegation(event, 3, revoked_at=_deadline(event) - dt.timedelta(days=5))
    open_one = _delegation(event, 4)
    _nominate(open_one, 2, status=NominationStatus.DECLINED)  # declined hold no place

    deadline = _deadline(event)
    assert focal_reminders_queue(now=deadline - dt.timedelta(days=4)) == 0  # too early
    assert focal_reminders_queue(now=deadline + dt.timedelta(minutes=1)) == 0  # passed
    assert focal_reminders_queue(now=deadline - dt.timedelta(hours=1)) == 1
    assert [m.to for m in _sent()] == [["focal4@gov.example.org"]]


def test_reminder_in_focal_points_language(settings):
    settings.NOMINATION_REMINDER_BEFORE = "3d"
    event = event_create()
    delegation = _delegation(event, focal_language="ru")
    focal_reminders_queue(now=delegation.deadline - dt.timedelta(days=1))
    (message,) = _sent()
    assert "/ru/nominations/d/" in message.body
    assert _link_opens(message.body, delegation)
    assert "Напоминание" in message.subject
    assert Message.objects.get().language == "ru"


def test_reopened_delegation_reminded_for_its_new_time_only_with_places_left(settings):
    settings.NOMINATION_REMINDER_BEFORE = "3d"
    event = event_create()
    deadline = _deadline(event)
    delegation = _delegation(event, 1)
    full = _delegation(event, 2)
    assert focal_reminders_queue(now=deadline - dt.timedelta(days=1)) == 2

    reopened = deadline + dt.timedelta(days=5)
    Delegation.objects.filter(pk__in=[delegation.pk, full.pk]).update(reopened_until=reopened)
    _nominate(full, 4)
    assert focal_reminders_queue(now=reopened - dt.timedelta(days=1)) == 1
    assert focal_reminders_queue(now=reopened - dt.timedelta(hours=1)) == 0
    assert [m.to for m in _sent()][-1] == ["focal1@gov.example.org"]
    assert Message.objects.filter(to_email="focal1@gov.example.org").count() == 2


def test_retried_sending_sends_nothing_twice(settings):
    settings.NOMINATION_REMINDER_BEFORE = "12h"
    event = event_create()
    delegation = _delegation(event)
    now = delegation.deadline - dt.timedelta(hours=3)
    focal_reminders_queue(now=now)
    messages_send_due()
    focal_reminders_queue(now=now)
    messages_send_due()
    assert len(mail.outbox) == 1


def test_schedule_registered():
    specs = {spec.func: spec for spec in schedules_all()}
    assert "registration.nominations.tasks.focal_reminders_task" in specs


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_queue_one_reminder(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    settings.NOMINATION_REMINDER_BEFORE = "3d"
    event = event_create()
    delegation = _delegation(event)
    now = delegation.deadline - dt.timedelta(days=1)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            focal_reminders_queue(now=now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Message.objects.filter(kind="focal_reminder").count() == 1
