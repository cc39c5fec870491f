"""The health endpoint a reverse proxy or orchestrator polls: ``GET /healthz``.

It answers 200 with ``{"status": "ok", ...}`` when the database answers a query and the cache
(Redis in production) stores and returns a value, and 503 naming what failed otherwise. It
reveals nothing else (no version, no host names, no personal data), is never cached, and
costs one trivial query, so a proxy may poll it every few seconds.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure of the database is "down" to the proxy
        logger.exception("health check: database")
        return False


def _cache() -> bool:
    probe = secrets.token_hex(8)
    try:
        cache.set("health:probe", probe, timeout=10)
        return cache.get("health:probe") == probe
    except Exception:  # any failure of the cache is "down" to the proxy
        logger.exception("health check: cache")
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache work, 503 otherwise (see the module docstring)."""
    checks = {"database": _database(), "cache": _cache()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "error" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
