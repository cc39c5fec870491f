"""Past one machine: two web servers on one PostgreSQL share a burst of registrations, and two
``qcluster`` processes on the Redis broker share 3,500 invites, against one of each.

- Invites: one cluster with one worker, then two clusters with one worker each (one shared
  Redis queue, ``MESSAGES_FAN_OUT=1`` so the first task asks the other cluster to help), to a
  loopback SMTP server that answers each message after ``BENCH_SMTP_DELAY`` seconds (default
  0.03) as a real relay does: the work is I/O-bound, as in production. The ratio is two
  clusters' invites/s over one's (goal ≥ 1.6). Every run checks the server's log: each
  message arrived exactly once, none is missing.
- Registrations: the same burst against one gunicorn and against two gunicorns on two ports
  (each one process), clients split between them; afterwards one row per accepted request,
  no duplicate, no more places held than the capacity.

PostgreSQL and Redis are required (``DATABASE_URL`` defaults to the local server,
``REDIS_URL`` to its database 5, emptied of this run's queue at the end).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import redis

from bench.bench_invites import _free_port, _sent_count, _shell
from bench.bench_register import _form
from bench.harness import ROOT, bench_env, django_shell, record, report, server

INVITES = int(os.environ.get("BENCH_SCALEOUT_INVITES", "3500"))
DELAY = float(os.environ.get("BENCH_SMTP_DELAY", "0.03"))
REQUESTS = int(os.environ.get("BENCH_SCALEOUT_REQUESTS", "600"))
CLIENTS = 8
CAPACITY = REQUESTS  # every round fits: the check is exactness, not the waiting list

SETUP = """
import datetime as dt
from django.db import transaction
from django.utils import timezone
from cms import demo
from tests import factories
from registration.messaging.services.outbox import message_queue
home = demo.load_home()
invites = factories.event_create(parent=home, slug="scaleout-invites")
later = timezone.now() + dt.timedelta(days=1)
people = factories.RegistrationFactory.create_batch({n}, event=invites)
with transaction.atomic():
    for r in people:
        message_queue(registration=r, kind="confirmed", dedupe_key=f"bench:{{r.pk}}",
                      send_after=later)
for slug in ("scaleout-one", "scaleout-two"):
    factories.event_create(parent=home, slug=slug, capacity={capacity},
                           interpretation_languages=["en", "ru"])
print(len(people))
"""

RESET = """
import datetime as dt
from django.db import connection
from django.utils import timezone
from registration.messaging.models import Message
Message.objects.filter(dedupe_key__startswith="bench:").update(
    status="pending", claim_token="", attempts=0, sent_at=None,
    send_after=timezone.now() + dt.timedelta(days=1))
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE registration_message")
"""

KICK = """
import time
from django_q.tasks import async_task
from registration.messaging.models import Message
Message.objects.filter(dedupe_key__startswith="bench:").update(send_after=None)
print(time.time())
async_task("registration.messaging.tasks.send_due_messages")
"""

CHECK = """
from django.db.models import Count
from registration.models import Registration
from registration.models.registrations import HOLDS_A_PLACE
for slug in ("scaleout-one", "scaleout-two"):
    regs = Registration.objects.filter(event__slug=slug)
    dupes = regs.values("email_normalised").annotate(n=Count("pk")).filter(n__gt=1).count()
    print(regs.count(), regs.filter(status__in=HOLDS_A_PLACE).count(), dupes)
