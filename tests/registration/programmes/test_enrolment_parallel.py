"""Parallel enrolments on PostgreSQL: a cohort's capacity holds, each enrolled person gets one
registration per event, a parallel double submit makes one enrolment.

PostgreSQL only (SQLite serialises every writer, so it proves nothing): each thread has its
own connection and its own transactions.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from registration.models import Registration
from registration.programmes.models import Enrolment
from registration.programmes.services.enrolment import EnrolmentError, enrolment_create
from tests.registration.programmes.enrol_helpers import enrol_data, programme_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 12
PLACES = 5


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")


def _run(count: int, work) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            results.append(work(n))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_parallel_enrolments_never_overfill_a_cohort():
    world = programme_world(translations=(), capacity_north=PLACES)

    def enrol(n: int):
        return enrolment_create(
            programme=world["programme"], cohort=world["north"], data=enrol_data(n), language="en"
        )

    results, errors = _run(PEOPLE, enrol)

    assert len(results) == PLACES
    assert [e.code for e in errors] == ["cohort_full"] * (PEOPLE - PLACES)
    assert all(isinstance(e, EnrolmentError) for e in errors)
    assert Enrolment.objects.filter(cohort=world["north"]).count() == PLACES
    # One registration per event of the cohort for each enrolled person, none for the others.
    per_event = Counter(Registration.objects.values_list("event_id", flat=True))
    events = (world["training"].pk, world["online"].pk, world["north_only"].pk)
    assert per_event == dict.fromkeys(events, PLACES)


def test_parallel_double_submit_makes_one_enrolment():
    world = programme_world(translations=())

    def enrol(_n: int):
        return enrolment_create(
            programme=world["programme"], cohort=world["south"], data=enrol_data(1), language="en"
        ).created

    results, errors = _run(6, enrol)

    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert Enrolment.objects.count() == 1
    assert Registration.objects.count() == 2
