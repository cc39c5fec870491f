"""E-mail backend for the demo: print every message in the terminal and keep it as a file.

``make demo`` uses it (DEBUG only): a person trying the site reads what was sent in the
terminal, decoded (Cyrillic stays readable), and opens the ``.eml`` files kept in
``EMAIL_FILE_PATH`` (``sent-mail/`` by default) with any mail program.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class ConsoleAndFileBackend(BaseEmailBackend):
    """Print To/Subject/text of each message, and write it to ``<EMAIL_FILE_PATH>/*.eml``."""

    _lock = threading.Lock()

    def __init__(self, fail_silently: bool = False, file_path: str | None = None, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)
        self.stream = kwargs.get("stream") or sys.stdout

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            with self._lock:
                self.stream.write(
                    f"\n{'=' * 72}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n"
                    f"Saved as: {path}\n{'-' * 72}\n{message.body}\n{'=' * 72}\n"
                )
                self.stream.flush()
            sent += 1
        return sent
