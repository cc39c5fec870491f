"""The outbox: queue e-mails with the change that causes them, each built once for the wire.

``message_queue`` writes a ``Message`` row inside the caller's transaction (a unique
``dedupe_key`` makes a repeated cause a no-op) and asks the worker to send due rows after commit
(``messages_kick``; ``OutboxWakeUp`` keeps a burst of commits to about one task).

Each row holds its e-mail as it will go over SMTP (``Message.wire``, built when queued, with a
``Message-ID`` and MIME boundaries derived from the row), so sending is I/O only and a copy
sent again is the same e-mail. Rows a visitor would wait for are queued unbuilt
(``build=False``: the sender builds the same bytes) or even unrendered (``render=False``: the
sender renders them first, ``message_render_late``). Claiming and sending live in
``services/sending.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django_q.tasks import async_task

from registration.links import manage_url
from registration.messaging.models import Message, MessageStatus, OutboxWakeUp
from registration.models import Registration
from registration.selectors.registrations import event_in_language

#: Kinds whose e-mail carries the participant's calendar entry, and how.
CALENDAR_KINDS = {"confirmed": "REQUEST", "promoted": "REQUEST", "cancelled": "CANCEL"}
#: ``declined`` withdraws the entry only if the participant had one (confirmed before).
CALENDAR_KINDS_IF_INVITED = {"declined": "CANCEL"}


class MessageError(Exception):
    """A message that cannot be resent or written. ``code`` says why."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- Queueing ---------------------------------------------------------------------------------