"""


@contextlib.contextmanager
def _smtp(log: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.smtp_delay",
            "--port",
            str(port),
            "--delay",
            str(DELAY),
            "--log",
            str(log),
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the delaying SMTP server did not start") from None
            time.sleep(0.1)
    try:
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@contextlib.contextmanager
def _clusters(env, *, count: int, smtp_port: int, name: str, redis_url: str):
    """``count`` qcluster processes, one worker each, sharing one Redis queue."""
    cluster_env = env.vars()
    cluster_env.update(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "Q_WORKERS": "1",
            "Q_CLUSTER_NAME": name,
            "REDIS_URL": redis_url,
            "MESSAGES_FAN_OUT": str(count - 1),
        }
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=cluster_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    try:
        time.sleep(5)  # let the clusters start their workers before the clock runs
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a cluster did not start")
        yield cluster_env
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)


def _invites_per_second(env, cluster_env: dict[str, str], log: Path) -> float:
    _shell(cluster_env, RESET)
    log.write_text("")
    started = float(_shell(cluster_env, KICK).strip().splitlines()[-1])
    deadline = time.monotonic() + 1200
    while _sent_count(env.database_url) < INVITES:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not send every invite within 20 minutes")
        time.sleep(0.05)
    rate = INVITES / (time.time() - started)
    time.sleep(1)  # a duplicate would arrive now
    ids = [line for line in log.read_text().splitlines() if line]
    if len(ids) != INVITES or len(set(ids)) != INVITES:
        raise RuntimeError(f"{len(ids)} messages, {len(set(ids))} distinct, for {INVITES} invites")
    return rate


def _csrf(port: int, slug: str) -> tuple[http.client.HTTPConnection, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/en/{slug}/register/")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
        "Referer": f"http://127.0.0.1:{port}/",
    }
    return conn, headers, action + "\x00" + token


def _burst(ports: list[int], slug: str, offset: int) -> float:
    """``REQUESTS`` registrations over ``CLIENTS`` connections spread over ``ports``."""
    counter = iter(range(REQUESTS))
    lock = threading.Lock()
    errors: list[str] = []

    def client(port: int) -> None:
        conn, headers, action_token = _csrf(port, slug)
        action, token = action_token.split("\x00")
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body = urlencode({**_form(offset + i), "csrfmiddlewaretoken": token})
            conn.request("POST", action, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 302:
                errors.append(f"HTTP {response.status}")
        conn.close()

    threads = [
        threading.Thread(target=client, args=(ports[n % len(ports)],)) for n in range(CLIENTS)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} bad responses, first: {errors[0]}")
    return REQUESTS / elapsed


def run() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("\n## Scale-out: skipped (needs PostgreSQL: DATABASE_URL=postgres://...)")
        return
    redis_url = os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    name = f"bench-scaleout-{uuid.uuid4().hex[:8]}"
    # The web servers too use Redis (cache and broker), on a queue of this run's own.
    os.environ["Q_CLUSTER_NAME"] = name
    os.environ["RATELIMIT_ENABLE"] = "0"
    try:
        _run(redis_url, name)
    finally:
        _forget_queue(redis_url, name)


def _forget_queue(redis_url: str, name: str) -> None:
    """Delete this run's Redis keys (the registrations' send tasks nobody consumed)."""
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{name}*"):
        client.delete(key)


def _run(redis_url: str, name: str) -> None:
    with bench_env("scaleout") as env:
        total = int(
            django_shell(env, SETUP.format(n=INVITES, capacity=CAPACITY)).strip().splitlines()[-1]
        )
        assert total == INVITES
        log = Path(env.workdir) / "smtp-ids.txt"
        with _smtp(log) as smtp_port:
            with _clusters(env, count=1, smtp_port=smtp_port, name=name, redis_url=redis_url) as c:
                one = _invites_per_second(env, c, log)
            with _clusters(env, count=2, smtp_port=smtp_port, name=name, redis_url=redis_url) as c:
                two = _invites_per_second(env, c, log)
        ports = [_free_port(), _free_port()]
        with server(env, port=ports[0], workers=1, threads=4):
            single = _burst(ports[:1], "scaleout-one", 0)
            with server(env, port=ports[1], workers=1, threads=4):
                double = _burst(ports, "scaleout-two", REQUESTS)
        checks = [tuple(map(int, line.split())) for line in django_shell(env, CHECK).splitlines()]
    for rows, held, dupes in checks:
        if rows != REQUESTS or held > CAPACITY or dupes:
            raise RuntimeError(
                f"{rows} rows for {REQUESTS}, {held} held of {CAPACITY}, {dupes} duplicates"
            )
    report(
        f"Scale-out on PostgreSQL + Redis: {INVITES} invites to an SMTP server answering after "
        f"{DELAY * 1000:.0f} ms; {REQUESTS} registrations per burst",
        [
            ("invites/s, one qcluster (1 worker)", one, "msg/s"),
            ("invites/s, two qcluster processes (1 worker each)", two, "msg/s"),
            ("each invite arrived once, none missing (both runs)", float(INVITES), "messages"),
            ("registrations/min, one web server (1 process)", single * 60, "/min"),
            ("registrations/min, two web servers (1 process each)", double * 60, "/min"),
            ("two web servers / one", double / single, "ratio"),
        ],
        ("invites, two workers / one", two / one),
        at_least=1.6,
    )
    record("registrations, two web servers / one", double / single)
