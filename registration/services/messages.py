"""The outbox: queue e-mails with the change that causes them; send each at most once.

``message_queue`` writes a ``Message`` row inside the caller's transaction (a unique
``dedupe_key`` makes a repeated cause a no-op) and asks the worker to send it after commit.
``message_send`` sends one row under a row lock and marks it sent, so two workers, or a task that
runs twice, never send the same row twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from conference.tasks import enqueue_after_commit
from registration.models import Message, MessageStatus, Registration


def message_render(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render subject, text and HTML of ``registration/email/<kind>*`` in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"registration/email/{kind}_subject.txt", context)
        text = render_to_string(f"registration/email/{kind}.txt", context)
        try:
            html = render_to_string(f"registration/email/{kind}.html", context)
        except Exception:  # noqa: BLE001 — the HTML part is optional per kind
            html = ""
    return " ".join(subject.split()), text, html


def message_queue(
    *,
    registration: Registration,
    kind: str,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    ics: bytes | str = b"",
    ics_method: str = "",
    send_after: dt.datetime | None = None,
) -> Message | None:
    """Queue one e-mail to a participant, rendered now in their language.

    Side effects: one ``Message`` row (or none if ``dedupe_key`` exists), and a send task
    enqueued after the surrounding transaction commits. Returns the row, or ``None`` when the
    same message was already queued.
    """
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    full_context = {
        "registration": registration,
        "event": registration.event,
        "site_url": settings.SITE_URL,
        **(context or {}),
    }
    subject, text, html = message_render(
        kind=kind, language=registration.language, context=full_context
    )
    try:
        with transaction.atomic():
            message = Message.objects.create(
                event=registration.event,
                registration=registration,
                kind=kind,
                dedupe_key=dedupe_key,
                to_email=registration.email,
                language=registration.language,
                subject=subject,
                body_text=text,
                body_html=html,
                ics=ics.decode() if isinstance(ics, bytes) else ics,
                ics_method=ics_method,
                send_after=send_after,
            )
    except IntegrityError:
        return None  # a concurrent caller queued the same message first
    if send_after is None or send_after <= timezone.now():
        enqueue_after_commit("registration.tasks.send_message", message.pk)
    return message


def message_build_email(message: Message) -> EmailMultiAlternatives:
    """The ``EmailMessage`` for a row: text, optional HTML, optional ``text/calendar`` part."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"X-Conference-Message": message.dedupe_key},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.ics:
        method = message.ics_method or "REQUEST"
        email.attach("invite.ics", message.ics, f"text/calendar; method={method}; charset=utf-8")
    return email


def message_send(*, message_id: int) -> bool:
    """Send one pending message at most once. Returns True if this call sent it.

    The row is locked and moved to SENDING in one transaction; the e-mail goes out outside
    it; the row is marked SENT (or back to PENDING with the error) afterwards.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.PENDING:
            return False
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    try:
        message_build_email(message).send()
    except Exception as exc:  # noqa: BLE001 — any transport error is recorded on the row
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.PENDING, last_error=str(exc)[:2000]
        )
        raise
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def messages_send_due() -> int:
    """Send every pending message that is due (used by the schedule and by tests)."""
    due = Message.objects.filter(status=MessageStatus.PENDING).filter(models_q_due(timezone.now()))
    sent = 0
    for pk in due.values_list("pk", flat=True):
        try:
            sent += message_send(message_id=pk)
        except Exception:  # noqa: BLE001, S112 — recorded on the row; go on with the others
            continue
    return sent


def models_q_due(now: dt.datetime):
    from django.db.models import Q

    return Q(send_after__isnull=True) | Q(send_after__lte=now)
