"""The scan's round trips are pinned: a check-in at the door is one locked read and one insert
after the request's own session and login work (issue 19)."""

import json

import pytest
from django.urls import reverse

from registration.checkin.models import CheckIn
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import event_today, nonce, staff_create

pytestmark = pytest.mark.django_db

#: session, user, OTP device, user and group permissions (admin access), Wagtail user
#: profile; the event with its locale and the role check (one query); SAVEPOINT (BEGIN in
#: production), the registration locked, SAVEPOINT, INSERT, RELEASE, RELEASE (COMMIT).
SCAN_QUERIES = 13


def _scan(client, event, token, scan_nonce):
    return client.post(
        reverse("checkin_admin:scan", args=[event.pk]),
        data=json.dumps({"token": token, "nonce": scan_nonce}),
        content_type="application/json",
    )


def test_a_scan_is_one_locked_read_and_one_insert(client, django_assert_num_queries):
    event = event_today()
    checker = staff_create(event, "checkin")
    client.force_login(checker)
    _scan(client, event, RegistrationFactory(event=event).badge_token, nonce())  # warm
    registration = RegistrationFactory(event=event, given_name="Dana", family_name="Nurlanova")

    with django_assert_num_queries(SCAN_QUERIES) as captured:
        data = _scan(client, event, registration.badge_token, nonce()).json()

    assert (data["code"], data["level"]) == ("checked_in", "ok")
    assert data["message"].startswith("Checked in — Dana Nurlanova")
    assert CheckIn.objects.filter(registration=registration).count() == 1
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("FOR UPDATE" in q for q in sql) == (
        1 if captured.connection.vendor == "postgresql" else 0
    )
    assert sum(q.startswith("INSERT") for q in sql) == 1
    assert sum('FROM "registration_checkin"' in q for q in sql) == 0  # no read before insert


def test_replayed_scan_reads_the_row_only_on_conflict(client, django_assert_num_queries):
    event = event_today()
    checker = staff_create(event, "checkin")
    client.force_login(checker)
    registration = RegistrationFactory(event=event, given_name="Dana", family_name="Nurlanova")
    scan_nonce = nonce()
    first = _scan(client, event, registration.badge_token, scan_nonce).json()

    # The conflict costs a ROLLBACK TO SAVEPOINT and one read, nothing else.
    with django_assert_num_queries(SCAN_QUERIES + 2):
        again = _scan(client, event, registration.badge_token, scan_nonce).json()

    assert (again["code"], again["message"]) == (first["code"], first["message"])
    assert again["replayed"] is True
    assert again["participant"]["time"] == first["participant"]["time"]
    assert CheckIn.objects.filter(registration=registration).count() == 1
