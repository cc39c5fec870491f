"""The outbox: queue e-mails with the change that causes them; send each once per mailbox.

``message_queue`` writes a ``Message`` row inside the caller's transaction (a unique
``dedupe_key`` makes a repeated cause a no-op) and asks the worker to send due rows after commit.

Each row holds its e-mail as it will go over SMTP (``Message.wire``, built when queued), so
sending is I/O only. Sending claims rows (PENDING → SENDING with a fresh claim token, under a
row lock) and hands them to the mail server. Over SMTP the message is written only while this
worker's lease on the claim surely runs, and the row is marked SENT once the server has
answered 250. Delivery is at least
once, never lost: a worker killed before the server's 250 leaves a row in SENDING that is put
back to PENDING after ``MESSAGES_SENDING_LEASE`` and sent again; a worker killed in the short
gap between the 250 and marking causes a second copy with the *same* ``Message-ID`` (derived
from the row), which mail clients and calendars collapse into one. (Marking SENT before the
end-of-data dot was tried first: a worker killed in that gap lost the message — the fault test
with 500 invites caught it.) With a backend that gives no such guarantee (console, file, …) a
stale row goes to ATTENTION for staff instead.

Transient failures retry with back-off (``send_after`` moves forward); after
``MESSAGES_MAX_ATTEMPTS`` tries, or at once when the server answers 5xx (a refused address),
the row is FAILED with the server's answer, and the others go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from email.mime.text import MIMEText
from email.utils import formatdate, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from registration.messaging.models import Message, MessageStatus, OutboxWakeUp
from registration.models import Registration

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
#: Rows claimed at once by one worker; small enough that a dead worker strands few.
CHUNK = 50
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
    """What every participant e-mail may use: the event in their language, their links."""
    from registration.links import manage_url
    from registration.messaging.calendar import event_in_language

    full = {
        "registration": registration,
        "event": registration.event,
        "site_url": settings.SITE_URL,
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
) -> Message:
    """An unsaved outbox row, rendered now in the participant's language and (unless
    ``build=False``) built for the wire. ``message_queue`` saves one; a fan-out inserts a
    chunk of them at once (``bulk_create``) with the progress that goes with it. No side
    effects; the caller saves the row and calls ``messages_kick`` in its transaction.
    """
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
    if build:
        message.wire = message_wire(message)
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
) -> Message | None:
    """Queue one e-mail to a participant, rendered now in their language.

    Kinds ``confirmed`` and ``promoted`` get the calendar invite (``METHOD:REQUEST``),
    ``cancelled`` (and ``declined`` after an invite) its withdrawal (``METHOD:CANCEL``) unless
    ``ics`` is given. Side effects: one ``Message`` row (none if ``dedupe_key`` exists), the
    participant's ``CalendarInvite`` for calendar kinds — both in one savepoint — and a send
    task enqueued after the surrounding transaction commits. Returns the row, or ``None`` when
    the same message was already queued. ``build=False`` leaves building the e-mail to the
    sender (same bytes: boundaries and ``Message-ID`` come from the row), for callers that
    must answer a visitor quickly.
    """
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            if not ics:
                method = CALENDAR_KINDS.get(kind) or CALENDAR_KINDS_IF_INVITED.get(kind)
                if method:
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
    from django_q.tasks import async_task

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


# --- Sending -----------------------------------------------------------------------------------


class _ClaimLost(Exception):
    """Another worker took the row over (its lease ran out): this one must not finish it."""


@dataclass
class _Outcome:
    sent: bool
    error: str = ""
    permanent: bool = False


def _now() -> dt.datetime:
    return timezone.now()


def _due() -> Q:
    return Q(send_after__isnull=True) | Q(send_after__lte=_now())


def _uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == SMTP_BACKEND


def message_backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 5, 25 minutes, … at most 6 h."""
    return dt.timedelta(seconds=min(60 * 5 ** max(attempts - 1, 0), 6 * 3600))


