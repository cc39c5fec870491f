"""The registration dashboard: right figures, each a link to exactly its people, per role."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from registration.dashboard.selectors import event_dashboard
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 12)
SIZES = [2, 20]


@pytest.fixture
def event():
    event = EventPageFactory(today=DAY, starts_in_days=0, length_days=3, capacity=10)
    people = {
        "pending": RegistrationFactory(event=event, awaiting_approval=True, family_name="Pending"),
        "unconfirmed": RegistrationFactory(
            event=event, awaiting_email=True, family_name="Unconfirmed"
        ),
        "waiting": RegistrationFactory(event=event, waitlisted=True, family_name="Waiting"),
        "ru": RegistrationFactory(event=event, interpretation_language="ru", family_name="Rulang"),
        "en": RegistrationFactory(event=event, interpretation_language="en", family_name="Enlang"),
        "none": RegistrationFactory(event=event, interpretation_language="", family_name="Nolang"),
        "cancelled": RegistrationFactory(
            event=event, cancelled=True, interpretation_language="ru", family_name="Gone"
        ),
    }
    CheckInFactory(registration=people["ru"], day=DAY)
    CheckInFactory(registration=people["en"], day=DAY + dt.timedelta(days=1))
    event.people = people
    return event


def test_dashboard_counts_each_figure(event):
    other = EventPageFactory(today=DAY)
    RegistrationFactory(event=other, awaiting_approval=True)

    dashboard = event_dashboard(event=event, today=DAY)

    assert dashboard.by_status == {
        "awaiting_email": 1,
        "awaiting_approval": 1,
        "confirmed": 3,
        "waitlisted": 1,
        "declined": 0,
        "cancelled": 1,
        "expired": 0,
    }
    assert dashboard.total == 7
    assert dashboard.held == 5
    assert dashboard.places_left == 5
    assert dashboard.awaiting_approval == 1
    assert dashboard.waitlisted == 1
    assert dashboard.email_unconfirmed == 1
    # Confirmed only; the cancelled Russian listener and the one without interpretation are out.
    assert [(code, n) for code, _name, n in dashboard.interpretation] == [("en", 1), ("ru", 1)]
    assert dashboard.checked_in_today == 1
    assert event_dashboard(event=event, today=DAY + dt.timedelta(days=1)).checked_in_today == 1
    assert event_dashboard(event=event, today=DAY + dt.timedelta(days=2)).checked_in_today == 0


def test_dashboard_without_capacity_has_no_limit():
    event = EventPageFactory(today=DAY, capacity=None)
    RegistrationFactory(event=event)
    assert event_dashboard(event=event, today=DAY).places_left is None


def test_places_left_never_below_zero():
    event = EventPageFactory(today=DAY, capacity=1)
    RegistrationFactory.create_batch(2, event=event)
    assert event_dashboard(event=event, today=DAY).places_left == 0


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_query_count_is_the_same_for_any_size(size, django_assert_num_queries):
    event = EventPageFactory(today=DAY, starts_in_days=0)
    for i in range(size):
        person = RegistrationFactory(
            event=event,
            status=("confirmed", "awaiting_approval", "waitlisted")[i % 3],
            interpretation_language=("ru", "en", "kk", "")[i % 4],
        )
        CheckInFactory(registration=person, day=DAY)

    event_dashboard(event=event, today=DAY)  # warm the process-wide caches
    with django_assert_num_queries(3):
        dashboard = event_dashboard(event=event, today=DAY)

    assert dashboard.total == size
    assert dashboard.checked_in_today == size


# --- the screens ----------------------------------------------------------------------------


def refused(response) -> bool:
    """Wagtail turns PermissionDenied into a redirect to the admin home with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def manager_of(event):
    return StaffUserFactory(roles=["registration_manager"], roles__event=event)


def links(html: str) -> dict[str, str]:
    """Figure label → the link's address, from the dashboard's tables."""
    return {
        unescape(re.sub(r"<[^>]+>", "", label)).strip(): unescape(href)
        for href, label in re.findall(r'<th scope="row"><a href="([^"]+)">(.*?)</a></th>', html)
    }


