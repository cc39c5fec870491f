"""The scanner's admin URLs: JSON answers for every outcome, never a 500; roles."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from registration.checkin.models import CheckIn
from registration.checkin.services import badge_batch_build, badge_batch_create
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import aigerim, event_today, nonce, staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return event_today()


@pytest.fixture
def checker(event):
    return staff_create(event, "checkin")


def scan(client, event, token, scan_nonce=None, **extra):
    body = {"token": token, "nonce": scan_nonce or nonce(), **extra}
    return client.post(
        reverse("checkin_admin:scan", args=[event.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def test_scan_endpoint_checks_in_and_answers_in_json(client, event, checker):
    registration = aigerim(event)
    client.force_login(checker)

    response = scan(client, event, registration.badge_token)

    assert response.status_code == 200
    data = response.json()
    assert (data["code"], data["level"]) == ("checked_in", "ok")
    assert data["message"].startswith("Checked in — Aigerim Sadykova")
    assert set(data["participant"]) == {
        "name",
        "organisation",
        "country",
        "language",
        "assistance",
        "assistance_needs",
        "time",
        "time_zone",
    }
    assert CheckIn.objects.get().by == checker


def test_scan_endpoint_message_in_staff_language(client, event, checker):
    registration = aigerim(event)
    client.force_login(checker)
    profile = UserProfile.get_for_user(checker)
    profile.preferred_language = "ru"
    profile.save()

    data = scan(client, event, registration.badge_token).json()

    assert data["message"].startswith("Отмечен(а) — Aigerim Sadykova")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"token": 5, "nonce": "abcdefgh1234"}',
        b'{"token": "x", "nonce": 12}',
        b"\xff\xfe",
    ],
)
def test_scan_endpoint_malformed_body_is_400_json(client, event, checker, body):
    client.force_login(checker)

    response = client.post(
        reverse("checkin_admin:scan", args=[event.pk]), data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert CheckIn.objects.count() == 0


def test_scan_endpoint_bad_input_never_500_and_no_row(client, event, checker):
    cancelled = RegistrationFactory(event=event, status="cancelled")
    other = RegistrationFactory(event=event_today(slug="other-event", title="Other"))
    good = aigerim(event)
    client.force_login(checker)
    replay = nonce()

    codes = [
        scan(client, event, "forged" * 8).json()["code"],
        scan(client, event, good.badge_token[:20]).json()["code"],
        scan(client, event, other.badge_token).json()["code"],
        scan(client, event, cancelled.badge_token).json()["code"],
        scan(client, event, good.badge_token, replay).json()["code"],
        scan(client, event, good.badge_token, replay).json()["code"],
        scan(client, event, good.badge_token).json()["code"],
    ]

    assert codes == [
        "unknown_token",
        "unknown_token",
        "other_event",
        "cancelled",
        "checked_in",
        "checked_in",
        "already_checked_in",
    ]
    assert list(CheckIn.objects.values_list("registration", flat=True)) == [good.pk]


def test_sync_endpoint_replayed_batch_counts_once(client, event, checker):
    people = RegistrationFactory.create_batch(2, event=event)
    client.force_login(checker)
    scans = [
        {"token": p.badge_token, "nonce": nonce(), "at": "2020-01-01T00:00:00Z"} for p in people
    ]
    scans = [{**s, "at": None} for s in scans]
    scans = [{**s, "at": timezone.now().isoformat()} for s in scans]
    url = reverse("checkin_admin:sync", args=[event.pk])

    first = client.post(url, json.dumps({"scans": scans}), content_type="application/json")
    second = client.post(url, json.dumps({"scans": scans}), content_type="application/json")

    assert [r["code"] for r in first.json()["results"]] == ["checked_in", "checked_in"]
    assert [r["replayed"] for r in second.json()["results"]] == [True, True]
    assert CheckIn.objects.count() == 2
    bad = client.post(url, json.dumps({"scans": "nope"}), content_type="application/json")
    assert bad.status_code == 400


def test_search_returns_name_organisation_status_only(client, event, checker):
    aigerim(event, email="aigerim@example.org", phone="+77011234567")
    RegistrationFactory(event=event, given_name="Oleh", family_name="Bondar")
    client.force_login(checker)

    data = client.get(reverse("checkin_admin:search", args=[event.pk]), {"q": "sadyk"}).json()

    assert len(data["results"]) == 1
    row = data["results"][0]
    assert set(row) == {
        "name",
        "organisation",
        "status",
        "status_label",
        "token",
        "checked_in",
        "checked_in_label",
    }
    assert (row["name"], row["organisation"], row["status"]) == (
        "Aigerim Sadykova",
        "Ministry of Internal Affairs",
        "confirmed",
    )
    assert "aigerim@example.org" not in json.dumps(data)


def test_scan_query_count_constant(client, event, checker, django_assert_max_num_queries):
    client.force_login(checker)

    def count() -> int:
        registration = RegistrationFactory(event=event)
        with CaptureQueriesContext(connection) as ctx:
            assert scan(client, event, registration.badge_token).json()["code"] == "checked_in"
        return len(ctx.captured_queries)

    first = count()
    for _ in range(10):
        count()
    assert count() == first


# --- Roles ------------------------------------------------------------------------------


def denied(response) -> bool:
    """Refused: 403, or Wagtail's redirect to the dashboard with a "no permission" message."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"].split("?")[0] in ("/admin/", "/admin/login/")
    )


