"""Demo messages for ``manage.py load_demo``: a message history to look at in the admin.

Confirmations (with their calendar invites) of the demo participants recorded as sent, one
address the mail server refused (the failed list), and a logistics note from the organisers.
Idempotent: every row has a ``demo:`` dedupe key, so a second run changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from registration.messaging.models import Message, MessageStatus, OrganiserMessage
from registration.messaging.services.invites import event_calendar_state
from registration.messaging.services.outbox import message_queue
from registration.models import Registration

NOTE = {
    "subject_en": "Shuttle bus from the airport",
    "body_en": "A shuttle bus meets the morning flights on the day before the conference. "
    "Look for the sign with the conference logo in the arrivals hall.",
    "subject_ru": "Трансфер из аэропорта",
    "body_ru": "Накануне конференции автобус встречает утренние рейсы. Ищите табличку с "
    "логотипом конференции в зале прилёта.",
    "subject_uk": "Трансфер з аеропорту",
    "body_uk": "Напередодні конференції автобус зустрічає ранкові рейси. Шукайте табличку з "
    "логотипом конференції в залі прибуття.",
}
REFUSED = "550 5.1.1 <{email}>: Recipient address rejected: User unknown"


@transaction.atomic
def load() -> None:
    """Sent confirmations with invites, one refused address, one organiser's note (once)."""
    from cms.demo import demo_events

    made = 0
    for slug, event in demo_events().items():
        event_calendar_state(event=event)
        confirmed = Registration.objects.filter(event=event, status="confirmed").order_by("pk")
        for index, registration in enumerate(confirmed):
            row = message_queue(
                registration=registration,
                kind="confirmed",
                dedupe_key=f"demo:confirmed:{registration.pk}",
            )
            if row is None:
                continue
            made += 1
            if slug == "astana-conference" and index == 0:
                Message.objects.filter(pk=row.pk).update(
                    status=MessageStatus.FAILED,
                    attempts=1,
                    last_error=REFUSED.format(email=registration.email),
                )
            else:
                Message.objects.filter(pk=row.pk).update(
                    status=MessageStatus.SENT, attempts=1, sent_at=registration.created_at
                )
        if slug == "astana-conference" and confirmed.exists():
            note, created = OrganiserMessage.objects.get_or_create(
                event=event,
                subject_en=NOTE["subject_en"],
                defaults={**NOTE, "statuses": ["confirmed"], "queued_at": timezone.now()},
            )
            if created:
                for registration in confirmed:
                    subject, body = note.text_for(registration.language)
                    row = message_queue(
                        registration=registration,
                        kind="organiser_message",
                        dedupe_key=f"demo:bulk:{note.pk}:{registration.pk}",
                        context={"note_subject": subject, "note_body": body},
                        bulk=note,
                    )
                    if row is not None:
                        Message.objects.filter(pk=row.pk).update(
                            status=MessageStatus.SENT, attempts=1, sent_at=timezone.now()
                        )
                        made += 1
                note.recipients = confirmed.count()
                note.save(update_fields=["recipients"])
    print(f"  Messages: {made} new, {Message.objects.count()} in the outbox log.")
