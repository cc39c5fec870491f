"""A real SMTP server on loopback (aiosmtpd) for the outbox tests, the worker tests and the
bench: it keeps every accepted message and refuses the addresses it is told to refuse."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

REFUSAL = "550 5.1.1 Recipient address rejected: User unknown"
#: What the server answers for a "busy" address before it hangs up (a transient failure).
BUSY = "421 4.7.0 Try again later, closing connection"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """What the server accepted: envelope recipients and the raw message."""

    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Handler:
    refuse: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return REFUSAL
        if address.lower() in self.busy:
            return BUSY
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def invites_by_recipient(self) -> dict[str, int]:
        """Distinct messages (by Message-ID) per recipient: what a mailbox shows, since a copy
        re-delivered after a crash carries the same Message-ID and collapses into one."""
        seen: dict[str, set[str]] = {}
        with self.lock:
            for item in self.received:
                for rcpt in item.rcpt_tos:
                    seen.setdefault(rcpt, set()).add(item.message["Message-ID"])
        return {rcpt: len(ids) for rcpt, ids in seen.items()}

    def count_by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for item in self.received:
                for rcpt in item.rcpt_tos:
                    counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


@contextmanager
def smtp_server(
    *, refuse: set[str] | None = None, busy: set[str] | None = None
) -> Iterator[tuple[Handler, int]]:
    """Run aiosmtpd on 127.0.0.1 and a free port; yield the handler and the port."""
    handler = Handler(
        refuse={a.lower() for a in refuse or ()}, busy={a.lower() for a in busy or ()}
    )
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict:
    """``override_settings`` keyword arguments that send through the test server."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
