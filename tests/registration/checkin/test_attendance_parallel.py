"""Double submits at once: ten "I'm here" clicks and ten roster saves for one person on one
day leave one check-in. PostgreSQL only (SQLite serialises every writer and proves nothing)."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection, connections

from registration.checkin.attendance import checkin_self, roster_mark
from registration.checkin.models import CheckIn
from tests.factories import EventPageFactory, SessionFactory
from tests.registration.checkin.checkin_factories import aigerim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
DAY = dt.date(2027, 3, 1)
CLICKS = 10


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")


def _at_once(work) -> list[BaseException]:
    barrier = threading.Barrier(CLICKS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(n)
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_self_checkins_and_roster_marks_make_one_row():
    event = EventPageFactory(
        start_date=DAY, end_date=DAY, time_zone="Europe/Kyiv", format="online", translations=()
    )
    SessionFactory(page=event, day=DAY, start_time=dt.time(10), end_time=dt.time(13))
    registration = aigerim(event)

    clicked = _at_once(
        lambda n: checkin_self(
            registration=registration, now=dt.datetime(2027, 3, 1, 10, n, tzinfo=KYIV)
        )
    )
    assert clicked == []
    assert CheckIn.objects.count() == 1

    marked = _at_once(
        lambda n: roster_mark(
            event=event,
            registration=registration,
            day=DAY,
            arrived=dt.time(10, 30),
            left=dt.time(12, 0),
            by=None,
        )
    )
    assert marked == []
    row = CheckIn.objects.get()
    assert (row.at, row.left_at, row.source) == (
        dt.datetime(2027, 3, 1, 10, 30, tzinfo=KYIV),
        dt.datetime(2027, 3, 1, 12, 0, tzinfo=KYIV),
        "roster",
    )
