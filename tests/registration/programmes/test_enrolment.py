"""Enrolment in a programme: one registration per event of the cohort in one transaction,
the cohort's capacity, a repeat makes nothing, a full event leaves nothing half-saved."""

from __future__ import annotations

import pytest

from registration.messaging.models import Message
from registration.models import Registration
from registration.programmes.models import Enrolment, EnrolmentStatus
from registration.programmes.services.enrolment import (
    EnrolmentError,
    enrolment_confirm,
    enrolment_create,
    enrolment_withdraw,
)
from tests.factories import RegistrationFactory
from tests.registration.programmes.enrol_helpers import enrol_data, programme_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return programme_world(translations=())


def _rows():
    return (
        Enrolment.objects.count(),
        Registration.objects.count(),
        Message.objects.count(),
    )


def test_enrolment_registers_for_each_event_of_the_cohort_only(world):
    result = enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(), language="en"
    )

    assert result.created is True
    enrolment = result.enrolment
    assert (enrolment.cohort, enrolment.role) == (world["north"], "mentee")
    assert enrolment.region == "North"
    registrations = Registration.objects.filter(email_normalised="olena.1@example.org")
    assert sorted(r.event_id for r in registrations) == sorted(
        [world["training"].pk, world["online"].pk, world["north_only"].pk]
    )
    assert {r.status for r in registrations} == {"awaiting_email"}
    assert {r.role for r in registrations} == {"mentee"}


def test_south_cohort_is_not_registered_for_the_north_event(world):
    enrolment_create(
        programme=world["programme"], cohort=world["south"], data=enrol_data(), language="en"
    )

    events = set(Registration.objects.values_list("event_id", flat=True))
    assert events == {world["training"].pk, world["online"].pk}


def test_enrolment_sends_one_email_with_the_programme_link(world):
    enrolment_create(
        programme=world["programme"], cohort=world["south"], data=enrol_data(), language="en"
    )

    messages = list(Message.objects.all())
    assert [m.kind for m in messages] == ["programme_enrolled"]
    assert messages[0].to_email == "Olena.1@Example.org"
    assert "/programmes/me/" in messages[0].body_text
    # The e-mail is in the person's language (Ukrainian).
    assert "Підтвердіть" in messages[0].subject


def test_double_submit_returns_the_same_enrolment_and_writes_nothing(world):
    first = enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(), language="en"
    )
    before = _rows()

    again = enrolment_create(
        programme=world["programme"],
        cohort=world["south"],
        data=enrol_data(email=" OLENA.1@example.org "),
        language="en",
    )

    assert again.created is False
    assert again.enrolment.pk == first.enrolment.pk
    assert _rows() == before


def test_full_cohort_is_refused_and_nothing_is_written():
    world = programme_world(translations=(), capacity_north=1)
    enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(1), language="en"
    )
    before = _rows()

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            programme=world["programme"], cohort=world["north"], data=enrol_data(2), language="en"
        )

    assert error.value.code == "cohort_full"
    assert _rows() == before


def test_full_event_leaves_nothing_half_saved(world):
    online = world["online"]
    online.capacity = 1
    online.save()
    RegistrationFactory(event=online, status="confirmed")
    before = _rows()

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            programme=world["programme"], cohort=world["north"], data=enrol_data(), language="en"
        )

    assert error.value.code == "event_full"
    assert "Monthly online session" in str(error.value.message)
    # The training (earlier in the loop than the online session) was not kept either.
    assert _rows() == before


def test_closed_programme_refuses_the_public_but_not_staff(admin_user):
    world = programme_world(translations=(), enrolment_open=False)
    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            programme=world["programme"], cohort=world["south"], data=enrol_data(), language="en"
        )
    assert error.value.code == "closed"

    result = enrolment_create(
        programme=world["programme"],
        cohort=world["south"],
        data=enrol_data(programme_role="mentor"),
        language="en",
        by=admin_user,
    )
    assert (result.created, result.enrolment.role) == (True, "mentor")


def test_public_cannot_enrol_as_mentor(world):
    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            programme=world["programme"],
            cohort=world["south"],
            data=enrol_data(programme_role="mentor"),
            language="en",
        )
    assert error.value.code == "role_not_public"
    assert Enrolment.objects.count() == 0


def test_an_existing_registration_for_an_event_is_kept(world):
    earlier = RegistrationFactory(
        event=world["training"], email="olena.1@example.org", status="confirmed"
    )

    enrolment_create(
        programme=world["programme"], cohort=world["south"], data=enrol_data(), language="en"
    )

    assert Registration.objects.filter(event=world["training"]).count() == 1
    earlier.refresh_from_db()
    assert earlier.status == "confirmed"


def test_confirm_confirms_every_registration_once(world):
    enrolment = enrolment_create(
        programme=world["programme"], cohort=world["south"], data=enrol_data(), language="en"
    ).enrolment

    assert enrolment_confirm(enrolment=enrolment) == 2
    assert enrolment_confirm(enrolment=enrolment) == 0

    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses == {"confirmed"}
    assert Message.objects.filter(kind="confirmed").count() == 2


def test_withdraw_cancels_the_registrations_and_frees_the_cohort_place():
    world = programme_world(translations=(), capacity_north=1)
    enrolment = enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(1), language="en"
    ).enrolment

    enrolment_withdraw(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    second = enrolment_create(
        programme=world["programme"], cohort=world["north"], data=enrol_data(2), language="en"
    )
    assert second.created is True
