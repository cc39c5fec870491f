"""An organiser creates a programme and an event under it in Wagtail's admin: the programme
becomes theirs (organiser role on it, listed under the events index), the event under it
too, and another organiser of the programme may edit both."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import EventPage, ProgrammePage
from registration.models.registrations import EventRole, StaffRole
from registration.programmes.models import ProgrammeRole
from registration.programmes.permissions import programme_role_assign
from tests.cms.conftest import event_form_data, make_event
from tests.factories import StaffUserFactory
from tests.registration.programmes.staff_helpers import DAY1, index_create

pytestmark = pytest.mark.django_db


def programme_form_data(**fields) -> dict:
    data = {
        "title": "Mentoring for women in border services",
        "slug": "mentoring",
        "kind": "programme",
        "subtitle": "",
        "start_date": DAY1.isoformat(),
        "end_date": DAY1.replace(month=12).isoformat(),
        "description": rich_text("<p>Nine months</p>"),
        "objectives": rich_text(""),
        "target_audience": rich_text(""),
        "contact_name": "",
        "contact_email": "",
        "organisers": inline_formset([]),
        "stages": inline_formset([]),
        "completion_percent": "80",
        "completion_needs_final": "on",
        "certificate_signatory": "",
        **fields,
    }
    return nested_form_data(data)


def test_organiser_creates_a_programme_and_an_event_under_it(client):
    index = index_create()
    other_event = make_event(index, title="Unrelated seminar", slug="unrelated")
    organiser = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=other_event)
    client.force_login(organiser)

    url = reverse("wagtailadmin_pages:add", args=["cms", "programmepage", index.pk])
    response = client.post(url, programme_form_data())
    assert response.status_code == 302, response.context["form"].errors
    programme = ProgrammePage.objects.get(slug="mentoring")
    assert programme.owner == organiser
    assert ProgrammeRole.objects.filter(
        user=organiser, programme=programme, role=StaffRole.ORGANISER
    ).exists()
    listing = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()
    assert "Mentoring for women in border services" in listing
    assert "Unrelated seminar" in listing  # their own event still listed

    draft = EventPage(
        title="Opening session",
        slug="opening",
        start_date=DAY1,
        end_date=DAY1,
        time_zone="Europe/Kyiv",
        locale=index.locale,
    )
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", programme.pk])
    response = client.post(url, event_form_data(draft))
    assert response.status_code == 302, response.context["form"].errors
    event = EventPage.objects.get(slug="opening")
    assert event.get_parent().pk == programme.pk
    assert EventRole.objects.filter(user=organiser, event=event, role="organiser").exists()

    # A second organiser given the role on the programme edits and publishes both pages.
    colleague = StaffUserFactory()
    programme_role_assign(user=colleague, programme=programme, role=StaffRole.ORGANISER)
    assert programme.permissions_for_user(colleague).can_publish()
    assert EventPage.objects.get(pk=event.pk).permissions_for_user(colleague).can_publish()
    client.force_login(colleague)
    listing = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()
    assert "Mentoring for women in border services" in listing
    # ... but an organiser of another event only may not edit the programme.
    stranger = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=other_event)
    assert not programme.permissions_for_user(stranger).can_edit()
    client.force_login(stranger)
    listing = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()
    assert "Mentoring for women in border services" not in listing
