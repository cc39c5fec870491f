"""What the upgrade check compares: every table's rows (count, hash of the sorted keys), the
content types, the django-q2 schedules and queued tasks.

Imported by ``old_side.py`` (under the old code) and ``smoke.py`` (under the new code): it
uses only Django's and django-q2's APIs, never the project's, so both layouts can run it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _text(value: Any) -> str:
    """A stable text of a column value (a memoryview's repr would name its address)."""
    return repr(bytes(value) if isinstance(value, memoryview) else value)


def table_state(table: str) -> dict[str, Any]:
    """Row count and a SHA-256 of the sorted primary keys of ``table`` (of the sorted whole
    rows for a table without a primary key, e.g. SQLite's full-text index). ``keys`` keeps
    the sorted keys themselves, so a difference can be named row by row."""
    with connection.cursor() as cursor:
        try:
            pk = connection.introspection.get_primary_key_columns(cursor, table) or []
        except Exception:  # noqa: BLE001 -- virtual tables (FTS) have no introspectable key
            pk = []
        columns = ", ".join(_quote(c) for c in pk) if pk else "*"
        cursor.execute(f"SELECT {columns} FROM {_quote(table)}")  # noqa: S608 -- our names
        rows = cursor.fetchall()
    keys = sorted(
        (row[0] if len(row) == 1 else list(row)) if pk else [_text(v) for v in row] for row in rows
    )
    text = json.dumps(keys, default=str, sort_keys=True)
    return {
        "count": len(rows),
        "pk": pk,
        "hash": hashlib.sha256(text.encode()).hexdigest(),
        "keys": json.loads(text),
    }


def tables_state() -> dict[str, dict[str, Any]]:
    """``table_state`` of every table in the database (views left out)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor, include_views=False)
    return {name: table_state(name) for name in sorted(names)}


def content_types_state() -> list[dict[str, Any]]:
    """Every content type row, with the table of its model (None: no such model here)."""
    from django.contrib.contenttypes.models import ContentType

    rows = []
    for ct in ContentType.objects.order_by("pk"):
        model = ct.model_class()
        rows.append(
            {
                "id": ct.pk,
                "app_label": ct.app_label,
                "model": ct.model,
                "db_table": model._meta.db_table if model else None,
                "proxy": bool(model and model._meta.proxy),
            }
        )
    return rows


def schedules_state() -> list[dict[str, Any]]:
    """django-q2 ``Schedule`` rows: id, name, func."""
    from django_q.models import Schedule

    return [
        {"id": s.pk, "name": s.name, "func": s.func}
        for s in Schedule.objects.order_by("pk").only("pk", "name", "func")
    ]


def queued_tasks() -> list[dict[str, Any]]:
    """Tasks waiting in the ORM broker, read with django-q2's own signing (as a worker would):
    id, func, args and kwargs (as text), or the error that kept the payload from loading."""
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    found = []
    for row in OrmQ.objects.order_by("pk"):
        entry: dict[str, Any] = {"id": row.pk, "key": row.key}
        try:
            task = SignedPackage.loads(row.payload)
        except Exception as exc:  # noqa: BLE001 -- reported, not raised
            entry["error"] = f"{type(exc).__name__}: {exc}"
        else:
            func = task.get("func")
            entry.update(
                func=func if isinstance(func, str) else repr(func),
                args=repr(task.get("args", ())),
                kwargs=repr(task.get("kwargs", {})),
            )
        found.append(entry)
    return found
