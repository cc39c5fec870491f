"""How many helpers the first task of a large batch asks for: this cluster's other workers on
one machine, or ``MESSAGES_FAN_OUT`` when several machines share one broker (each with its own
few workers), so that every machine takes part in a 3,500-invite batch."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_q.brokers import get_broker

from registration.messaging.models import Message, MessageStatus
from registration.messaging.services.outbox import message_queue
from registration.messaging.services.sending import CHUNK
from registration.messaging.tasks import send_due_messages
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda
from tests.registration.messaging.smtpd import smtp_server, smtp_settings

pytestmark = pytest.mark.django_db


def _helpers_asked(settings_overrides: dict, *, helper: bool = False) -> int:
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(CHUNK + 5, event=event)
    with transaction.atomic():
        for registration in people:
            message_queue(
                registration=registration, kind="confirmed", dedupe_key=f"f:{registration.pk}"
            )
    broker = get_broker()
    before = broker.queue_size()
    with (
        smtp_server() as (_smtp, port),
        override_settings(**smtp_settings(port), **settings_overrides),
    ):
        sent = send_due_messages(helper=helper)
    assert sent == CHUNK + 5
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
    return broker.queue_size() - before


def test_one_machine_asks_its_other_workers(settings):
    q_cluster = {**settings.Q_CLUSTER, "workers": 3}

    assert _helpers_asked({"Q_CLUSTER": q_cluster, "MESSAGES_FAN_OUT": None}) == 2


def test_several_machines_ask_as_many_as_configured(settings):
    q_cluster = {**settings.Q_CLUSTER, "workers": 1}

    assert _helpers_asked({"Q_CLUSTER": q_cluster, "MESSAGES_FAN_OUT": 3}) == 3


def test_a_helper_asks_for_no_more_helpers(settings):
    assert _helpers_asked({"MESSAGES_FAN_OUT": 3}, helper=True) == 0
