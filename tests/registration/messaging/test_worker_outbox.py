"""The outbox through a real django-q2 cluster (ORM broker, or Redis when REDIS_URL is set)
and a real SMTP server: invites go out once each, even when the worker is killed mid-batch."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from django.db import transaction
from django_q.models import Task
from django_q.tasks import async_task

from conference.schedules import schedules_sync
from registration.messaging.models import Message, MessageStatus
from registration.messaging.services.outbox import message_queue
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda
from tests.registration.messaging.smtpd import smtp_server
from tests.worker import cluster_log, start_cluster, stop_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _cluster_env(port: int, **extra: str) -> dict[str, str]:
    """The worker reads e-mail settings from the environment like production does."""
    return {
        "DJANGO_SETTINGS_MODULE": "conference.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _invite_everyone(event, count: int) -> list[str]:
    """``count`` confirmed participants, their invites queued in one transaction (one kick)."""
    people = factories.RegistrationFactory.create_batch(count, event=event)
    with transaction.atomic():
        for registration in people:
            message_queue(
                registration=registration,
                kind="confirmed",
                dedupe_key=f"test:confirmed:{registration.pk}",
            )
    return [p.email for p in people]


def _not_sent() -> dict:
    """Status, attempts and last error → how many rows: what a failure needs to be read."""
    rows = Message.objects.exclude(status=MessageStatus.SENT)
    return dict(Counter(rows.values_list("status", "attempts", "last_error")))


def _tasks() -> list:
    """What the cluster ran (django-q2 keeps results in the database with either broker)."""
    return list(Task.objects.values_list("func", "success", "started", "stopped"))


def test_worker_sends_queued_invites_once_each():
    event = event_with_agenda()
    with smtp_server() as (smtp, port):
        emails = _invite_everyone(event, 30)
        cluster = start_cluster(**_cluster_env(port))
        try:
            wait_until(
                lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 30,
                timeout=180,
            )
            async_task(
                "registration.messaging.tasks.send_due_messages"
            )  # a second run: nothing more
            wait_until(lambda: not Message.objects.exclude(status=MessageStatus.SENT).exists())
        finally:
            stop_cluster(cluster)
        assert smtp.count_by_recipient() == dict.fromkeys(emails, 1)
        calendars = [
            part.get_content_type()
            for item in smtp.received
            for part in item.message.walk()
            if part.get_content_type() == "text/calendar"
        ]
        assert len(calendars) == 60  # the alternative and the attachment in each


def test_killed_worker_restarted_sends_every_invite_exactly_once():
    event = event_with_agenda()
    with smtp_server() as (smtp, port):
        emails = _invite_everyone(event, 500)
        cluster = start_cluster(**_cluster_env(port))
        try:
            wait_until(lambda: len(smtp.received) >= 40, timeout=120, interval=0.01)
        finally:
            stop_cluster(cluster, kill=True)
        at_kill = Message.objects.filter(status=MessageStatus.SENT).count()
        assert at_kill < 500, "the batch finished before the kill: nothing was tested"

        # The minute schedule is the safety net (a single task can be lost: the Redis broker
        # hands it out once); the task sent now only saves waiting for the scheduler.
        schedules_sync()
        cluster = start_cluster(**_cluster_env(port, MESSAGES_SENDING_LEASE="1"))
        try:
            async_task(
                "registration.messaging.tasks.messages_tick"
            )  # what the minute schedule runs
            try:
                wait_until(
                    lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 500,
                    timeout=180,
                )
            except AssertionError as exc:
                stop_cluster(cluster)
                raise AssertionError(
                    f"{exc}; rows not sent: {_not_sent()}; tasks: {_tasks()}; "
                    f"log: {cluster_log(cluster)}"
                ) from exc
            # A row is marked SENT once the server has accepted it; give the server a moment
            # to finish recording the last message before counting.
            with contextlib.suppress(AssertionError):
                wait_until(lambda: len(smtp.invites_by_recipient()) >= 500, timeout=30)
        finally:
            stop_cluster(cluster)

        # Every participant has exactly one invite. Delivery is at least once: a worker killed
        # between the server's "250" and marking the row lets the row be sent again after the
        # lease, with the same Message-ID, so the participant's mailbox still shows one.
        assert smtp.invites_by_recipient() == dict.fromkeys(emails, 1)
        assert len(smtp.received) <= 500 + 2  # at most the one in flight per killed worker
