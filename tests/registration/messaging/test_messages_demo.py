"""The demo message history loads once: a second run changes nothing."""

import pytest

from cms import demo
from registration import demo as registration_demo
from registration.messaging import demo as demo_messages
from registration.messaging.models import Message, MessageStatus, OrganiserMessage

pytestmark = pytest.mark.django_db


def test_demo_messages_load_twice_changes_nothing():
    demo.load()
    registration_demo.load()
    demo_messages.load()
    first = sorted(Message.objects.values_list("dedupe_key", "status"))
    demo_messages.load()

    assert sorted(Message.objects.values_list("dedupe_key", "status")) == first
    assert OrganiserMessage.objects.count() == 1
    assert Message.objects.filter(status=MessageStatus.FAILED).count() == 1
    assert not Message.objects.filter(status=MessageStatus.PENDING).exists()
