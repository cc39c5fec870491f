"""The public page cache: whole event pages for anonymous readers, invalidated on publish.

A response is cached only for a plain GET or HEAD without a query string, without a session
or messages cookie (so never for a logged-in user, and never with a flash message in it), and
never for a preview. The key holds the page, its last publication, the language, the
registration state (which changes with the clock) and a generation number that every publish,
unpublish or edit of a snippet or document raises, so a change is visible on the next request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "cms:page-cache:generation"


def page_cache_seconds() -> int:
    """How long a page stays cached (``CMS_PAGE_CACHE_SECONDS``, default 300; 0 turns it off)."""
    return int(getattr(settings, "CMS_PAGE_CACHE_SECONDS", 300))


def page_cache_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def page_cache_invalidate() -> None:
    """Make every cached page stale. Side effect: raises the generation number in the cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.GET:
        return False
    if getattr(request, "is_preview", False):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def serve_cached(request: HttpRequest, page, render: Callable[[], HttpResponse]) -> HttpResponse:
    """Serve ``page`` from the cache when allowed, else render it (and store it if allowed)."""
    seconds = page_cache_seconds()
    if seconds <= 0 or not cacheable(request):
        return render()
    published = page.last_published_at.timestamp() if page.last_published_at else 0
    language = getattr(request, "LANGUAGE_CODE", "")
    state = getattr(page, "registration_state", "")
    key = (
        f"cms:page:{page_cache_generation()}:{page.pk}:{published}:{language}:{state}:"
        f"{request.get_host()}"
    )
    stored = cache.get(key)
    if stored is not None:
        response = HttpResponse(stored["content"], content_type=stored["content_type"])
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code == 200 and not response.cookies:
        cache.set(
            key,
            {"content": response.content, "content_type": response["Content-Type"]},
            timeout=seconds,
        )
    response["X-Page-Cache"] = "miss"
    return response
