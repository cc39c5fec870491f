"""Helpers for the message, calendar and invite tests: an event with a two-day agenda."""

from __future__ import annotations

from tests.factories import EventPageFactory, RegistrationFactory


def event_with_agenda(**fields):
    """A published two-day event in Almaty (with ru and uk copies) and a session each morning,
    published again so that its calendar state knows the agenda."""
    defaults = {
        "venue_address": "Kabanbay Batyr 21",
        "map_url": "https://maps.example.org/rixos",
        "contact_email": "organisers@example.org",
        "online_link": "https://meet.example.org/astana",
        "translations": ("ru", "uk"),
        "agenda": True,
    }
    defaults.update(fields)
    return publish(EventPageFactory(**defaults))


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

    registration = RegistrationFactory(event=event, **fields)
    with transaction.atomic():
        message_queue(
            registration=registration,
            kind="confirmed",
            dedupe_key=f"test:confirmed:{registration.pk}",
        )
    return registration
