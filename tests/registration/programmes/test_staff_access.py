"""Who sees which programme in the admin: the "Programmes" menu, the index and the overview
of a programme are scoped to the programmes where the user holds a role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from registration.models.registrations import EventRole, StaffRole
from registration.programmes.permissions import programme_for_staff, programmes_for
from tests.factories import StaffUserFactory
from tests.registration.programmes.staff_helpers import (
    cohort_create,
    enrol,
    programme_create,
    programme_event,
    programme_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = programme_create(title="Programme Alpha")
    b = programme_create(title="Programme Bravo")
    event_a = programme_event(a, title="Alpha opening")
    cohort_b = cohort_create(b, code="bravo-1", capacity=20)
    enrol(b, "secret.bravo@example.org", cohort=cohort_b, given="Zinaida", family="Bravosecret")
    organiser_a = programme_staff(a, StaffRole.ORGANISER)
    return {"a": a, "b": b, "event_a": event_a, "organiser_a": organiser_a, "cohort_b": cohort_b}


def test_menu_shows_programmes_only_to_programme_staff(client, world):
    client.force_login(world["organiser_a"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("programmes_admin:index") in body

    other = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=world["event_a"])
    # An event role alone is no programme role.
    client.force_login(other)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("programmes_admin:index") not in body


def test_index_lists_only_the_users_programmes(client, world):
    client.force_login(world["organiser_a"])
    body = client.get(reverse("programmes_admin:index")).content.decode()
    assert "Programme Alpha" in body
    assert "Programme Bravo" not in body


def test_organiser_of_a_cannot_open_bs_screens(client, world):
    client.force_login(world["organiser_a"])
    b = world["b"]
    for name, args in [
        ("programmes_admin:overview", [b.pk]),
        ("programmes_admin:cohorts", [b.pk]),
        ("programmes_admin:cohort_edit", [b.pk, world["cohort_b"].pk]),
        ("programmes_admin:enrolments", [b.pk]),
        ("programmes_admin:enrolment_add", [b.pk]),
    ]:
        response = client.get(reverse(name, args=args), follow=True)
        # Wagtail turns the guard's 403 into "Sorry, you do not have permission" on the
        # dashboard.
        assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)], name
        assert "Bravosecret" not in response.content.decode()
    # B's cohort through A's programme id: not found.
    response = client.get(
        reverse("programmes_admin:cohort_edit", args=[world["a"].pk, world["cohort_b"].pk]),
        follow=True,
    )
    assert response.status_code == 404


def test_overview_lists_cohorts_and_enrolments_for_bs_staff(client, world):
    manager = programme_staff(world["b"], StaffRole.REGISTRATION_MANAGER)
    client.force_login(manager)
    response = client.get(reverse("programmes_admin:overview", args=[world["b"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "bravo-1" in body
    assert "Bravosecret Zinaida" in body


def test_role_on_programme_gives_the_role_on_its_events_now_and_later(world):
    organiser = world["organiser_a"]
    assert EventRole.objects.filter(
        user=organiser, event=world["event_a"], role=StaffRole.ORGANISER
    ).exists()
    later = programme_event(world["a"], title="Alpha closing")
    assert EventRole.objects.filter(user=organiser, event=later, role=StaffRole.ORGANISER).exists()


def test_guard_answers_404_for_unknown_and_403_without_role(world):
    with pytest.raises(Http404):
        programme_for_staff(world["organiser_a"], 999999, (StaffRole.ORGANISER,))
    with pytest.raises(PermissionDenied):
        programme_for_staff(world["organiser_a"], world["b"].pk, (StaffRole.ORGANISER,))
    assert list(programmes_for(world["organiser_a"])) == [world["a"]]


def test_overview_shows_hours_and_links_to_the_programme_screens(client, world):
    client.force_login(world["organiser_a"])
    response = client.get(reverse("programmes_admin:overview", args=[world["a"].pk]))
    body = response.content.decode()
    assert reverse("programmes_admin:cohorts", args=[world["a"].pk]) in body
    assert reverse("programmes_admin:enrolments", args=[world["a"].pk]) in body
    assert reverse("programmes_admin:roles", args=[world["a"].pk]) in body
    assert reverse("programmes_admin:report", args=[world["a"].pk]) in body


def test_administrator_gives_and_takes_a_programme_role_organisers_only_look(
    client, admin_user, world
):
    a = world["a"]
    person = StaffUserFactory(username="mentor.lead", email="lead@example.org")
    client.force_login(world["organiser_a"])
    url = reverse("programmes_admin:roles", args=[a.pk])
    assert "Petrenko" in client.get(url).content.decode()  # the organiser's own row
    client.post(url, {"account": "lead@example.org", "role": "registration_manager"})
    assert not programmes_for(person).exists()

    client.force_login(admin_user)
    response = client.post(url, {"account": "lead@example.org", "role": "registration_manager"})
    assert response.status_code == 302
    assert list(programmes_for(person)) == [a]
    assert EventRole.objects.filter(user=person, event=world["event_a"]).exists()

    row = person.programme_roles.get()
    client.post(url, {"remove": row.pk})
    assert not programmes_for(person).exists()
    assert not EventRole.objects.filter(user=person, event=world["event_a"]).exists()

    response = client.post(url, {"account": "nobody@example.org", "role": "checkin"})
    assert response.context["form"].errors == {
        "account": ["No active account has this user name or e-mail."]
    }
