"""Demo check-ins: the past mentors' training has arrivals on both of its days; the summary
names the workshop that runs on the day the demo is loaded (``scan_today``), to scan at once.

The data is ``registration/checkin/demo.json``: who arrived (by e-mail), on which day of the
event and at what local time. Idempotent: every check-in has a fixed nonce derived from the
registration and the day, and rows that exist are left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cms import demo as cms_demo
from registration.checkin.models import CheckIn
from registration.demo import stdout_writer
from registration.models import Registration, RegistrationStatus

DATA = Path(__file__).with_name("demo.json")


@functools.cache
def content() -> dict[str, Any]:
    """``registration/checkin/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


@transaction.atomic
def load(*, write: Callable[[str], None] | None = None) -> None:
    """The data's check-ins of confirmed participants on the demo event's days (once).

    ``write`` takes one line of the summary (``load_demo`` passes its stdout).
    """
    write = write or stdout_writer()
    data = content()
    event = cms_demo.demo_events().get(data["event"])
    if event is None:
        return
    staff = get_user_model().objects.filter(username=data["by"]).first()
    people = {
        registration.email: registration
        for registration in Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED
        )
    }
    made = 0
    for row in data["check_ins"]:
        registration = people.get(row["email"])
        if registration is None:
            continue
        day = event.start_date + dt.timedelta(days=row["day"])
        at = dt.datetime.combine(day, dt.time.fromisoformat(row["at"]), tzinfo=event.tz)
        _row, created = CheckIn.objects.get_or_create(
            registration=registration,
            day=day,
            defaults={
                "at": at,
                "by": staff,
                "nonce": f"demo-{registration.pk}-{day:%Y%m%d}",
                "device": data["device"],
            },
        )
        made += created
    write(f"  Check-ins: {made} new on the mentors' training ({len(people)} confirmed).")
    _scan_today(data, write)


def _scan_today(data: dict[str, Any], write: Callable[[str], None]) -> None:
    """Say which demo event runs today, so the scanner can be tried at once."""
    event = cms_demo.demo_events().get(data.get("scan_today", ""))
    if event is None:
        return
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    write(
        f"  Check-in today: “{event.title}” ({event.city}, {event.start_date:%d %b}–"
        f"{event.end_date:%d %b}, {event.time_zone}), {confirmed} confirmed to scan: log in as "
        f"{data['by']} and open Check-in → Open scanner."
    )
