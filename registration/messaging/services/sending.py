"""Sending the outbox: claim due rows, hand each to the mail server once, mark it SENT.

Sending claims rows (PENDING → SENDING with a fresh claim token, under a row lock) and hands
them to the mail server one by one over one connection. Over SMTP each row goes out with
smtplib's ``sendmail``, which returns once the server has answered the end of DATA: that
answer is the moment the row is marked SENT. A row is written only while this worker's hold
on its claim surely runs (checked just before ``sendmail``, see ``_lease_end``).

Delivery is at least once, never lost: a worker killed before the server's 250 leaves a row
in SENDING that is put back to PENDING after ``MESSAGES_SENDING_LEASE`` and sent again; a
worker killed in the short gap between the 250 and marking causes a second copy with the
*same* ``Message-ID`` (derived from the row), which mail clients and calendars collapse into
one. (Marking SENT before the end of DATA was tried first: a worker killed in that gap lost
the message — the fault test with 500 invites caught it.) With a backend that gives no such
guarantee (console, file, …) a stale row goes to ATTENTION for staff instead.

Transient failures retry with back-off (``send_after`` moves forward); after
``MESSAGES_MAX_ATTEMPTS`` tries, or at once when the server answers 5xx (a refused address),
the row is FAILED with the server's answer, and the others go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone
from django_q.tasks import async_task

from registration.messaging.models import Message, MessageStatus
from registration.messaging.services.outbox import (
    message_build_email,
    message_is_rendered,
    message_render_late,
    message_wire,
    messages_woken,
)

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
#: Rows claimed at once by one worker; small enough that a dead worker strands few.
CHUNK = 50
#: ``_Outcome.error`` of a row not written because this worker's hold on it ran out.
CLAIM_LOST = "claim lost"


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


def _wire_with_date(message: Message) -> bytes:
    """The stored e-mail (``Message.wire``) dated now: the one header not known when queued."""
    wire = bytes(message.wire) or message_wire(message)  # rows queued before ``wire``
    return b"Date: " + formatdate(usegmt=True).encode() + b"\r\n" + wire


class SmtpOutbox:
    """One SMTP connection, opened by Django's backend (TLS, login, timeout) and reused for a
    batch. Each row goes out with smtplib's ``sendmail`` (MAIL, RCPT, DATA, dot-stuffing),
    which returns after the server's answer to the end of DATA; the row is marked SENT then.
    """

    def __init__(self) -> None:
        self.backend: SmtpBackend | None = None
        self.sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def _smtp(self) -> smtplib.SMTP:
        if self.backend is None or self.backend.connection is None:
            backend = get_connection(SMTP_BACKEND, fail_silently=False)
            try:
                backend.open()
            except BaseException:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    backend.close()  # a connection opened but refused at TLS or login
                raise
            # Several small SMTP commands per message: without TCP_NODELAY, Nagle's algorithm
            # may hold one until the server's delayed ACK (~40 ms).
            backend.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.backend = backend
        return self.backend.connection

    def _drop(self) -> None:
        """Forget a connection that is broken or in an unknown state, without a QUIT."""
        if self.backend is not None and self.backend.connection is not None:
            self.backend.connection.close()
            self.backend.connection = None
        self.backend = None

    def _after_refusal(self) -> None:
        """A refusal leaves the connection usable, but not always at the start of a new
        transaction (smtplib resets after most refusals, not after one of DATA itself, and it
        hangs up after a 421): reset it, or drop it so that the next row opens a new one."""
        smtp = self.backend.connection if self.backend is not None else None
        if smtp is None or smtp.sock is None:
            self._drop()
            return
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def close(self) -> None:
        """Say QUIT (or just hang up when the server is gone)."""
        if self.backend is None:
            return
        try:
            self.backend.close()
        except (smtplib.SMTPException, OSError):
            self._drop()
        self.backend = None

    def deliver(self, message: Message, token: str, *, held_until: float) -> _Outcome:
        """Send one claimed row unless this worker's hold on it has run out; mark it SENT
        after the server's 250 to the end of DATA. Nothing is written once the hold ran out
        (``CLAIM_LOST``): another worker may take the row over from then on."""
        data = _wire_with_date(message)
        try:
            smtp = self._smtp()
            if time.monotonic() >= held_until:
                return _Outcome(False, CLAIM_LOST)
            smtp.sendmail(self.sender, [message.to_email], data)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
            self._after_refusal()
            return _smtp_error(exc)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return _smtp_error(exc)
        if not _mark_sent(message, token):
            logger.warning("message %s: claim lost after sending", message.pk)
        return _Outcome(True)


class BackendOutbox:
    """Any other Django backend (locmem in tests, console and files in the demo)."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = get_connection(fail_silently=False)

    def close(self) -> None:
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
def _without_flush_wait() -> Iterator[None]:
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
    that disagree and for the one ``sendmail`` under way. Checked before each row is
    written, instead of asking the database."""
    return time.monotonic() + settings.MESSAGES_SENDING_LEASE / 2


def _release(rows: list[Message], token: str) -> None:
    """Give back rows this worker claimed but did not write because its hold ran out.

    They surely did not go out (nothing of them was written), so they go straight back to
    PENDING, without the attempt, instead of sitting in SENDING until
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


def _send_claimed(
    outbox: SmtpOutbox | BackendOutbox, rows: list[Message], token: str, held_until: float
) -> tuple[int, bool]:
    """Send claimed rows in order, rendering first those queued unrendered (a new
    registration's e-mail, ``message_render_late``). Returns how many went out, and whether
    the hold ran out first (the rest are released, see ``_release``)."""
    sent = 0
    # Their registrations and events in two queries for the chunk, not two per row.
    prefetch_related_objects(
        [row for row in rows if not message_is_rendered(row)], "registration__event"
    )
    for index, row in enumerate(rows):
        if not message_is_rendered(row):
            try:
                message_render_late(row)
            except Exception as exc:  # a broken template must not stop the rest of the batch
                logger.exception("message %s could not be rendered", row.pk)
                _mark_failed(row, token, _Outcome(False, f"{type(exc).__name__}: {exc}"))
                continue
        outcome = outbox.deliver(row, token, held_until=held_until)
        if outcome.sent:
            sent += 1
        elif outcome.error == CLAIM_LOST:
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
                    async_task("registration.messaging.tasks.send_due_messages")
                    break
        finally:
            if outbox is not None:
                outbox.close()
        return sent