def messages_claim(
    *, ids: list[int] | None = None, limit: int = CHUNK
) -> tuple[str, list[Message]]:
    """Claim up to ``limit`` due PENDING rows (or the given ones) for this worker.

    Side effects: the rows move to SENDING with a new claim token, ``claimed_at`` now and one
    more attempt, in one transaction under a row lock (rows another worker holds are skipped).
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = Message.objects.filter(status=MessageStatus.PENDING).filter(_due())
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        picked = list(rows.order_by("send_after", "pk").values_list("pk", flat=True)[:limit])
        if not picked:
            return token, []
        Message.objects.filter(pk__in=picked, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING,
            claim_token=token,
            claimed_at=_now(),
            attempts=F("attempts") + 1,
        )
    return token, list(Message.objects.filter(claim_token=token, status=MessageStatus.SENDING))


def _mark_sent(message: Message, token: str) -> bool:
    return bool(
        Message.objects.filter(
            pk=message.pk, claim_token=token, status=MessageStatus.SENDING
        ).update(status=MessageStatus.SENT, sent_at=_now(), last_error="")
    )


def _mark_failed(message: Message, token: str, outcome: _Outcome) -> None:
    """Back to PENDING with back-off, or FAILED when permanent or out of attempts."""
    final = outcome.permanent or message.attempts >= settings.MESSAGES_MAX_ATTEMPTS
    Message.objects.filter(pk=message.pk, claim_token=token).update(
        status=MessageStatus.FAILED if final else MessageStatus.PENDING,
        last_error=outcome.error[:2000],
        send_after=None if final else _now() + message_backoff(message.attempts),
        sent_at=None,
        claim_token="",
    )


def _smtp_error(exc: Exception) -> _Outcome:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()))
        return _Outcome(False, _answer(code, answer), permanent=500 <= code < 600)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _Outcome(
            False, _answer(exc.smtp_code, exc.smtp_error), permanent=500 <= exc.smtp_code < 600
        )
    return _Outcome(False, f"{type(exc).__name__}: {exc}")


def _answer(code: int, answer: bytes | str) -> str:
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    return f"{code} {text}"


_EOL = re.compile(rb"\r\n|\n|\r")
_DOT = re.compile(rb"(?m)^\.")


class SmtpOutbox:
    """One SMTP connection (opened by Django's backend: TLS, login, timeout) over which rows
    are sent while this worker holds their claim, and marked SENT after the server's 250."""

    def __init__(self) -> None:
        self.backend = None

    def _smtp(self) -> smtplib.SMTP:
        if self.backend is None or self.backend.connection is None:
            self.backend = get_connection(SMTP_BACKEND, fail_silently=False)
            self.backend.open()
            # Many small SMTP commands per message: without TCP_NODELAY, Nagle's algorithm
            # holds each until the server's delayed ACK (~40 ms).
            self.backend.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.backend.connection.ehlo_or_helo_if_needed()
        return self.backend.connection

    def close(self, *, abort: bool = False) -> None:
        """Quit politely, or drop the connection so the server discards an unfinished DATA."""
        if self.backend is None or self.backend.connection is None:
            return
        smtp = self.backend.connection
        if abort:
            with contextlib.suppress(OSError):
                smtp.sock.close()
            smtp.sock = smtp.file = None
            self.backend.connection = None
        else:
            self.backend.close()
        self.backend = None

    def deliver(self, message: Message, token: str, *, held_until: float) -> _Outcome:
        wire = bytes(message.wire) or message_wire(message)  # rows queued before ``wire``
        data = b"Date: " + formatdate(usegmt=True).encode() + b"\r\n" + _DOT.sub(b"..", wire)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        try:
            smtp = self._smtp()
            code, answer = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                raise smtplib.SMTPSenderRefused(code, answer, sender)
            code, answer = smtp.rcpt(message.to_email)
            if code not in (250, 251):
                smtp.rset()
                raise smtplib.SMTPRecipientsRefused({message.to_email: (code, answer)})
            code, answer = smtp.docmd("data")
            if code != 354:
                smtp.rset()
                raise smtplib.SMTPDataError(code, answer)
            if time.monotonic() >= held_until:
                raise _ClaimLost
            smtp.send(data + b".\r\n")
            code, answer = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, answer)
            if not _mark_sent(message, token):
                logger.warning("message %s: claim lost after sending", message.pk)
        except _ClaimLost:
            self.close(abort=True)
            return _Outcome(False, "claim lost")
        except (smtplib.SMTPException, OSError) as exc:
            if not isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                self.close(abort=True)
            return _smtp_error(exc)
        return _Outcome(True)


class BackendOutbox:
    """Any other Django backend (locmem in tests, console and files in the demo)."""

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)

    def close(self, *, abort: bool = False) -> None:
        self.backend.close()

    def deliver(self, message: Message, token: str, *, held_until: float) -> _Outcome:
        try:
            self.backend.send_messages([message_build_email(message)])
        except (smtplib.SMTPException, OSError) as exc:
            return _smtp_error(exc)
        if not _mark_sent(message, token):
            logger.warning("message %s: claim lost after sending", message.pk)
        return _Outcome(True)


def _outbox() -> SmtpOutbox | BackendOutbox:
    return SmtpOutbox() if _uses_smtp() else BackendOutbox()


