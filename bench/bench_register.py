"""Registrations per minute on one event through the full HTTP stack, many clients at once.

Each client fetches the form once (CSRF cookie and token), then posts new registrations to the
form's action as fast as the server answers: form validation, the registration, the event row
lock, the capacity count, its status change, the rendered e-mail in the outbox and the send
task woken after commit, the "done" cookie. The baseline (the goal's) is a bare ``ModelForm``
of the same fields on the same server: validated with its CSRF token, saved, redirected —
what Django does for any form, without the capacity lock, status change, outbox row or rate
limit; a one-row insert without a form is printed beside it (both mounted only with
``BENCH_ENDPOINTS=1``). Afterwards the database is
checked: one row per accepted request and no more places held than the capacity.

Runs on PostgreSQL when ``DATABASE_URL`` is set (a throwaway database), else SQLite. The two
loads alternate for ``BENCH_ROUNDS`` rounds (default 3, a fresh event each round) and the
medians are reported: this machine's speed drifts by tens of per cent within minutes, and one
pair of runs can land on either side of the goal.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import threading
import time
from urllib.parse import urlencode

from bench.harness import bench_env, django_shell, record, report, server

PORT = 8767
REQUESTS = int(os.environ.get("BENCH_REGISTER_REQUESTS", "1200"))
CLIENTS = int(os.environ.get("BENCH_REGISTER_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CAPACITY = REQUESTS // 2  # half get a place, half go on the waiting list
SLUG = "bench-event"

SETUP = f"""
from tests.factories import event_create
from cms.demo import load_home
home = load_home()
for i in range({ROUNDS}):
    e = event_create(parent=home, slug=f"{SLUG}-{{i}}", capacity={CAPACITY},
                     interpretation_languages=["en", "ru"])
    print(e.pk)
"""

CHECK = f"""
from registration.models import Registration
from registration.models.registrations import HOLDS_A_PLACE
from cms.models import EventPage
for i in range({ROUNDS}):
    e = EventPage.objects.get(slug=f"{SLUG}-{{i}}")
    regs = Registration.objects.filter(event=e).exclude(consent_version="bench")
    held = regs.filter(status__in=HOLDS_A_PLACE).count()
    print(regs.count(), held, regs.filter(status="waitlisted").count())
"""


def _form(n: int) -> dict[str, str]:
    return {
        "given_name": "Айгерим",
        "family_name": "Сапарова",
        "email": f"bench{n}@example.org",
        "organisation": "Ministry of Internal Affairs",
        "organisation_type": "police",
        "country": "KZ",
        "sex": "female",
        "role": "participant",
        "interpretation_language": "ru",
        "language": "ru",
        "consent": "on",
    }


def _load(path: str, body, *, expect: int, prepare) -> float:
    """``REQUESTS`` POSTs over ``CLIENTS`` keep-alive connections; return requests per second."""
    counter = iter(range(REQUESTS))
    lock = threading.Lock()
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = prepare(conn)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            send = {k: v for k, v in headers.items() if k != "X-Token"}
            conn.request("POST", path, body=body(i, headers), headers=send)
            response = conn.getresponse()
            response.read()
            if response.status != expect:
                errors.append(f"{path}: HTTP {response.status}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} bad responses, first: {errors[0]}")
    return REQUESTS / elapsed


def _csrf(conn: http.client.HTTPConnection, slug: str) -> dict[str, str]:
    conn.request("GET", f"/en/{slug}/register/")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
        "X-Token": token,
        "Referer": f"http://127.0.0.1:{PORT}/",
    }


def _form_action(slug: str) -> str:
    """Where the form posts, as a browser would read it from the page."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", f"/en/{slug}/register/")
    html = conn.getresponse().read().decode()
    conn.close()
    return re.search(r'<form method="post" action="([^"]+)"', html).group(1)


def run() -> None:
    os.environ["BENCH_ENDPOINTS"] = "1"
    # Every request comes from one client: the per-IP limit would refuse all but the first few.
    os.environ["RATELIMIT_ENABLE"] = "0"
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    registrations: list[float] = []
    modelform: list[float] = []
    bare: list[float] = []
    with bench_env("register") as env:
        event_ids = [int(line) for line in django_shell(env, SETUP).split()]
        with server(env, port=PORT, workers=WORKERS, threads=THREADS):
            for round_, event_id in enumerate(event_ids):
                slug = f"{SLUG}-{round_}"
                registrations.append(
                    _load(
                        _form_action(slug),
                        lambda n, h, r=round_: urlencode(
                            {**_form(r * REQUESTS + n), "csrfmiddlewaretoken": h["X-Token"]}
                        ),
                        expect=302,
                        prepare=lambda conn, slug=slug: _csrf(conn, slug),
                    )
                )
                modelform.append(
                    _load(
                        "/en/registration/bench/modelform/",
                        lambda n, h, r=round_, e=event_id: urlencode(
                            {
                                **_form(r * REQUESTS + n),
                                "email": f"form{r * REQUESTS + n}@example.org",
                                "event": e,
                                "csrfmiddlewaretoken": h["X-Token"],
                            }
                        ),
                        expect=302,
                        prepare=lambda conn, slug=slug: _csrf(conn, slug),
                    )
                )
                bare.append(
                    _load(
                        "/en/registration/bench/insert/",
                        lambda n, h, r=round_, e=event_id: urlencode(
                            {"event": e, "email": f"bare{r * REQUESTS + n}@example.org"}
                        ),
                        expect=200,
                        prepare=lambda conn: {"Content-Type": "application/x-www-form-urlencoded"},
                    )
                )
        checks = [tuple(map(int, line.split())) for line in django_shell(env, CHECK).splitlines()]
    for rows, held, _waitlisted in checks:
        if rows != REQUESTS or held > CAPACITY:
            raise RuntimeError(f"{rows} rows for {REQUESTS} requests, {held} held of {CAPACITY}")
    per_minute = [r * 60 for r in registrations]
    report(
        f"Registrations on one event ({engine}, {CLIENTS} clients, gunicorn {WORKERS}×{THREADS},"
        f" median of {len(per_minute)} alternating rounds) vs a bare ModelForm insert and a"
        " one-row insert, same server",
        [
            ("registrations per minute (median)", statistics.median(per_minute), "/min"),
            ("registrations per minute (slowest round)", min(per_minute), "/min"),
            ("registrations per minute (fastest round)", max(per_minute), "/min"),
            (
                "bare ModelForm inserts per minute (median)",
                statistics.median(modelform) * 60,
                "/min",
            ),
            ("one-row inserts, no form, per minute (median)", statistics.median(bare) * 60, "/min"),
            ("places held / capacity (every round)", max(c[1] for c in checks), f"of {CAPACITY}"),
            ("waiting list (fewest in a round)", min(c[2] for c in checks), "registrations"),
        ],
        (
            "registrations / bare ModelForm insert",
            statistics.median(r / m for r, m in zip(registrations, modelform, strict=True)),
        ),
        at_least=0.5,
        aim=0.8,
    )
    record(
        "registrations / one-row insert (no form)",
        statistics.median(r / b for r, b in zip(registrations, bare, strict=True)),
    )
