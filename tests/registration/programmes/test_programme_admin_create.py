"""An organiser creates a programme page under the events index in Wagtail's admin (the
organisers' "add" permission on the index covers the new page type) and then its events."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import EventIndexPage, ProgrammePage
from registration.models.registrations import StaffRole
from tests.factories import EventPageFactory, HomePageFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    home = HomePageFactory()
    index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
    home.add_child(instance=index)
    index.save_revision().publish()
    return EventIndexPage.objects.get(pk=index.pk)


def test_organiser_creates_a_programme_under_the_events_index(client, index):
    event = EventPageFactory(parent=index, translations=())
    organiser = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=event)
    client.force_login(organiser)
    url = reverse("wagtailadmin_pages:add", args=["cms", "programmepage", index.pk])

    assert client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Pilot mentoring programme",
            "slug": "mentoring",
            "kind": "programme",
            "subtitle": "",
            "start_date": "2027-01-10",
            "end_date": "2027-09-30",
            "description": rich_text("<p>Nine months.</p>"),
            "objectives": rich_text(""),
            "target_audience": rich_text(""),
            "contact_name": "",
            "contact_email": "",
            "completion_percent": "80",
            "completion_needs_final": "on",
            "certificate_signatory": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            "organisers": inline_formset([]),
            "stages": inline_formset([]),
        }
    )
    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    programme = ProgrammePage.objects.get(slug="mentoring")
    assert programme.get_parent().pk == index.pk
    assert programme.owner == organiser
    # Its owner may add the programme's events under it.
    add_event = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", programme.pk])
    assert client.get(add_event).status_code == 200
