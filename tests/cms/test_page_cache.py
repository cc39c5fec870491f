"""The public page cache (``cms.cache``): a hit costs no query, conditional requests get 304,
a proxy may keep a copy it revalidates, signed-in readers never share it, and nothing shown
goes stale (publish, delete, snippet edit, the registration window, midnight)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from cms.cache import PageCacheMiddleware, next_midnight
from cms.models import EventPage, Speaker
from tests.cms.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CMS_PAGE_CACHE_SECONDS = 300
    cache.clear()


@pytest.fixture
def event(index):
    return make_event(index, subtitle="First subtitle", slug="women-law")


@pytest.mark.parametrize("which", ["event", "home", "index"])
def test_a_hit_costs_no_query(client, event, index, which, django_assert_num_queries):
    url = {"event": event.url, "home": index.get_parent().url, "index": index.url}[which]
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_hit_keeps_the_security_headers_and_language(client, event):
    first = client.get(event.url)
    second = client.get(event.url)

    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert second[header] == first[header]
    assert "Set-Cookie" not in second


def test_conditional_request_gets_304_with_no_body(client, event):
    first = client.get(event.url)
    etag = first["ETag"]

    again = client.get(event.url, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(event.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_last_modified_answers_if_modified_since(client, event):
    first = client.get(event.url)

    again = client.get(event.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_a_proxy_may_keep_a_copy_it_revalidates(client, event):
    response = client.get(event.url)

    assert response["Cache-Control"] == "public, no-cache"
    assert "Cookie" in response["Vary"]


def test_signed_in_readers_never_get_the_shared_copy(admin_client, client, event):
    client.get(event.url)
    assert client.get(event.url)["X-Page-Cache"] == "hit"

    response = admin_client.get(event.url)

    assert "X-Page-Cache" not in response
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")
    assert "wagtail-userbar" in response.content.decode()


def test_a_query_string_is_never_cached(client, index, event):
    client.get(f"{index.url}?country=KZ")

    assert "X-Page-Cache" not in client.get(f"{index.url}?country=KZ")


def test_publishing_shows_the_change_on_the_next_request(client, event):
    client.get(event.url)
    page = EventPage.objects.get(pk=event.pk)
    page.subtitle = "Second subtitle"
    page.save_revision().publish()

    response = client.get(event.url)

    assert response["X-Page-Cache"] == "miss"
    assert "Second subtitle" in response.content.decode()


def test_deleting_a_page_removes_it_from_the_cache(client, event):
    client.get(event.url)
    assert client.get(event.url)["X-Page-Cache"] == "hit"

    EventPage.objects.get(pk=event.pk).delete()

    assert client.get(event.url).status_code == 404


def test_editing_a_snippet_makes_pages_stale(client, event):
    client.get(event.url)
    Speaker.objects.create(name="New speaker", locale=event.locale)

    assert client.get(event.url)["X-Page-Cache"] == "miss"


#: A fixed moment at mid-morning: these tests never depend on the clock of the run.
NOON = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def test_the_entry_lasts_only_until_registration_opens(index):
    now = NOON
    event = make_event(index, registration_opens=now + dt.timedelta(minutes=10))

    assert event.cache_valid_until(now) == event.registration_opens


def test_the_entry_lasts_only_until_registration_closes_or_midnight(index):
    now = NOON
    closes = now + dt.timedelta(days=3)
    event = make_event(index, registration_closes=closes)

    assert event.cache_valid_until(now) == min(closes, next_midnight(now))
    assert event.cache_valid_until(closes - dt.timedelta(minutes=1)) == closes


def test_a_page_about_to_change_is_not_stored(client, event, monkeypatch):
    # Registration opens within the second: an entry would outlive the page's truth.
    monkeypatch.setattr(
        EventPage, "cache_valid_until", lambda self, now: now + dt.timedelta(milliseconds=500)
    )

    client.get(event.url)

    assert client.get(event.url)["X-Page-Cache"] == "miss"


def test_next_midnight_is_in_the_site_time_zone(settings):
    now = dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)

    midnight = next_midnight(now)

    assert midnight > now
    assert timezone.localtime(midnight).time() == dt.time.min
    assert midnight - now <= dt.timedelta(days=1)


def test_the_page_cache_steps_aside_when_the_cache_server_is_down(rf, settings):
    # A real Redis client pointed at a port nothing listens on. (Wagtail itself needs the
    # cache to find a page's site, so /healthz reports the outage to the proxy.)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    middleware = PageCacheMiddleware(lambda request: HttpResponse("the page"))

    response = middleware(rf.get("/en/events/women-law/"))

    assert response.status_code == 200
    assert response.content == b"the page"
    assert "X-Page-Cache" not in response
