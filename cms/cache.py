"""The public page cache: whole pages for anonymous readers, served before any query.

A page's ``serve`` marks its response as cacheable (``serve_cached``); ``PageCacheMiddleware``
stores the finished response (every header the middleware below it added, no cookie) under the
request's host and path, and answers the next anonymous request for that path from the cache
without touching the database or the URL resolver: no query at all on a hit.

Only a plain GET or HEAD without a query string and without a session or messages cookie is
served from or stored in the cache (never for a logged-in user or a participant with a flash
message, never a preview). The key holds a generation number that every publish, unpublish,
deletion, or edit of a snippet, document or image raises (``cms.signals``), so a change is
visible on the next request. What changes with the clock (registration opening or closing,
"upcoming" lists at midnight) is handled by storing an entry only until the page's next such
moment (``page.cache_valid_until``).

Every cached response carries an ``ETag`` and ``Last-Modified`` and answers a conditional
request with ``304``; ``Cache-Control: public, no-cache`` lets a reverse proxy or CDN keep a
copy that it revalidates on each request (one cheap ``304`` from here), and ``Vary: Cookie``
keeps signed-in readers off the shared copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "cms:page-cache:generation"
#: Headers of a stored response that are not replayed on a hit.
_NOT_REPLAYED = {"set-cookie", "date", "content-length", "x-page-cache"}


def page_cache_seconds() -> int:
    """How long a page stays cached (``CMS_PAGE_CACHE_SECONDS``, default 300; 0 turns it off)."""
    return settings.CMS_PAGE_CACHE_SECONDS


def page_cache_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def page_cache_invalidate() -> None:
    """Make every cached page stale. Side effect: raises the generation number in the cache.

    With the cache down, the publish still succeeds (logged): no entry can be read then, and
    none outlives ``CMS_PAGE_CACHE_SECONDS`` once it is back.
    """
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)
    except Exception:  # the cache server is unreachable: see the docstring
        logger.exception("page cache: could not invalidate")


def cacheable(request: HttpRequest) -> bool:
    """Whether the request may be answered from, or stored in, the shared page cache."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    if getattr(request, "is_preview", False):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def next_midnight(now: dt.datetime) -> dt.datetime:
    """The next midnight in the site's time zone: when "upcoming" lists change."""
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time.min, tzinfo=local.tzinfo)


def serve_cached(request: HttpRequest, page, render: Callable[[], HttpResponse]) -> HttpResponse:
    """Render ``page`` and mark the response for the page cache when the request allows it.

    The page may define ``cache_valid_until(now)``: the entry is kept no later than that (the
    next moment its content changes with the clock); without it, until the next midnight.
    """
    response = render()
    if page_cache_seconds() <= 0 or not cacheable(request):
        return response
    now = timezone.now()
    until = getattr(page, "cache_valid_until", next_midnight)(now)
    response.page_cache_until = until
    response["X-Page-Cache"] = "miss"
    return response


def _key(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    digest = hashlib.sha256(f"{host}{request.path}".encode()).hexdigest()[:32]
    return f"cms:url:{page_cache_generation()}:{digest}"


def _validators(content: bytes, modified: dt.datetime) -> tuple[str, str]:
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"', http_date(
        modified.timestamp()
    )


def _shareable(response: HttpResponse) -> None:
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ("Cookie",))


def _from_entry(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    conditional = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified_ts"]
    )
    if conditional is not None:
        response = conditional
    else:
        response = HttpResponse(entry["content"], status=200)
        # The middleware that would add it sits below this one: without it the server would
        # send the page in chunks.
        response["Content-Length"] = str(len(entry["content"]))
    for name, value in entry["headers"]:
        if response.status_code == 304 and name.lower() == "content-type":
            continue
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    """Serve anonymous readers' pages from the cache before anything else runs (see above).

    Placed before the session, locale and authentication middleware: a hit costs one or two
    cache reads and no database query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if page_cache_seconds() <= 0 or not cacheable(request):
            return self.get_response(request)
        try:
            key = _key(request)
            entry = cache.get(key) if key is not None else None
        except Exception:  # the cache server is down: pages are rendered, not lost
            logger.warning("page cache unreachable; serving without it", exc_info=True)
            return self.get_response(request)
        if key is None:
            return self.get_response(request)
        if entry is not None:
            return _from_entry(request, entry)
        response = self.get_response(request)
        until = getattr(response, "page_cache_until", None)
        if until is None or response.status_code != 200 or response.cookies:
            return response
        if getattr(response, "streaming", False):
            return response
        now = timezone.now()
        timeout = min(page_cache_seconds(), int((until - now).total_seconds()))
        _shareable(response)
        etag, modified = _validators(response.content, now)
        response["ETag"] = etag
        response["Last-Modified"] = modified
        if timeout > 0:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _NOT_REPLAYED
            ]
            entry = {
                "content": response.content,
                "headers": headers,
                "etag": etag,
                "last_modified_ts": int(now.timestamp()),
            }
            try:
                cache.set(key, entry, timeout=timeout)
            except Exception:  # the cache went down meanwhile: the reader still gets the page
                logger.warning("page cache unreachable; page not stored", exc_info=True)
        conditional = get_conditional_response(
            request, etag=etag, last_modified=int(now.timestamp()), response=response
        )
        return conditional if conditional is not None else response
