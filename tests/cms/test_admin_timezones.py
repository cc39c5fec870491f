"""Date-times in the admin are typed and shown in the event's time zone, which the form names.

An organiser typing 09:00 for a Bishkek event means 09:00 in Bishkek (03:00 UTC), whatever
the server's or their own profile's zone; the event page and the edit form show 09:00 again.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.users.models import UserProfile

from cms.models import EventPage
from registration.reports.models import Survey
from tests.cms.conftest import event_form_data, make_event
from tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _edit_url(event: EventPage) -> str:
    return reverse("wagtailadmin_pages:edit", args=[event.pk])


def _publish(client, event: EventPage, **fields):
    data = event_form_data(event, **fields)
    data["action-publish"] = "action-publish"
    return client.post(_edit_url(event), data)


def _opens_day(event: EventPage) -> dt.date:
    """A day before the event (which starts a month after today), so registration is not
    open yet and the event page says when it opens."""
    return event.start_date - dt.timedelta(days=20)


def test_nine_oclock_for_a_bishkek_event_is_three_utc_and_shows_nine(admin_client, index):
    event = make_event(index, time_zone="Asia/Bishkek")
    day = _opens_day(event)

    response = _publish(admin_client, event, registration_opens=f"{day.isoformat()} 09:00")

    assert response.status_code == 302, response.context["form"].errors
    stored = EventPage.objects.get(pk=event.pk).registration_opens
    assert stored == dt.datetime.combine(day, dt.time(3, 0), tzinfo=UTC)
    page = admin_client.get(event.url)
    text = re.sub(r"\s+", " ", page.content.decode())
    assert f"Registration opens on {day.day} " in text
    assert re.search(r"Registration opens on [^<]*, 09:00\.", text), text
    form_page = admin_client.get(f"{event.url}register/")
    form_text = re.sub(r"\s+", " ", form_page.content.decode())
    assert re.search(r"Registration opens on [^<]*, 09:00\.", form_text), form_text


def test_editing_shows_the_stored_time_in_the_event_zone_and_names_it(admin_client, index):
    event = make_event(index, time_zone="Asia/Bishkek")
    day = _opens_day(event)
    event.registration_opens = dt.datetime.combine(day, dt.time(3, 0), tzinfo=UTC)
    event.save_revision().publish()

    response = admin_client.get(_edit_url(event))

    field = response.context["form"]["registration_opens"]
    assert field.value() == dt.datetime.combine(day, dt.time(9, 0))
    html = response.content.decode()
    assert f'value="{day.isoformat()} 09:00"' in html
    assert field.help_text == "Times in Bishkek time (UTC+06:00)."
    assert "Times in Bishkek time (UTC+06:00)." in html
    assert '<option value="Asia/Bishkek" selected>Bishkek — Asia/Bishkek</option>' in html


def test_the_zone_chosen_in_the_same_form_is_the_one_used(admin_client, index):
    event = make_event(index, time_zone="Europe/Kyiv")
    day = _opens_day(event)

    response = _publish(
        admin_client,
        event,
        time_zone="Asia/Bishkek",
        registration_opens=f"{day.isoformat()} 09:00",
        registration_closes=f"{event.start_date.isoformat()} 18:30",
    )

    assert response.status_code == 302, response.context["form"].errors
    saved = EventPage.objects.get(pk=event.pk)
    assert saved.registration_opens == dt.datetime.combine(day, dt.time(3, 0), tzinfo=UTC)
    assert saved.registration_closes == dt.datetime.combine(
        event.start_date, dt.time(12, 30), tzinfo=UTC
    )


def test_summer_time_in_vienna_uses_each_days_own_offset(admin_client, index):
    # Clocks go forward in Vienna in the night to Sunday 31 March 2030.
    event = make_event(
        index,
        time_zone="Europe/Vienna",
        start_date=dt.date(2030, 4, 8),
        end_date=dt.date(2030, 4, 9),
    )

    response = _publish(
        admin_client,
        event,
        registration_opens="2030-03-30 09:00",
        registration_closes="2030-03-31 09:00",
    )

    assert response.status_code == 302, response.context["form"].errors
    saved = EventPage.objects.get(pk=event.pk)
    assert saved.registration_opens == dt.datetime(2030, 3, 30, 8, 0, tzinfo=UTC)
    assert saved.registration_closes == dt.datetime(2030, 3, 31, 7, 0, tzinfo=UTC)
    form = admin_client.get(_edit_url(event)).context["form"]
    assert form["registration_opens"].value() == dt.datetime(2030, 3, 30, 9, 0)
    assert form["registration_closes"].value() == dt.datetime(2030, 3, 31, 9, 0)
    assert form["registration_opens"].help_text == "Times in Vienna time (UTC+01:00)."
    assert form["registration_closes"].help_text == "Times in Vienna time (UTC+02:00)."


def test_a_time_skipped_by_the_clocks_is_an_error_on_the_field(admin_client, index):
    event = make_event(
        index,
        time_zone="Europe/Vienna",
        start_date=dt.date(2030, 4, 8),
        end_date=dt.date(2030, 4, 9),
    )

    response = _publish(admin_client, event, registration_opens="2030-03-31 02:30")

    assert response.status_code == 200
    assert response.context["form"].errors["registration_opens"] == [
        "02:30 does not exist in Europe/Vienna: the clocks go forward that night. "
        "Choose a time an hour later."
    ]
    assert EventPage.objects.get(pk=event.pk).registration_opens is None


def test_the_staff_members_own_zone_does_not_change_what_is_stored(admin_client, admin_user, index):
    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    event = make_event(index, time_zone="Asia/Bishkek")
    day = _opens_day(event)

    response = _publish(admin_client, event, registration_opens=f"{day.isoformat()} 09:00")

    assert response.status_code == 302, response.context["form"].errors
    stored = EventPage.objects.get(pk=event.pk).registration_opens
    assert stored == dt.datetime.combine(day, dt.time(3, 0), tzinfo=UTC)


def test_new_event_form_says_times_are_in_the_events_zone(admin_client, index):
    response = admin_client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "eventpage", index.pk])
    )

    assert response.context["form"]["registration_opens"].help_text == (
        "Times in the event's time zone."
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(max_size=30))
def test_random_input_is_a_field_error_never_a_crash(admin_client, index, typed):
    event = EventPage.objects.filter(slug="random-input").first() or make_event(
        index, slug="random-input", time_zone="Asia/Bishkek"
    )

    response = _publish(admin_client, event, registration_opens=typed)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (
            "registration_opens" in response.context["form"].errors
            or response.context["form"].errors
        )


def test_survey_closes_at_is_in_the_chosen_events_zone(admin_client, index):
    event = make_event(index, time_zone="Asia/Bishkek")
    survey = SurveyFactory(event=event)
    url = reverse("surveys:edit", args=[survey.pk])
    form = admin_client.get(url).context["form"]
    assert form["closes_at"].help_text.startswith("Times in Bishkek time (UTC+06:00)")
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    for name in [name for name, value in data.items() if isinstance(value, dict)]:
        # A text in every language is one input per language (conference.language_texts).
        data.update({f"{name}_{code}": text for code, text in data.pop(name).items()})
    data.update(_inline_management(form))
    data["closes_at"] = f"{event.end_date.isoformat()} 18:00"
    data["event"] = str(event.pk)

    response = admin_client.post(url, {k: v for k, v in data.items() if v is not False})

    assert response.status_code == 302, response.context["form"].errors
    closes = Survey.objects.get(pk=survey.pk).closes_at
    assert closes == dt.datetime.combine(event.end_date, dt.time(12, 0), tzinfo=UTC)
    again = admin_client.get(url).context["form"]["closes_at"].value()
    assert again == dt.datetime.combine(event.end_date, dt.time(18, 0))


def _inline_management(form) -> dict:
    """POST data of the survey's question formset as it stands (the edit keeps them)."""
    data = {}
    for prefix, formset in form.formsets.items():
        data.update(
            {f"{prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        )
        for child in formset.forms:
            for name in child.fields:
                value = child[name].value()
                if value is None or value is False:
                    continue
                if isinstance(value, dict):  # a text in every language: one input each
                    data.update({f"{child.add_prefix(name)}_{c}": t for c, t in value.items()})
                    continue
                data[child.add_prefix(name)] = value
    return data
