"""The one way to enqueue work: after the surrounding transaction commits.

A task enqueued inside a transaction that later rolls back would run against rows that do not
exist; one enqueued before commit may run before the rows are visible to the worker.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_q.tasks import async_task


def enqueue_after_commit(func: str, *args: Any, **kwargs: Any) -> None:
    """Queue ``func`` (a dotted path) for django-q2 once the current transaction commits."""
    transaction.on_commit(lambda: async_task(func, *args, **kwargs))


def ping(value: str) -> str:
    """A trivial task used by the worker round-trip test and ``make demo``'s health check."""
    return f"pong:{value}"
