"""The public event page: agenda, registration button, privacy, query count and page cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import EventPage
from tests.cms.conftest import fill_agenda, make_event

pytestmark = pytest.mark.django_db


def _get(client, event, suffix=""):
    return client.get(f"{event.url}{suffix}")


def _queries(client, event) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{event.url}?q=1")  # a query string bypasses the page cache
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_sessions_speakers_and_papers(client, index):
    small = fill_agenda(make_event(index), days=1, sessions=2, speakers=1, papers=1)
    large = fill_agenda(make_event(index), days=3, sessions=12, speakers=3, papers=6)
    _queries(client, small)  # warm up caches that are filled once per process

    small_count = _queries(client, small)
    large_count = _queries(client, large)

    assert large_count == small_count
    html = client.get(f"{large.url}?q=1").content.decode()
    assert html.count('class="session session-') == 36
    assert html.count("Speaker 2</strong>") == 36


def test_agenda_names_the_time_zone_rooms_speakers_and_languages(client, index):
    event = fill_agenda(make_event(index), days=2, sessions=2, speakers=2, papers=1)

    html = _get(client, event).content.decode()

    assert "Times are Almaty (UTC+05:00)." in html
    assert f"Day 2: {(event.start_date + dt.timedelta(days=1)):%A}" in html
    assert "Room: Plenary hall" in html
    assert "Speaker 1</strong>, OSCE" in html
    assert "Interpretation into: English, Russian." in html
    assert f'href="{event.url}agenda.ics"' in html


def test_open_registration_links_to_the_register_route(client, index):
    event = make_event(
        index,
        registration_opens=timezone.now() - dt.timedelta(days=1),
        registration_closes=timezone.now() + dt.timedelta(days=5),
    )

    html = _get(client, event).content.decode()

    assert f'href="{event.url}register/"' in html
    assert "Registration closes on" in html


def test_registration_not_yet_open_says_when_it_opens(client, index):
    opens = timezone.now() + dt.timedelta(days=3)
    event = make_event(index, registration_opens=opens)

    html = _get(client, event).content.decode()

    assert "register/" not in html
    local = timezone.localtime(opens, event.tz)
    assert f"Registration opens on {local.day} " in html


def test_registration_closed_after_the_event(client, index):
    today = timezone.localdate()
    event = make_event(
        index, start_date=today - dt.timedelta(days=5), end_date=today - dt.timedelta(days=4)
    )

    html = _get(client, event).content.decode()

    assert "Registration is closed." in html
    assert "register/" not in html


def test_online_meeting_link_is_not_on_the_public_page(client, index):
    event = make_event(index, format="hybrid", online_link="https://meet.example.org/secret-room")

    html = _get(client, event).content.decode()

    assert "secret-room" not in html


def test_unpublished_event_is_not_reachable(client, index):
    event = make_event(index, publish=False)

    assert client.get(f"/en/events/{event.slug}/").status_code == 404
    assert client.get(f"/en/events/{event.slug}/agenda.ics").status_code == 404
    assert client.get(f"/en/events/{event.slug}/agenda/").status_code == 404


def test_unpublishing_hides_a_cached_page(client, index):
    event = make_event(index)
    assert _get(client, event).status_code == 200
    assert _get(client, event)["X-Page-Cache"] == "hit"

    EventPage.objects.get(pk=event.pk).unpublish()

    assert client.get(f"/en/events/{event.slug}/").status_code == 404


def test_page_cache_is_invalidated_on_publish(client, index):
    event = make_event(index, subtitle="First subtitle")
    assert _get(client, event)["X-Page-Cache"] == "miss"
    assert _get(client, event)["X-Page-Cache"] == "hit"

    page = EventPage.objects.get(pk=event.pk)
    page.subtitle = "Second subtitle"
    page.save_revision().publish()
    response = _get(client, event)

    assert response["X-Page-Cache"] == "miss"
    assert "Second subtitle" in response.content.decode()


def test_page_cache_is_never_used_for_a_logged_in_user(admin_client, client, index):
    event = make_event(index)
    _get(client, event)
    assert _get(client, event)["X-Page-Cache"] == "hit"

    response = _get(admin_client, event)

    assert "X-Page-Cache" not in response
    assert "wagtail-userbar" in response.content.decode()


def test_printable_agenda_lists_every_session(client, index):
    event = fill_agenda(make_event(index), days=2, sessions=3, speakers=1, papers=0)

    response = _get(client, event, "agenda/")

    assert response.status_code == 200
    assert response.content.decode().count('class="session session-') == 6


def _window_event(**fields) -> EventPage:
    """An unsaved event ending on 10 June 2026 in Almaty (UTC+5)."""
    return EventPage(
        start_date=dt.date(2026, 6, 9),
        end_date=dt.date(2026, 6, 10),
        time_zone="Asia/Almaty",
        **fields,
    )


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_registration_state_codes_are_the_services_refusal_codes():
    event = _window_event(
        registration_opens=_at("2026-05-01T09:00+05:00"),
        registration_closes=_at("2026-06-01T18:00+05:00"),
    )

    states = [
        event.registration_state_at(_at(moment))
        for moment in (
            "2026-05-01T08:59+05:00",
            "2026-05-01T09:00+05:00",
            "2026-06-01T17:59+05:00",
            "2026-06-01T18:00+05:00",
        )
    ]

    assert states == ["not_open", "open", "open", "closed"]


def test_registration_without_dates_closes_at_the_end_of_the_last_day_at_the_venue():
    event = _window_event()

    assert event.registration_window == (None, _at("2026-06-11T00:00+05:00"))
    assert event.registration_state_at(_at("2026-06-10T23:59+05:00")) == "open"
    assert event.registration_state_at(_at("2026-06-10T19:00+00:00")) == "closed"


def test_a_closing_date_after_the_last_day_is_the_one_that_counts():
    event = _window_event(registration_closes=_at("2026-06-12T12:00+05:00"))

    assert event.registration_state_at(_at("2026-06-11T12:00+05:00")) == "open"
