"""Structured logs: one JSON object per line when ``LOG_FORMAT=json``.

A log collector (journald, Loki, CloudWatch, ELK) then reads fields instead of parsing
text. A dozen lines of the standard library do it; a dependency (python-json-logger) would
add nothing we use. Records carry what the code logged: the project never logs personal
data in a message or a label (see README, "Personal data and security").
"""

from __future__ import annotations

import datetime as dt
import json
import logging

#: Attributes every LogRecord has; anything else was passed in ``extra=`` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time (UTC, ISO 8601), level, logger, message,
    the ``extra`` fields, and the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
