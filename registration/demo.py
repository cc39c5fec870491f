"""Demo registrations and staff for ``manage.py load_demo`` (idempotent: a second run adds nothing).

The data is ``registration/demo.json``: one staff user per role (each gets that role on every
demo event), and 60 registrations across the three demo events, in every status, with names in
Latin and Cyrillic script and in English, Russian and Ukrainian. Registrations are written
directly, with the status history the data gives for their status, so that loading the demo
sends no e-mail; try the form to see the e-mails.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from cms import demo as cms_demo
from registration.models.registrations import (
    Registration,
    StaffRole,
    StatusChange,
    normalise_email,
)
from registration.permissions import event_role_assign, roles_sync_groups

DATA = Path(__file__).with_name("demo.json")


@functools.cache
def content() -> dict[str, Any]:
    """``registration/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def stdout_writer() -> Callable[[str], None]:
    """Write lines to standard output the way a management command does (no ``print``)."""
    return OutputWrapper(sys.stdout).write


def _staff(events: dict) -> list[tuple[str, str, str]]:
    """The staff users (made once), each with their role on every demo event."""
    user_model = get_user_model()
    logins = []
    for row in content()["staff"]:
        username, password = row["username"], row["password"]
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username,
                f"{username}@example.org",
                password,
                first_name=row["first_name"],
                last_name=row["last_name"],
            )
        for event in events.values():
            event_role_assign(user=user, event=event, role=row["role"])
        logins.append((username, password, str(StaffRole(row["role"]).label)))
    return logins


def _registrations(events: dict) -> int:
    """The data's registrations that are not there yet, each with its status history."""
    data = content()
    statuses = data["statuses"]
    confirm_after = dt.timedelta(minutes=data["email_confirmed_minutes_after"])
    made = 0
    for slug, rows in data["registrations"].items():
        event = events[slug]
        for row in rows:
            fields = dict(row)
            created = timezone.now() - dt.timedelta(days=fields.pop("days_ago"))
            if Registration.objects.filter(
                event=event, email_normalised=normalise_email(fields["email"])
            ).exists():
                continue
            status = statuses[fields["status"]]
            registration = Registration.objects.create(
                event=event,
                consent_version=data["consent_version"],
                consent_at=created,
                email_confirmed_at=created + confirm_after if status["email_confirmed"] else None,
                **fields,
            )
            Registration.objects.filter(pk=registration.pk).update(created_at=created)
            previous = ""
            for step in status["history"]:
                StatusChange.objects.create(
                    registration=registration,
                    from_status=previous,
                    to_status=step,
                    note="demo data",
                )
                previous = step
            made += 1
    return made


@transaction.atomic
def load(*, write: Callable[[str], None] | None = None) -> None:
    """Staff with roles on the demo events, and the demo registrations (once).

    ``write`` takes one line of the summary (``load_demo`` passes its stdout).
    """
    write = write or stdout_writer()
    events = cms_demo.demo_events()
    roles_sync_groups()
    logins = _staff(events)
    made = _registrations(events)
    write(f"  Registrations: {made} new, {Registration.objects.count()} in all.")
    # SITE_URL: the address `make demo PORT=…` serves at.
    write(f"  Staff logins ({settings.SITE_URL}/admin/), each with a role on every demo event:")
    for username, password, role in logins:
        write(f"    {role:<22} user: {username:<14} password: {password}")
    write("  E-mails the site sends are printed here and kept as .eml files in sent-mail/.")