def message_render(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render subject, text and HTML of ``registration/email/<kind>*`` in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"registration/email/{kind}_subject.txt", context)
        text = render_to_string(f"registration/email/{kind}.txt", context)
        try:
            html = render_to_string(f"registration/email/{kind}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return " ".join(subject.split()), text, html


def message_context(registration: Registration, context: dict[str, Any] | None) -> dict[str, Any]:
    """What every participant e-mail may use: the event in their language, their links, the
    hours they have to confirm their address."""
    full = {
        "registration": registration,
        "event": registration.event,
        "site_url": settings.SITE_URL,
        "confirm_hours": settings.REGISTRATION_CONFIRM_HOURS,
        **(context or {}),
    }
    # Not ``setdefault``: its argument would be computed (a query, a signature) even when the
    # caller already passed it.
    if "event_local" not in full:
        full["event_local"] = event_in_language(registration.event, registration.language)
    if "manage_url" not in full:
        full["manage_url"] = manage_url(registration)
    return full


def message_build(
    *,
    registration: Registration,
    kind: str,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    send_after: dt.datetime | None = None,
    bulk=None,
    ics: bytes | str = b"",
    ics_method: str = "",
    sequence: int | None = None,
    resend_of: Message | None = None,
    build: bool = True,
    render: bool = True,
) -> Message:
    """An unsaved outbox row, rendered now in the participant's language and (unless
    ``build=False``) built for the wire. ``message_queue`` saves one; a fan-out inserts a
    chunk of them at once (``bulk_create``) with the progress that goes with it. No side
    effects; the caller saves the row and calls ``messages_kick`` in its transaction.

    ``render=False``: the row is left blank and the sender renders it just before it goes out
    (``message_render_late``), from the registration as it stands then. Only for e-mails
    whose ``context`` is what ``message_context`` gives anyway (a new registration's).
    """
    subject = text = html = ""
    if render:
        full_context = message_context(registration, context)
        full_context.setdefault("ics_method", ics_method)
        subject, text, html = message_render(
            kind=kind, language=registration.language, context=full_context
        )
    message = Message(
        event=registration.event,
        registration=registration,
        kind=kind,
        dedupe_key=dedupe_key,
        to_email=registration.email,
        language=registration.language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        ics=ics.decode() if isinstance(ics, bytes) else ics,
        ics_method=ics_method,
        sequence=sequence,
        send_after=send_after,
        bulk=bulk,
        resend_of=resend_of,
    )
    if build and render:
        message.wire = message_wire(message)
    return message


def message_is_rendered(message: Message) -> bool:
    """False for a row queued with ``render=False`` and not sent yet (its text is blank:
    every rendered e-mail has text)."""
    return bool(message.body_text)


def message_render_late(message: Message) -> Message:
    """Render a row queued with ``render=False`` just before it is sent, in the language its
    participant has chosen by then, and store subject, text and HTML on the row (what staff
    and the participant's data export show). Side effect: one UPDATE of the row."""
    registration = message.registration
    message.language = registration.language
    message.subject, message.body_text, message.body_html = message_render(
        kind=message.kind,
        language=registration.language,
        context=message_context(registration, {"ics_method": message.ics_method}),
    )
    message.subject = message.subject[:300]
    Message.objects.filter(pk=message.pk).update(
        language=message.language,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
    )
    return message


def message_queue(
    *,
    registration: Registration,
    kind: str,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    ics: bytes | str = b"",
    ics_method: str = "",
    send_after: dt.datetime | None = None,
    sequence: int | None = None,
    bulk=None,
    resend_of: Message | None = None,
    build: bool = True,
    render: bool = True,
    new_key: bool = False,
) -> Message | None:
    """Queue one e-mail to a participant, rendered now in their language.

    Kinds ``confirmed`` and ``promoted`` get the calendar invite (``METHOD:REQUEST``),
    ``cancelled`` (and ``declined`` after an invite) its withdrawal (``METHOD:CANCEL``) unless
    ``ics`` is given. Side effects: one ``Message`` row (none if ``dedupe_key`` exists), the
    participant's ``CalendarInvite`` for calendar kinds — both in one savepoint — and a send
    task enqueued after the surrounding transaction commits. Returns the row, or ``None`` when
    the same message was already queued. ``build=False`` leaves building the e-mail to the
    sender (same bytes: boundaries and ``Message-ID`` come from the row), for callers that
    must answer a visitor quickly; ``render=False`` leaves rendering to the sender too (see
    ``message_build``). ``new_key``: the key names a row this transaction just
    wrote (a status change), so no earlier message can hold it and the lookup that spares
    rendering a repeat is skipped; the unique constraint still stops a second row.
    """
    if not new_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            if not ics:
                method = CALENDAR_KINDS.get(kind) or CALENDAR_KINDS_IF_INVITED.get(kind)
                if method:
                    # A real cycle: invites queue their own e-mails through ``message_queue``.
                    from registration.messaging.services.invites import invite_prepare

                    prepared = invite_prepare(
                        registration=registration,
                        method=method,
                        only_if_invited=kind in CALENDAR_KINDS_IF_INVITED or method == "CANCEL",
                    )
                    if prepared is not None:
                        ics, ics_method, sequence = prepared
            message = message_build(
                registration=registration,
                kind=kind,
                dedupe_key=dedupe_key,
                context=context,
                send_after=send_after,
                bulk=bulk,
                ics=ics,
                ics_method=ics_method,
                sequence=sequence,
                resend_of=resend_of,
                build=build,
                render=render,
            )
            message.save(force_insert=True)
    except IntegrityError:
        return None  # a concurrent caller queued the same message first
    if send_after is None or send_after <= timezone.now():
        messages_kick()
    return message


def messages_kick() -> None:
    """Ask the worker to send due rows once the transaction commits (once per transaction)."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        func is _kick for _sids, func, *_rest in getattr(conn, "run_on_commit", [])
    ):
        return
    transaction.on_commit(_kick)


def _kick() -> None:
    """Enqueue a send task unless one is queued and not started (see ``OutboxWakeUp``).

    Under a burst of registrations this turns one broker write per registration into about
    one per task run; the worker's own poll bounds the delay.
    """
    table = connection.ops.quote_name(OutboxWakeUp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (id) VALUES (1) ON CONFLICT DO NOTHING")  # noqa: S608
        if cursor.rowcount != 1:
            return  # a queued task will read the outbox after this commit
    async_task("registration.messaging.tasks.send_due_messages", group="messages")


def messages_woken() -> None:
    """Called by a send task before it reads the outbox: later commits must enqueue again."""
    OutboxWakeUp.objects.all().delete()


def message_resend(*, message: Message) -> Message:
    """Send a message again as a new row (``resend:<original>:<n>``), to the address the
    registration has now.

    Side effects: one new ``Message`` row and a send task after commit. Raises
    ``MessageError`` (code ``not_sent_yet``) for a row that is still pending or sending.
    """
    with transaction.atomic():
        original = Message.objects.select_for_update().get(pk=message.pk)
        if original.status in (MessageStatus.PENDING, MessageStatus.SENDING):
            raise MessageError("still in the outbox", code="not_sent_yet")
        count = Message.objects.filter(resend_of=original).count()
        to_email = original.registration.email if original.registration_id else original.to_email
        copy = Message(
            event_id=original.event_id,
            registration_id=original.registration_id,
            kind=original.kind,
            dedupe_key=f"resend:{original.pk}:{count + 1}",
            to_email=to_email,
            language=original.language,
            subject=original.subject,
            body_text=original.body_text,
            body_html=original.body_html,
            ics=original.ics,
            ics_method=original.ics_method,
            sequence=original.sequence,
            bulk_id=original.bulk_id,
            resend_of=original,
        )
        copy.wire = message_wire(copy)
        copy.save(force_insert=True)
        messages_kick()
    return copy


# --- Building the e-mail -----------------------------------------------------------------------

_EOL = re.compile(rb"\r\n|\n|\r")


def _message_digest(message: Message) -> str:
    """Unique per row (``dedupe_key`` is), secret, and known before the row is saved."""
    return salted_hmac("registration.outbox", message.dedupe_key, algorithm="sha256").hexdigest()


def message_id_header(message: Message) -> str:
    """A ``Message-ID`` that is the same every time this row is sent."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{_message_digest(message)[:32]}@{domain}>"


def message_wire(message: Message) -> bytes:
    """The e-mail of a row as it goes over SMTP, without ``Date`` (see ``Message.wire``).

    MIME boundaries are derived from the row (a secret digest nobody can put in a name or a
    message), which also spares Python's generator a regular expression per boundary.
    """
    mime = message_build_email(message).message()
    del mime["Date"]
    digest = _message_digest(message)[32:48]
    for n, part in enumerate(mime.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_{digest}_{n}")
    return _EOL.sub(b"\r\n", mime.as_bytes(linesep="\r\n"))


def message_build_email(message: Message) -> EmailMultiAlternatives:
    """The ``EmailMessage`` for a row: text, optional HTML, and the calendar entry both as a
    ``text/calendar; method=…`` alternative (Outlook, Gmail) and as ``invite.ics``."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={
            "Message-ID": message_id_header(message),
            "X-Conference-Message": message.dedupe_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.ics:
        method = message.ics_method or "REQUEST"
        email.attach_alternative(message.ics, f"text/calendar; method={method}")
        part = MIMEText(message.ics, "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email.attach(part)
    return email