@contextlib.contextmanager
def _without_flush_wait():
    """On PostgreSQL, let the sender's own updates (claims, SENT marks) commit without
    waiting for the write-ahead log to reach the disk. A mark lost in a database crash only
    sends that row again, with the same ``Message-ID``: the at-least-once promise already.
    Everything else the worker does keeps full durability (the setting is reset after)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _lease_end() -> float:
    """Until when (``time.monotonic``) rows claimed now are surely this worker's: half the
    lease after which ``messages_recover_stale`` may hand them on, leaving room for clocks
    that disagree. Checked before each end-of-data, instead of asking the database."""
    return time.monotonic() + settings.MESSAGES_SENDING_LEASE / 2


def _release(rows: list[Message], token: str) -> None:
    """Give back rows this worker claimed but did not finish writing because its hold ran out.

    They surely did not go out (the connection was dropped before the end-of-data dot), so
    they go straight back to PENDING, without the attempt, instead of sitting in SENDING until
    ``messages_recover_stale`` runs again (which nothing may start: the batch had ended).
    """
    Message.objects.filter(
        pk__in=[row.pk for row in rows], claim_token=token, status=MessageStatus.SENDING
    ).update(
        status=MessageStatus.PENDING,
        claim_token="",
        claimed_at=None,
        attempts=F("attempts") - 1,
    )


def _send_claimed(outbox, rows: list[Message], token: str, held_until: float) -> tuple[int, bool]:
    """Send claimed rows in order. Returns how many went out, and whether the hold ran out
    first (the rest are released, see ``_release``)."""
    sent = 0
    for index, row in enumerate(rows):
        outcome = outbox.deliver(row, token, held_until=held_until)
        if outcome.sent:
            sent += 1
        elif outcome.error == "claim lost":
            _release(rows[index:], token)
            return sent, True
        else:
            _mark_failed(row, token, outcome)
            logger.warning("message %s not sent: %s", row.pk, outcome.error)
    return sent, False


def message_send(*, message_id: int) -> bool:
    """Send one due, pending message at most once. Returns True if this call sent it.

    Side effects: the row goes PENDING → SENDING → SENT (or back to PENDING with back-off, or
    FAILED with the server's answer).
    """
    with _without_flush_wait():
        held_until = _lease_end()
        token, rows = messages_claim(ids=[message_id], limit=1)
        if not rows:
            return False
        outbox = _outbox()
        try:
            return bool(_send_claimed(outbox, rows, token, held_until)[0])
        finally:
            outbox.close()


def messages_recover_stale() -> int:
    """Rows left in SENDING by a worker that died: back to PENDING when provably not sent
    (SMTP, see the module's note), else to ATTENTION for staff. Returns how many."""
    cutoff = _now() - dt.timedelta(seconds=settings.MESSAGES_SENDING_LEASE)
    stale = Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=cutoff)
    if not _uses_smtp():
        return stale.update(
            status=MessageStatus.ATTENTION,
            claim_token="",
            last_error="The worker stopped while sending; it may or may not have gone out.",
        )
    failed = stale.filter(attempts__gte=settings.MESSAGES_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED,
        claim_token="",
        last_error="The worker stopped before the server accepted it, too many times.",
    )
    return failed + stale.update(
        status=MessageStatus.PENDING,
        claim_token="",
        last_error="The worker stopped before the server accepted it; sending again.",
    )


def messages_send_due(*, fan_out: int = 0, budget: float | None = None) -> int:
    """Send every pending message that is due, in chunks. Returns how many were sent.

    ``fan_out``: when a full chunk is found, enqueue that many helper tasks so that several
    workers share a large batch. ``budget``: stop after that many seconds and enqueue a
    follow-up, so a long batch never reaches the task timeout.
    Side effects: stale rows recovered first (``messages_recover_stale``); rows sent.
    """
    with _without_flush_wait():
        messages_woken()
        messages_recover_stale()
        started = time.monotonic()
        sent = 0
        outbox = None
        # Claim fewer rows at once when a chunk could not be written within the hold (slow
        # server, busy machine): every claim then makes progress, and none is left stranded.
        limit = CHUNK
        try:
            while True:
                held_until = _lease_end()
                token, rows = messages_claim(limit=limit)
                if not rows:
                    break
                if fan_out and len(rows) == CHUNK:
                    from django_q.tasks import async_task

                    for _ in range(fan_out):
                        async_task("registration.messaging.tasks.send_due_messages", helper=True)
                    fan_out = 0
                outbox = outbox or _outbox()
                done, cut_short = _send_claimed(outbox, rows, token, held_until)
                sent += done
                if cut_short:
                    if not done and limit == 1:
                        logger.warning(
                            "no message could be sent within half of MESSAGES_SENDING_LEASE"
                        )
                        break
                    limit = max(done, 1)
                if budget is not None and time.monotonic() - started > budget:
                    from django_q.tasks import async_task

                    async_task("registration.messaging.tasks.send_due_messages")
                    break
        finally:
            if outbox is not None:
                outbox.close()
        return sent
