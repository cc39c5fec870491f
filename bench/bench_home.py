"""Home page through the full stack vs a static file of the same size from the same server."""

from __future__ import annotations

from bench.harness import bench_env, compare_rps, django_shell, fetch, record, report, server

PORT = 8765


def run() -> None:
    with bench_env("home") as env:
        django_shell(env, "from cms import demo; demo.load()")
        queries = django_shell(
            env,
            "from django.test import Client; from django.test.utils import CaptureQueriesContext;"
            "from django.db import connection; c = Client(); c.get('/en/', HTTP_HOST='127.0.0.1');"
            "ctx = CaptureQueriesContext(connection)\n"
            "with ctx: c.get('/en/', HTTP_HOST='127.0.0.1')\n"
            "print(len(ctx.captured_queries))",
        ).strip()
        with server(env, port=PORT):
            html = fetch(PORT, "/en/")
        (env.static_root / "same-size.html").write_bytes(html)
        with server(env, port=PORT):
            rps = compare_rps(PORT, {"page": "/en/", "static": "/static/same-size.html"})
            page, static = rps["page"], rps["static"]
    report(
        "Home page (/en/) vs a static file of the same size, same gunicorn (median of 5 rounds)",
        [
            ("home page, requests/s", page, "req/s"),
            ("static file, requests/s", static, "req/s"),
            ("home page size", len(html), "bytes"),
            ("home page queries on a cache hit (warm)", float(queries), "queries"),
        ],
        ("home page with page cache / static file", page / static),
        at_least=0.5,
    )
    record("home page queries on a cache hit", float(queries), at_most=0)