def test_scanner_open_to_checkin_staff_of_that_event_only(client, event, checker):
    other_event = event_today(slug="elsewhere", title="Elsewhere")
    client.force_login(checker)

    assert client.get(reverse("checkin_admin:scanner", args=[event.pk])).status_code == 200
    assert denied(client.get(reverse("checkin_admin:scanner", args=[other_event.pk])))
    stranger_badge = RegistrationFactory(event=other_event).badge_token
    response = scan(client, other_event, stranger_badge)
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_scanner_needs_a_role(client, event):
    nobody = staff_create(event)
    client.force_login(nobody)
    assert denied(client.get(reverse("checkin_admin:scanner", args=[event.pk])))


def test_checkin_staff_cannot_open_attendance_badges_or_downloads(client, event, checker):
    manager = staff_create(event, "registration_manager")
    aigerim(event)
    batch = badge_batch_create(event=event, by=manager, layout="a6")
    badge_batch_build(batch_id=batch.pk)
    client.force_login(checker)

    for url in (
        reverse("checkin_admin:attendance", args=[event.pk]),
        reverse("checkin_admin:attendance_json", args=[event.pk]),
        reverse("checkin_admin:badges", args=[event.pk]),
        reverse("checkin_admin:badge_progress", args=[batch.pk]),
        reverse("checkin_admin:badge_download", args=[batch.pk]),
    ):
        assert denied(client.get(url)), url
    client.force_login(manager)
    assert client.get(reverse("checkin_admin:attendance", args=[event.pk])).status_code == 200
    assert client.get(reverse("checkin_admin:badge_download", args=[batch.pk])).status_code == 200


def _admin_url_patterns():
    """Every named URL under /admin/ with its route, walking the resolver tree."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), p.name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns, "")
        if route.startswith("admin/")
    ]


PERSONAL = re.compile(r"registration|participant|export|attendance|badge|report|eventrole")


def test_checkin_staff_see_no_personal_data_anywhere_in_admin(client, event, checker):
    """Every admin URL about registrations, exports, reports or badges: refused, or at least
    without the participant's name or e-mail (whatever screens the other areas register)."""
    registration = aigerim(event, email="aigerim.private@example.org")
    client.force_login(checker)
    checked = []
    for route, name in _admin_url_patterns():
        if not PERSONAL.search(name) or "<str:" in route or "<path:" in route:
            continue
        url = "/" + re.sub(r"<int:[^>]+>", str(registration.pk), route)
        url = re.sub(r"<[^>]+>", str(registration.pk), url).replace("^", "").replace("$", "")
        for candidate in {url, "/" + re.sub(r"<[^>]+>", str(event.pk), route)}:
            response = client.get(candidate)
            body = (
                response.content.decode("utf-8", "replace") if hasattr(response, "content") else ""
            )
            assert "aigerim.private@example.org" not in body, candidate
            assert "Sadykova" not in body, candidate
            checked.append(candidate)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Sadykova" not in index.content.decode()
    assert any("attendance" in u for u in checked)
