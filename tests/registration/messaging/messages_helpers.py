"""Helpers for the message, calendar and invite tests: an event with a two-day agenda."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests import factories
from tests.registration.registration_helpers import event_create


def event_with_agenda(**fields):
    """A published two-day event in Almaty with a session each morning, published again so
    that its calendar state knows the agenda."""
    today = timezone.localdate()
    defaults = {
        "start_date": today + dt.timedelta(days=30),
        "end_date": today + dt.timedelta(days=31),
        "venue_address": "Kabanbay Batyr 21",
        "map_url": "https://maps.example.org/rixos",
        "contact_email": "organisers@example.org",
        "online_link": "https://meet.example.org/astana",
    }
    defaults.update(fields)
    event = event_create(**defaults)
    factories.session_create(event, title="Opening plenary")
    factories.session_create(
        event,
        day=event.end_date,
        start_time=dt.time(9, 0),
        end_time=dt.time(12, 0),
        title="Working groups",
        kind="working_group",
    )
    publish(event)
    return event


def publish(event):
    """Publish the event as an editor does (fires Wagtail's ``page_published``), then run
    the update task the publish enqueues (tests run no worker)."""
    from cms.models import EventPage
    from registration.messaging.services.invites import calendar_updates_queue

    event = EventPage.objects.get(pk=event.pk)
    event.save_revision().publish()
    calendar_updates_queue(event_id=event.pk)  # what the task enqueued after commit does
    return EventPage.objects.get(pk=event.pk)


def move_session(event, title: str, **fields):
    """Change a session's fields in the database, as saving the page in the editor does."""
    event.sessions.filter(title=title).update(**fields)


def confirmed(event, **fields):
    """A confirmed registration whose confirmation (with its invite) is queued."""
    from django.db import transaction

    from registration.messaging.services.outbox import message_queue

    registration = factories.RegistrationFactory(event=event, **fields)
    with transaction.atomic():
        message_queue(
            registration=registration,
            kind="confirmed",
            dedupe_key=f"test:confirmed:{registration.pk}",
        )
    return registration
