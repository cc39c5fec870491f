"""Demo messages for ``manage.py load_demo``: a message history to look at in the admin.

Every confirmed demo participant's confirmation (with its calendar invite) is recorded as sent,
except the addresses ``registration/messaging/demo.json`` lists as refused by the mail server
(the failed list); the data's organisers' notes go to their events' participants. Idempotent:
every row has a ``demo:`` dedupe key, so a second run changes nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from cms import demo as cms_demo
from registration.demo import stdout_writer
from registration.messaging.models import Message, MessageStatus, OrganiserMessage
from registration.messaging.services.invites import event_calendar_state
from registration.messaging.services.outbox import message_queue
from registration.models import Registration

DATA = Path(__file__).with_name("demo.json")


@functools.cache
def content() -> dict[str, Any]:
    """``registration/messaging/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def _confirmations(event) -> int:
    """Each confirmed participant's confirmation, recorded as sent (or refused)."""
    refused = {row["email"]: row["error"] for row in content()["refused"]}
    made = 0
    confirmed = Registration.objects.filter(event=event, status="confirmed").order_by("pk")
    for registration in confirmed:
        row = message_queue(
            registration=registration,
            kind="confirmed",
            dedupe_key=f"demo:confirmed:{registration.pk}",
        )
        if row is None:
            continue
        made += 1
        if registration.email in refused:
            Message.objects.filter(pk=row.pk).update(
                status=MessageStatus.FAILED,
                attempts=1,
                last_error=refused[registration.email].format(email=registration.email),
            )
        else:
            Message.objects.filter(pk=row.pk).update(
                status=MessageStatus.SENT, attempts=1, sent_at=registration.created_at
            )
    return made


def _note(event, note: dict[str, Any]) -> int:
    """An organisers' note to the participants in its statuses, sent (once per event)."""
    recipients = Registration.objects.filter(event=event, status__in=note["statuses"]).order_by(
        "pk"
    )
    if not recipients.exists():
        return 0
    bulk, created = OrganiserMessage.objects.get_or_create(
        event=event,
        subject_i18n__en=note["subject"]["en"],
        defaults={
            "subject_i18n": note["subject"],
            "body_i18n": note["body"],
            "statuses": note["statuses"],
            "queued_at": timezone.now(),
        },
    )
    if not created:
        return 0
    made = 0
    for registration in recipients:
        subject, body = bulk.text_for(registration.language)
        row = message_queue(
            registration=registration,
            kind="organiser_message",
            dedupe_key=f"demo:bulk:{bulk.pk}:{registration.pk}",
            context={"note_subject": subject, "note_body": body},
            bulk=bulk,
        )
        if row is not None:
            Message.objects.filter(pk=row.pk).update(
                status=MessageStatus.SENT, attempts=1, sent_at=timezone.now()
            )
            made += 1
    bulk.recipients = recipients.count()
    bulk.save(update_fields=["recipients"])
    return made


@transaction.atomic
def load(*, write: Callable[[str], None] | None = None) -> None:
    """Sent confirmations with invites, the refused addresses, the organisers' notes (once).

    ``write`` takes one line of the summary (``load_demo`` passes its stdout).
    """
    write = write or stdout_writer()
    made = 0
    events = cms_demo.demo_events()
    for slug, event in events.items():
        event_calendar_state(event=event)
        made += _confirmations(event)
        for note in content()["notes"]:
            if note["event"] == slug:
                made += _note(event, note)
    write(f"  Messages: {made} new, {Message.objects.count()} in the outbox log.")
