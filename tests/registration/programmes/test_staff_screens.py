"""The programme's cohort and enrolment screens, and an enrolment's part of the person's data
export and anonymisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration
from registration.models.audit import EventLogEntry
from registration.models.registrations import StaffRole
from registration.programmes.models import Certificate, Cohort, Enrolment, EnrolmentStatus
from registration.selectors.lifecycle import personal_data_export
from registration.services.lifecycle import registration_anonymise
from tests.factories import RegistrationFactory
from tests.registration.programmes.staff_helpers import (
    DAY1,
    cohort_create,
    enrol,
    programme_create,
    programme_event,
    programme_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = programme_create(title="Patrol police course")
    programme_event(programme, day=DAY1, title="Module 1")
    programme_event(programme, day=DAY1 + dt.timedelta(days=30), title="Module 2")
    return programme


def cohort_data(**fields) -> dict:
    return {
        "name_en": "Kharkiv, first class",
        "name_ru": "",
        "name_uk": "Харків, перший клас",
        "name_kk": "",
        "code": "kharkiv-1",
        "region": "Kharkiv",
        "capacity": "2",
        "trainers": "",
        **fields,
    }


def test_organiser_creates_a_cohort_with_its_own_event(client, programme):
    organiser = programme_staff(programme, StaffRole.ORGANISER)
    client.force_login(organiser)
    module2 = programme.source.get_children().specific().get(title="Module 2")
    url = reverse("programmes_admin:cohort_add", args=[programme.pk])
    form = client.get(url).content.decode()
    assert "Module 1" in form
    assert "Module 2" in form

    response = client.post(url, cohort_data(events=[module2.pk]))
    assert response.status_code == 302
    cohort = Cohort.objects.get(programme=programme, code="kharkiv-1")
    assert cohort.name == {"en": "Kharkiv, first class", "uk": "Харків, перший клас"}
    assert list(cohort.events.all()) == [module2]
    listing = client.get(reverse("programmes_admin:cohorts", args=[programme.pk]))
    assert "Kharkiv, first class" in listing.content.decode()


def test_cohort_form_refuses_a_taken_code_and_another_programmes_event_in_russian(
    client, programme
):
    cohort_create(programme, code="kharkiv-1")
    other = programme_create(title="Other programme")
    foreign = programme_event(other, title="Foreign module")
    organiser = programme_staff(programme, StaffRole.ORGANISER)
    client.force_login(organiser)
    url = reverse("programmes_admin:cohort_add", args=[programme.pk])
    response = client.post(url, cohort_data(events=[foreign.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"code", "events"}
    body = response.content.decode()
    assert "Другая группа этой программы уже использует этот код." in body
    assert Cohort.objects.filter(programme=programme).count() == 1


def test_capacity_cannot_go_below_the_enrolled(client, programme):
    cohort = cohort_create(programme, code="kharkiv-1", capacity=5)
    enrol(programme, "a@example.org", cohort=cohort)
    enrol(programme, "b@example.org", cohort=cohort)
    organiser = programme_staff(programme, StaffRole.ORGANISER)
    client.force_login(organiser)
    url = reverse("programmes_admin:cohort_edit", args=[programme.pk, cohort.pk])
    response = client.post(url, cohort_data(capacity="1"))
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    cohort.refresh_from_db()
    assert cohort.capacity == 5


def test_registration_manager_may_not_edit_cohorts(client, programme):
    manager = programme_staff(programme, StaffRole.REGISTRATION_MANAGER)
    client.force_login(manager)
    response = client.post(
        reverse("programmes_admin:cohort_add", args=[programme.pk]), cohort_data()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not Cohort.objects.exists()


def test_manager_enrols_a_person_who_is_registered_for_each_event(client, programme):
    cohort = cohort_create(programme, code="kharkiv-1", capacity=10)
    manager = programme_staff(programme, StaffRole.REGISTRATION_MANAGER)
    client.force_login(manager)
    url = reverse("programmes_admin:enrolment_add", args=[programme.pk])
    response = client.post(
        url,
        {
            "cohort": cohort.pk,
            "role": "mentor",
            "given_name": "Olena",
            "family_name": "Koval",
            "email": "olena.koval@example.org",
            "sex": "female",
            "organisation": "Patrol police of Kharkiv",
            "position": "Inspector",
            "region": "",
            "language": "uk",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    enrolment = Enrolment.objects.get(programme=programme)
    assert (enrolment.role, enrolment.cohort, enrolment.region) == ("mentor", cohort, "")
    assert Registration.objects.filter(email="olena.koval@example.org").count() == 2
    listing = client.get(
        reverse("programmes_admin:enrolments", args=[programme.pk]), {"q": "koval"}
    )
    assert "olena.koval@example.org" in listing.content.decode()
    assert EventLogEntry.objects.filter(action="programmes.enrolments_viewed").exists()

    response = client.post(
        reverse("programmes_admin:enrolment_withdraw", args=[programme.pk, enrolment.pk])
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_enrolment_list_filters_by_cohort_and_sorts_names_in_the_admins_language(client, programme):
    one = cohort_create(programme, code="one")
    two = cohort_create(programme, code="two")
    enrol(programme, "e@example.org", cohort=one, family="Ёлкина", given="Анна")
    enrol(programme, "z@example.org", cohort=one, family="Жукова", given="Ольга")
    enrol(programme, "x@example.org", cohort=two, family="Другая", given="Ира")
    manager = programme_staff(programme, StaffRole.REGISTRATION_MANAGER)
    client.force_login(manager)
    url = reverse("programmes_admin:enrolments", args=[programme.pk])
    body = client.get(url, {"cohort": one.pk}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Другая" not in body
    # Russian order: Ё right after Е, before Ж.
    assert body.index("Ёлкина") < body.index("Жукова")


def test_anonymising_the_last_registration_anonymises_the_enrolment(programme):
    module1, module2 = programme.source.get_children().specific().order_by("path")
    enrolment = enrol(programme, "olena@example.org", family="Koval", given="Olena")
    first = RegistrationFactory(event=module1, email="olena@example.org")
    second = RegistrationFactory(event=module2, email="olena@example.org")
    certificate = Certificate.objects.create(
        enrolment=enrolment, hours=Decimal("100"), issued_at=timezone.now()
    )

    export = personal_data_export(registration=first)
    assert export["programme_enrolment"]["family_name"] == "Koval"
    assert export["programme_enrolment"]["certificate"]["hours"] == "100.00"

    registration_anonymise(registration=first)
    enrolment.refresh_from_db()
    assert enrolment.anonymised_at is None  # Module 2 still holds their data

    registration_anonymise(registration=second)
    enrolment.refresh_from_db()
    second.refresh_from_db()
    assert enrolment.anonymised_at is not None
    assert (enrolment.given_name, enrolment.family_name) == ("Anonymised", "")
    assert enrolment.email == second.email  # the same placeholder
    assert enrolment.organisation == ""
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    # The address may enrol again (the uniqueness holds among the not anonymised).
    enrol(programme, "olena@example.org")


def _overview_queries(client, programme, count: int) -> int:
    cohort = Cohort.objects.filter(programme=programme).first() or cohort_create(programme)
    for i in range(Enrolment.objects.filter(programme=programme).count(), count):
        enrol(programme, f"person{i}@example.org", cohort=cohort, family=f"Family{i}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programmes_admin:overview", args=[programme.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Family") == 2 * count  # both tables list them
    return len(queries)


def test_overview_reads_a_constant_number_of_queries(client, programme):
    organiser = programme_staff(programme, StaffRole.ORGANISER)
    client.force_login(organiser)
    _overview_queries(client, programme, 1)  # warm the session and caches
    assert _overview_queries(client, programme, 2) == _overview_queries(client, programme, 8)
