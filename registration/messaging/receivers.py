"""What messaging does when the registration room announces something.

``STATUS_EMAILS`` is the one table that says which e-mail a status change sends; nothing else
in the project names these e-mail kinds for a status change.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from wagtail.signals import page_published

from registration.messaging.models import CalendarInvite, Message, MessageStatus
from registration.messaging.services.invites import on_page_published
from registration.messaging.services.outbox import message_queue
from registration.models import Registration
from registration.models import RegistrationStatus as S
from registration.services.lifecycle import text_scrub
from registration.signals import (
    link_needed,
    personal_data_erasing,
    personal_data_requested,
    status_changed,
)

#: (why, new status) → the e-mail kind it sends. A change not listed sends nothing (expiry).
STATUS_EMAILS: dict[tuple[str, str], str] = {
    ("registered", S.AWAITING_EMAIL): "confirm_email",
    ("registered", S.WAITLISTED): "waitlisted",
    ("promoted", S.AWAITING_EMAIL): "promoted_confirm",
    ("promoted", S.AWAITING_APPROVAL): "promoted",
    ("promoted", S.CONFIRMED): "promoted",
    ("email_confirmed", S.AWAITING_APPROVAL): "awaiting_approval",
    ("email_confirmed", S.CONFIRMED): "confirmed",
    ("approved", S.CONFIRMED): "confirmed",
    ("declined", S.DECLINED): "declined",
    ("cancelled", S.CANCELLED): "cancelled",
}

#: Why the link must go out → the e-mail kind that carries it.
LINK_EMAILS = {"repeat": "already_registered", "lost": "link_resend", "replaced": "link_new"}

#: Outbox rows not sent yet: an anonymised participant's are never sent.
UNSENT = (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.ATTENTION)


@receiver(status_changed, dispatch_uid="messaging.status_email")
def status_email(
    sender, *, registration, change, reason: str, context: dict[str, Any], build: bool, **kwargs
) -> Message | None:
    """Queue the e-mail ``STATUS_EMAILS`` gives for this change (one per change, ever: the key
    holds the change's id, a row written just now, so no lookup of an earlier copy). With
    ``build=False`` (a new registration) the sender renders it too: the visitor waits only
    for the row."""
    kind = STATUS_EMAILS.get((reason, change.to_status))
    if kind is None:
        return None
    return message_queue(
        registration=registration,
        kind=kind,
        dedupe_key=f"status:{registration.pk}:{kind}:{change.pk}",
        context=context,
        build=build,
        render=build,
        new_key=True,
    )


@receiver(link_needed, dispatch_uid="messaging.link_email")
def link_email(
    sender, *, registration, reason: str, dedupe_key: str, context: dict[str, Any], **kwargs
) -> Message | None:
    """Queue the e-mail that carries the participant's private link."""
    return message_queue(
        registration=registration,
        kind=LINK_EMAILS[reason],
        dedupe_key=dedupe_key,
        context=context,
    )


@receiver(personal_data_requested, dispatch_uid="messaging.personal_data")
def personal_data(sender, *, registration: Registration, **kwargs) -> dict[str, Any]:
    """The e-mails sent to the participant (subject, kind, dates; not the text)."""
    return {
        "messages": [
            {
                "kind": row.kind,
                "subject": row.subject,
                "to": row.to_email,
                "status": row.status,
                "created_at": row.created_at.isoformat() if row.created_at else None,
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
            for row in Message.objects.filter(registration=registration).order_by(
                "created_at", "pk"
            )
        ]
    }


@receiver(personal_data_erasing, dispatch_uid="messaging.erase")
def erase(
    sender,
    *,
    registration: Registration,
    strings: list[str],
    placeholder_email: str,
    placeholder_name: str,
    **kwargs,
) -> dict[type, list[int]]:
    """Outbox rows lose body, wire and recipient; unsent ones are superseded, never sent."""
    rows = Message.objects.filter(registration=registration)
    about = {
        Message: list(rows.values_list("pk", flat=True)),
        CalendarInvite: list(
            CalendarInvite.objects.filter(registration=registration).values_list("pk", flat=True)
        ),
    }
    rows.filter(status__in=UNSENT).update(
        status=MessageStatus.SUPERSEDED, claim_token="", claimed_at=None
    )
    rows.update(
        to_email=placeholder_email, body_text="", body_html="", ics="", wire=b"", last_error=""
    )
    for message in rows.only("pk", "subject"):
        subject = text_scrub(message.subject, strings, placeholder_name)
        if subject != message.subject:
            Message.objects.filter(pk=message.pk).update(subject=subject)
    return about


page_published.connect(on_page_published, dispatch_uid="registration.invites.published")
