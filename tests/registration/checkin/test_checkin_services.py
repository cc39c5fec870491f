"""checkin_perform and checkin_sync against a real database: every outcome, no stray rows."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from registration.checkin.models import CheckIn
from registration.checkin.services import CheckInError, checkin_perform, checkin_sync
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import (
    aigerim,
    event_today,
    nonce,
    staff_create,
    today_in,
)

pytestmark = pytest.mark.django_db

#: Queries of one scan, and of a refused second scan, whatever the event's size. A scan is
#: BEGIN, the locked read, SAVEPOINT, INSERT, RELEASE, COMMIT (no read before the insert); a
#: second scan that day pays on conflict: ROLLBACK TO and RELEASE of the savepoint, one read of
#: the existing row, and the outer rollback (issue 19: the common case is the new scan).
SCAN_QUERIES = 6
REFUSAL_QUERIES = 9


@pytest.fixture
def event(db):
    return event_today()


@pytest.fixture
def staff(event):
    return staff_create(event, "checkin")


def test_checkin_perform_confirmed_participant_is_checked_in(event, staff):
    registration = aigerim(event)

    result = checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())

    assert result.code == "checked_in"
    assert result.message == (
        "Checked in — Aigerim Sadykova, Ministry of Internal Affairs, Kazakhstan "
        "— listens in Russian"
    )
    row = CheckIn.objects.get()
    assert result.participant == {
        "name": "Aigerim Sadykova",
        "organisation": "Ministry of Internal Affairs",
        "country": "Kazakhstan",
        "language": "Russian",
        "assistance": False,
        "assistance_needs": [],
        "time": timezone.localtime(row.at, event.tz).strftime("%H:%M"),
        "time_zone": event.tz_label,
    }
    assert (row.registration, row.by, row.day) == (registration, staff, event.start_date)


def test_checkin_perform_names_the_assistance_asked_for_and_nothing_else_personal(event, staff):
    registration = aigerim(
        event,
        access_needs=["wheelchair", "sign_language", "other"],
        access_needs_other="Seat near the door",
        email="secret@example.org",
        dietary=["halal"],
    )

    result = checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())

    needs = ["Wheelchair access", "Sign language interpretation", "Seat near the door"]
    assert result.participant["assistance"] is True
    assert result.participant["assistance_needs"] == needs
    assert result.message.endswith("— asked for: " + ", ".join(needs))
    payload = str(result.as_json())
    for private in ("secret@example.org", "wheelchair", "sign_language", "female", "halal"):
        assert private not in payload


def test_checkin_perform_assistance_in_the_staff_language(event, staff):
    registration = aigerim(event, access_needs=["wheelchair", "hearing_loop"])

    with translation.override("ru"):
        result = checkin_perform(
            event=event, token=registration.badge_token, by=staff, nonce=nonce()
        )

    assert result.participant["assistance_needs"] == [
        "Доступ для инвалидной коляски",
        "Индукционная петля",
    ]


def test_checkin_perform_second_scan_same_day_is_already_checked_in(event, staff):
    registration = aigerim(event)
    first = checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())
    local = timezone.localtime(first.checkin.at, event.tz).strftime("%H:%M")

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())

    assert info.value.code == "already_checked_in"
    assert info.value.level == "warning"
    assert info.value.message.startswith(
        f"Already checked in today at {local} (Almaty) by Anna Petrenko — Aigerim Sadykova"
    )
    assert info.value.participant["time"] == local
    assert CheckIn.objects.count() == 1


def test_checkin_perform_same_person_on_two_devices_counts_once(event, staff):
    registration = aigerim(event)
    other = staff_create(event, "checkin", first_name="Oleh", last_name="Bondar")
    checkin_perform(
        event=event, token=registration.badge_token, by=staff, nonce=nonce(), device="phone"
    )

    with pytest.raises(CheckInError) as info:
        checkin_perform(
            event=event, token=registration.badge_token, by=other, nonce=nonce(), device="laptop"
        )

    assert info.value.code == "already_checked_in"
    assert CheckIn.objects.filter(registration=registration).count() == 1


def test_checkin_perform_replayed_nonce_returns_first_result_and_writes_nothing(event, staff):
    registration = aigerim(event)
    scan_nonce = nonce()
    first = checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=scan_nonce)

    again = checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=scan_nonce)

    assert (again.code, again.replayed, again.checkin.pk) == ("checked_in", True, first.checkin.pk)
    assert CheckIn.objects.count() == 1


def test_checkin_perform_next_day_is_a_new_check_in(event, staff):
    registration = aigerim(event)
    checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())

    checkin_perform(
        event=event, token=registration.badge_token, by=staff, nonce=nonce(), day=event.end_date
    )

    assert sorted(CheckIn.objects.values_list("day", flat=True)) == event.days


@pytest.mark.parametrize(
    ("status", "code", "level"),
    [
        ("waitlisted", "waitlisted", "warning"),
        ("cancelled", "cancelled", "error"),
        ("declined", "declined", "error"),
        ("awaiting_approval", "not_confirmed", "warning"),
    ],
)
def test_checkin_perform_unconfirmed_registration_is_refused(event, staff, status, code, level):
    registration = aigerim(event, status=status)

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())

    assert (info.value.code, info.value.level) == (code, level)
    assert "Aigerim Sadykova" in info.value.message
    assert CheckIn.objects.count() == 0


def test_checkin_perform_badge_of_another_event_is_refused(event, staff):
    other_event = event_today(title="Another event", slug="another")
    stranger = RegistrationFactory(event=other_event, given_name="Ivan", family_name="Stranger")

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=stranger.badge_token, by=staff, nonce=nonce())

    assert info.value.code == "other_event"
    assert info.value.participant is None
    assert "Ivan" not in info.value.message
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    ["", "x", "not a token at all", "' OR 1=1 --", "é" * 43, "A" * 43, "A" * 500],
)
def test_checkin_perform_forged_token_is_unknown(event, staff, token):
    aigerim(event)

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=token, by=staff, nonce=nonce())

    assert info.value.code == "unknown_token"
    assert info.value.message == "Unknown badge: this code is not a badge of any registration."
    assert CheckIn.objects.count() == 0


def test_checkin_perform_truncated_token_is_unknown(event, staff):
    registration = aigerim(event)

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=registration.badge_token[:-3], by=staff, nonce=nonce())

    assert info.value.code == "unknown_token"
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("bad_nonce", ["", "short", "has spaces in it", "n" * 65])
def test_checkin_perform_malformed_nonce_is_bad_request(event, staff, bad_nonce):
    registration = aigerim(event)

    with pytest.raises(CheckInError) as info:
        checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=bad_nonce)

    assert info.value.code == "bad_request"
    assert CheckIn.objects.count() == 0


def test_checkin_perform_outside_event_days_is_refused(event, staff):
    registration = aigerim(event)

    with pytest.raises(CheckInError) as info:
        checkin_perform(
            event=event,
            token=registration.badge_token,
            by=staff,
            nonce=nonce(),
            day=event.end_date + dt.timedelta(days=1),
        )

    assert info.value.code == "not_event_day"
    assert info.value.level == "warning"
    assert "— Aigerim Sadykova, Ministry of Internal Affairs" in info.value.message
    assert info.value.participant["name"] == "Aigerim Sadykova"
    assert CheckIn.objects.count() == 0


def test_checkin_perform_day_is_the_event_local_day(db):
    # Kiritimati is UTC+14: for most of the UTC day its date is already tomorrow's.
    tz = "Pacific/Kiritimati"
    local_today = today_in(tz)
    event = event_today(time_zone=tz, start_date=local_today, end_date=local_today, slug="kiri")
    staff_member = staff_create(event, "checkin")
    registration = aigerim(event)

    checkin_perform(event=event, token=registration.badge_token, by=staff_member, nonce=nonce())

    assert CheckIn.objects.get().day == local_today


@pytest.mark.parametrize("size", [2, 20])
def test_checkin_perform_query_count_is_the_same_for_any_number_of_check_ins(
    event, staff, size, django_assert_num_queries
):
    for person in RegistrationFactory.create_batch(size, event=event):
        checkin_perform(event=event, token=person.badge_token, by=staff, nonce=nonce())
    registration = RegistrationFactory(event=event)

    with django_assert_num_queries(SCAN_QUERIES):
        checkin_perform(event=event, token=registration.badge_token, by=staff, nonce=nonce())


@pytest.mark.parametrize("size", [2, 20])
def test_checkin_perform_already_checked_in_query_count_is_the_same_for_any_size(
    event, staff, size, django_assert_num_queries
):
    registrations = RegistrationFactory.create_batch(size, event=event)
    for r in registrations:
        checkin_perform(event=event, token=r.badge_token, by=staff, nonce=nonce())

    with django_assert_num_queries(REFUSAL_QUERIES), pytest.raises(CheckInError):
        checkin_perform(event=event, token=registrations[-1].badge_token, by=staff, nonce=nonce())


def test_checkin_sync_replayed_batch_counts_once(event, staff):
    people = RegistrationFactory.create_batch(3, event=event)
    at = timezone.now() - dt.timedelta(minutes=10)
    scans = [{"token": p.badge_token, "nonce": nonce(), "at": at.isoformat()} for p in people]

    first = checkin_sync(event=event, scans=scans, by=staff)
    second = checkin_sync(event=event, scans=scans, by=staff)

    assert [r["code"] for r in first] == ["checked_in"] * 3
    assert [r["code"] for r in second] == ["checked_in"] * 3
    assert [r["replayed"] for r in second] == [True] * 3
    assert CheckIn.objects.count() == 3
    assert {c.at for c in CheckIn.objects.all()} == {at.replace(microsecond=at.microsecond)}


def test_checkin_sync_mixed_batch_reports_each_scan(event, staff):
    good = aigerim(event)
    cancelled = RegistrationFactory(event=event, status="cancelled")
    scans = [
        {"token": good.badge_token, "nonce": nonce(), "at": timezone.now().isoformat()},
        {"token": good.badge_token, "nonce": nonce(), "at": timezone.now().isoformat()},
        {"token": cancelled.badge_token, "nonce": nonce(), "at": timezone.now().isoformat()},
        {"token": "forged-token-forged-token", "nonce": nonce(), "at": timezone.now().isoformat()},
        {"token": good.badge_token, "nonce": nonce(), "at": "yesterday-ish"},
        "not a scan",
    ]

    results = checkin_sync(event=event, scans=scans, by=staff)

    assert [r["code"] for r in results] == [
        "checked_in",
        "already_checked_in",
        "cancelled",
        "unknown_token",
        "bad_request",
        "bad_request",
    ]
    assert CheckIn.objects.count() == 1


def test_checkin_sync_time_ahead_of_server_is_clamped_to_now(event, staff):
    registration = aigerim(event)
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()

    checkin_sync(
        event=event,
        scans=[{"token": registration.badge_token, "nonce": nonce(), "at": future}],
        by=staff,
    )

    assert CheckIn.objects.get().at <= timezone.now()


def test_checkin_sync_refuses_a_batch_that_is_not_a_list(event, staff):
    with pytest.raises(CheckInError) as info:
        checkin_sync(event=event, scans={"token": "x"}, by=staff)
    assert info.value.code == "bad_request"
