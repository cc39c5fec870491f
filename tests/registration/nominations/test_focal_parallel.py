"""Eight people nominated at once for four places: exactly four nominations, the others
refused with the quota sentence; one address nominated at once by two delegations: once.

PostgreSQL only (SQLite serialises every writer, so it cannot overfill and proves nothing):
each thread has its own database connection and its own transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from registration.nominations.models import Nomination
from registration.nominations.services.nominating import NominationError, nomination_create
from tests.registration.nominations.focal_helpers import (
    before_deadline,
    delegation_create,
    nominee,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")


def _at_once(calls: list) -> tuple[list[str], list[BaseException]]:
    """Run ``calls`` in parallel threads; the codes of ``NominationError``s and other errors."""
    barrier = threading.Barrier(len(calls))
    codes: list[str] = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=60)
            call()
        except NominationError as exc:
            codes.append(exc.code)
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return codes, errors


def test_eight_parallel_nominations_for_four_places():
    delegation = delegation_create(quota=4)
    now = before_deadline(delegation)

    codes, errors = _at_once(
        [
            lambda n=n: nomination_create(delegation=delegation, data=nominee(n), now=now)
            for n in range(1, 9)
        ]
    )

    assert errors == []
    assert codes == ["quota"] * 4
    assert Nomination.objects.filter(delegation=delegation).count() == 4


def test_one_address_nominated_at_once_by_two_delegations_is_kept_once():
    kyrgyz = delegation_create()
    tajik = delegation_create(kyrgyz.event, country="TJ", name="Republic of Tajikistan")
    now = before_deadline(kyrgyz)

    codes, errors = _at_once(
        [
            lambda d=d: nomination_create(delegation=d, data=nominee(1), now=now)
            for d in (kyrgyz, tajik)
        ]
    )

    assert errors == []
    assert codes == ["duplicate_elsewhere"]
    assert Nomination.objects.filter(event=kyrgyz.event).count() == 1