def test_event_dashboard_shows_figures_and_a_title(client, event):
    client.force_login(manager_of(event))
    response = client.get(reverse("registration_dashboard:event", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert f"Registration dashboard: {event.title}" in unescape(title)
    found = links(html)
    assert {"Approvals pending", "E-mail confirmation missing", "On the waiting list"} <= set(found)
    assert "Русский" in found  # the interpretation head-count, by the language's own name
    assert "Pending" not in html  # counts, never names


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Approvals pending", {"Pending"}),
        ("E-mail confirmation missing", {"Unconfirmed"}),
        ("On the waiting list", {"Waiting"}),
        ("Confirmed", {"Rulang", "Enlang", "Nolang"}),
        ("Cancelled", {"Gone"}),
        ("Русский", {"Rulang"}),
        ("English", {"Enlang"}),
    ],
)
def test_each_figure_links_to_exactly_its_people(client, event, label, expected):
    client.force_login(manager_of(event))
    html = client.get(reverse("registration_dashboard:event", args=[event.pk])).content.decode()
    listing = client.get(links(html)[label]).content.decode()
    shown = {name for name in [p.family_name for p in event.people.values()] if name in listing}
    assert shown == expected


def test_checked_in_and_email_filters_list_the_right_people(client, event):
    client.force_login(manager_of(event))
    url = reverse("wagtailsnippets_registration_registration:list")
    html = client.get(url, {"event": event.pk, "checked_in_on": DAY.isoformat()}).content.decode()
    assert "Rulang" in html
    assert "Enlang" not in html

    event.people["ru"].email_confirmed_at = timezone.now()
    event.people["ru"].save()
    html = client.get(url, {"event": event.pk, "email_confirmed": "true"}).content.decode()
    assert "Rulang" in html
    assert "Unconfirmed" not in html
    html = client.get(url, {"event": event.pk, "email_confirmed": "false"}).content.decode()
    assert "Unconfirmed" in html
    assert "Rulang" not in html


def test_checked_in_today_uses_the_events_time_zone(client):
    # Kiritimati is UTC+14: its "today" is never the server's UTC date at midday UTC onwards.
    event = EventPageFactory(time_zone="Pacific/Kiritimati")
    client.force_login(manager_of(event))
    before = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    response = client.get(reverse("registration_dashboard:event", args=[event.pk]))
    after = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert response.context["dashboard"].today in {before, after}
    checked_in = links(response.content.decode())["Checked in today"]
    assert f"checked_in_on={response.context['dashboard'].today.isoformat()}" in checked_in


def test_index_lists_only_the_users_events(client, event):
    other = EventPageFactory(title="Somebody else's seminar")
    client.force_login(manager_of(event))
    html = client.get(reverse("registration_dashboard:index")).content.decode()
    assert reverse("registration_dashboard:event", args=[event.pk]) in html
    assert other.title not in html
    assert "<title>Registration dashboard" in html


@pytest.mark.parametrize("role", ["checkin", "reporter"])
def test_roles_without_participant_access_are_refused(client, event, role):
    client.force_login(StaffUserFactory(roles=[role], roles__event=event))
    assert refused(client.get(reverse("registration_dashboard:index")))
    assert refused(client.get(reverse("registration_dashboard:event", args=[event.pk])))


def test_manager_of_another_event_is_refused(client, event):
    client.force_login(manager_of(EventPageFactory()))
    assert refused(client.get(reverse("registration_dashboard:event", args=[event.pk])))
    missing = client.get(reverse("registration_dashboard:event", args=[999999]))
    assert missing.status_code in (302, 404)  # the admin's 404 goes through the language prefix


@pytest.mark.parametrize(
    ("language", "heading", "pending"),
    [
        ("ru", "Панель регистрации", "Ожидают одобрения"),
        ("uk", "Панель реєстрації", "Очікують схвалення"),
    ],
)
def test_dashboard_in_russian_and_ukrainian(client, event, language, heading, pending):
    user = manager_of(event)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    html = client.get(reverse("registration_dashboard:event", args=[event.pk])).content.decode()
    assert heading in html
    assert pending in html
