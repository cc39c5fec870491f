"""50 people register at once for 20 places: exactly 20 confirmed, 30 on the waiting list.

Runs on PostgreSQL only (SQLite serialises every writer, so it cannot overbook and proves
nothing): each thread has its own database connection and its own transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.models import Registration
from registration.services.registrations import registration_confirm_email, registration_create
from tests.registration.registration_helpers import event_create, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 50
PLACES = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")


def test_fifty_parallel_registrations_for_twenty_places():
    event = event_create(capacity=PLACES, translations=())
    barrier = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            result = registration_create(event=event, data=person(n), language="en")
            registration_confirm_email(registration=result.registration)
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("confirmed") == PLACES
    assert statuses.count("waitlisted") == PEOPLE - PLACES
    assert len(statuses) == PEOPLE
    assert Message.objects.filter(kind="confirmed").count() == PLACES
    assert Message.objects.filter(kind="waitlisted").count() == PEOPLE - PLACES
    # Registrations write their e-mail row before taking the lock, for the outcome they
    # expect; those that lost the last places to a parallel one must be rewritten as waiting
    # list rows, and the sender renders each with its own text.
    assert messages_send_due() == Message.objects.count()
    subjects = {
        kind: set(Message.objects.filter(kind=kind).values_list("subject", flat=True))
        for kind in ("confirm_email", "waitlisted")
    }
    assert len(subjects["waitlisted"]) == 1
    assert len(subjects["confirm_email"]) == 1
    assert subjects["waitlisted"] != subjects["confirm_email"]


def test_parallel_double_submit_of_one_address_makes_one_registration():
    event = event_create(capacity=PLACES, translations=())
    barrier = threading.Barrier(10)
    created: list[bool] = []
    errors: list[BaseException] = []

    def register() -> None:
        try:
            barrier.wait(timeout=60)
            created.append(registration_create(event=event, data=person(1), language="en").created)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(created) == [False] * 9 + [True]
    assert Registration.objects.filter(event=event).count() == 1
    assert Message.objects.count() == 1
