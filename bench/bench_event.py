"""Event page (3 days × 12 sessions × 3 speakers, 6 papers) vs a static file of the same size.

Measured through gunicorn, with the page cache (``cms.cache``: anonymous, no query string)
and without it (a query string bypasses the cache, so every request renders the page).
"""

from __future__ import annotations

from bench.harness import (
    bench_env,
    compare_rps,
    django_shell,
    fetch,
    measure_rps,
    record,
    report,
    server,
)

PORT = 8766

SETUP = """
from cms import demo
from tests.cms.conftest import fill_agenda, make_event
from cms.models import EventIndexPage
home = demo.load_home()
index = EventIndexPage(title="Events", slug="events", locale=home.locale)
home.add_child(instance=index)
index.save_revision().publish()
fill_agenda(make_event(index, slug="bench"), days=3, sessions=12, speakers=3, papers=6)
"""

QUERIES = (
    "from django.test import Client; from django.test.utils import CaptureQueriesContext;"
    "from django.db import connection; c = Client(); c.get('{url}', HTTP_HOST='127.0.0.1');"
    "ctx = CaptureQueriesContext(connection)\n"
    "with ctx: c.get('{url}', HTTP_HOST='127.0.0.1')\n"
    "print(len(ctx.captured_queries))"
)


def run() -> None:
    url = "/en/events/bench/"
    with bench_env("event") as env:
        django_shell(env, SETUP)
        uncached_queries = django_shell(env, QUERIES.format(url=url + "?nocache=1")).strip()
        cached_queries = django_shell(env, QUERIES.format(url=url)).strip()
        with server(env, port=PORT):
            html = fetch(PORT, url)
        (env.static_root / "same-size.html").write_bytes(html)
        with server(env, port=PORT):
            rps = compare_rps(PORT, {"cached": url, "static": "/static/same-size.html"})
            cached, static = rps["cached"], rps["static"]
            uncached = measure_rps(PORT, url + "?nocache=1", requests=200)
    report(
        "Event page (3 days × 12 sessions × 3 speakers, 6 papers) vs a static file, same gunicorn"
        " (median of 5 rounds)",
        [
            ("event page, page cache, requests/s", cached, "req/s"),
            ("event page, no cache, requests/s", uncached, "req/s"),
            ("static file, requests/s", static, "req/s"),
            ("event page size", len(html), "bytes"),
            ("queries, no cache (warm)", float(uncached_queries), "queries"),
            ("queries, page cache (warm)", float(cached_queries), "queries"),
        ],
        ("event page with page cache / static file", cached / static),
        at_least=0.5,
    )
    print(f"  RATIO {'event page without cache / static file':<42} {uncached / static:>12.3f}")
    record("event page queries on a cache hit", float(cached_queries), at_most=0)
    record("event page without cache / static file", uncached / static)
