"""A fan-out through a real django-q2 cluster (ORM broker, or Redis when REDIS_URL is set) and a
real SMTP server: a worker killed while it writes one row per recipient loses nobody."""

from __future__ import annotations

import contextlib

import pytest

from conference.schedules import schedules_sync
from registration.messaging.models import Message, MessageStatus, OrganiserMessage
from registration.messaging.services.notices import (
    FAN_OUT_CHUNK,
    organiser_message_create,
    organiser_message_send,
)
from registration.models import Registration
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda
from tests.registration.messaging.smtpd import smtp_server
from tests.registration.messaging.test_worker_outbox import _cluster_env
from tests.worker import start_cluster, stop_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

#: More than five chunks: the kill after the first one surely lands mid-way.
RECIPIENTS = 1011


def _note() -> dict:
    return {
        "statuses": ["confirmed"],
        "subject_i18n": {"en": "Bus to the venue", "ru": "Автобус до места проведения"},
        "body_i18n": {
            "en": "The bus leaves the hotel at 08:15.",
            "ru": "Автобус отходит от гостиницы в 08:15.",
        },
    }


def test_killed_worker_mid_fan_out_restarted_writes_to_everyone_exactly_once():
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(RECIPIENTS, event=event)
    Registration.objects.filter(pk__in=[p.pk for p in people[::3]]).update(language="ru")
    note = organiser_message_create(event=event, author=None, data=_note())
    rows = Message.objects.filter(bulk=note)

    with smtp_server() as (smtp, port):
        organiser_message_send(message=note)  # the click on "Send": its task is enqueued
        cluster = start_cluster(**_cluster_env(port))
        try:
            wait_until(lambda: rows.count() >= FAN_OUT_CHUNK, timeout=120, interval=0.01)
        finally:
            stop_cluster(cluster, kill=True)
        at_kill = rows.count()
        assert at_kill < RECIPIENTS, "the fan-out finished before the kill: nothing was tested"

        # The schedules a deployment has (``setup_schedules``); the restarted cluster's
        # scheduler runs the sweep, which finishes the fan-out the dead worker left.
        schedules_sync()
        cluster = start_cluster(
            **_cluster_env(port, MESSAGES_FANOUT_LEASE="1", MESSAGES_SENDING_LEASE="1")
        )
        try:
            wait_until(
                lambda: rows.filter(status=MessageStatus.SENT).count() == RECIPIENTS,
                timeout=300,
                interval=0.5,
            )
            # A row is marked SENT once the server has accepted it; give the server a moment
            # to finish recording the last message before counting.
            with contextlib.suppress(AssertionError):
                wait_until(lambda: len(smtp.invites_by_recipient()) >= RECIPIENTS, timeout=30)
        finally:
            stop_cluster(cluster)

    assert sorted(rows.values_list("registration_id", flat=True)) == sorted(p.pk for p in people)
    assert OrganiserMessage.objects.get(pk=note.pk).fanned_out_at is not None
    # Each participant's mailbox shows the note once (a copy re-sent after the kill carries
    # the same Message-ID), in their language.
    assert smtp.invites_by_recipient() == {p.email: 1 for p in people}
    subjects = {item.rcpt_tos[0]: item.message["Subject"].strip() for item in smtp.received}
    assert subjects[people[0].email] == "Автобус до места проведения"
    assert subjects[people[1].email] == "Bus to the venue"
