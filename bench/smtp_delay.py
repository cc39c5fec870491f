"""A loopback SMTP server that answers each message after a delay, as a real relay does
(TLS, spam checks, a disk write: tens of milliseconds), so sending is I/O-bound as in
production. Every accepted message's Message-ID is appended to a log file, so the benchmark
can tell a message sent twice from one sent once.

``python -m bench.smtp_delay --port 2525 --delay 0.03 --log /tmp/ids.txt``
"""

from __future__ import annotations

import argparse
import asyncio
import email
from pathlib import Path

from aiosmtpd.controller import Controller


class DelayingHandler:
    def __init__(self, delay: float, log: Path) -> None:
        self.delay = delay
        self.log = log

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.log.open("a") as fh:
            fh.write(f"{message.get('Message-ID', '')}\n")
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.03)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(
        DelayingHandler(args.delay, args.log), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
