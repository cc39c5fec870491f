"""Calendar invites through the django-q2 worker to a local SMTP server, against plain smtplib
sending the very same messages over one connection to the same server (ratio; goal ≥ 0.5).

The worker's cost over smtplib is the outbox's promise: rows claimed under a lock in chunks,
each written to the server while the claim's lease runs and marked SENT after the server's
250. Each e-mail is built when it is queued (``Message.wire``), so the clock here covers
claiming, sending and marking; a third line shows smtplib building every e-mail as it sends.

The worker and smtplib alternate for ``BENCH_ROUNDS`` rounds (default 3; the same rows are set
back to pending between rounds; the cluster keeps running, idle and polling its broker while
smtplib sends) and the medians are reported: this
machine's speed drifts within minutes, so one pair of runs proves little.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import smtplib
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import ROOT, bench_env, django_shell, report

PARTICIPANTS = int(os.environ.get("BENCH_INVITES", "3500"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

SETUP = """
import datetime as dt, pickle
from django.db import transaction
from django.utils import timezone
from cms import demo
from tests import factories
from registration.messaging.models import Message
from registration.messaging.services.outbox import message_queue, message_build_email
home = getattr(demo, "load_home", demo.load)()
event = factories.event_create(parent=home, slug="bench-invites")
factories.session_create(event)
factories.session_create(event, day=event.end_date, title="Working groups")
event.save_revision().publish()
later = timezone.now() + dt.timedelta(days=1)
people = factories.RegistrationFactory.create_batch({n}, event=event)
with transaction.atomic():
    for r in people:
        message_queue(registration=r, kind="confirmed", dedupe_key=f"bench:{{r.pk}}",
                      send_after=later)
rows = list(Message.objects.order_by("pk"))
data = [(m.to_email, message_build_email(m).message().as_bytes(linesep="\\r\\n")) for m in rows]
with open({out!r}, "wb") as fh:
    pickle.dump(data, fh)
print(len(rows))
"""

RESET = """
import datetime as dt
from django.db import connection
from django.utils import timezone
from registration.messaging.models import Message
Message.objects.update(status="pending", claim_token="", attempts=0, sent_at=None,
                       send_after=timezone.now() + dt.timedelta(days=1))
if connection.vendor == "postgresql":
    # The update leaves a dead tuple per row; without a vacuum each round claims through
    # more of them than the last and the rounds stop being alike.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registration_message")
"""

KICK = """
import time
from django_q.tasks import async_task
from registration.messaging.models import Message
Message.objects.update(send_after=None)
print(time.time())
async_task("registration.messaging.tasks.send_due_messages")
"""


BUILD_AND_SEND = """
import smtplib, time
from registration.messaging.models import Message
from registration.messaging.services.outbox import message_build_email
rows = list(Message.objects.order_by("pk"))
start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", {port}) as smtp:
    for m in rows:
        smtp.sendmail("events@example.org", [m.to_email],
                      message_build_email(m).message().as_bytes(linesep="\\r\\n"))
print(len(rows) / (time.perf_counter() - start))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _smtp_sink(port: int) -> subprocess.Popen:
    """aiosmtpd's own server in its own process, accepting and dropping every message."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the SMTP sink did not start")


def _sent_count(database_url: str) -> int:
    sql = "SELECT COUNT(*) FROM registration_message WHERE status = 'sent'"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(sql).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchone()[0]


def _shell(env_vars: dict[str, str], code: str) -> str:
    """``manage.py shell`` with the cluster's environment (same queue name as the cluster)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env_vars,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _plain_smtplib(port: int, messages: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to_email, data in messages:
            smtp.sendmail("events@example.org", [to_email], data)
    return len(messages) / (time.perf_counter() - start)


@contextlib.contextmanager
def _cluster(env, port: int):
    """A django-q2 cluster sending to the SMTP sink; yields its environment."""
    cluster_env = env.vars()
    cluster_env.update(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "Q_WORKERS": WORKERS,
            "Q_CLUSTER_NAME": f"bench-invites-{os.getpid()}",
        }
    )
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=cluster_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(5)  # let the cluster start its workers before the clock runs
        if cluster.poll() is not None:
            raise RuntimeError("the cluster did not start")
        yield cluster_env
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait(timeout=10)


def _through_worker(env, cluster_env: dict[str, str], total: int) -> float:
    """Every row due at once, one task enqueued; invites/s until the last is marked SENT."""
    started = float(_shell(cluster_env, KICK).strip().splitlines()[-1])
    deadline = time.monotonic() + 900
    while _sent_count(env.database_url) < total:
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not send every invite within 15 minutes")
        time.sleep(0.05)
    return total / (time.time() - started)


def run() -> None:
    with bench_env("invites") as env:
        out = Path(env.workdir) / "messages.pickle"
        total = int(
            django_shell(env, SETUP.format(n=PARTICIPANTS, out=str(out))).strip().splitlines()[-1]
        )
        with out.open("rb") as fh:
            messages = pickle.load(fh)
        port = _free_port()
        sink = _smtp_sink(port)
        baselines: list[float] = []
        workers: list[float] = []
        try:
            built = float(
                django_shell(env, BUILD_AND_SEND.format(port=port)).strip().splitlines()[-1]
            )
            with _cluster(env, port) as cluster_env:
                for _round in range(ROUNDS):
                    _shell(cluster_env, RESET)
                    baselines.append(_plain_smtplib(port, messages))
                    workers.append(_through_worker(env, cluster_env, total))
        finally:
            sink.terminate()
            sink.wait(timeout=10)
    size = sum(len(data) for _to, data in messages) / max(len(messages), 1)
    worker = statistics.median(workers)
    ratios = [w / b for w, b in zip(workers, baselines, strict=True)]
    report(
        f"Invites for {total} participants: django-q2 worker ({WORKERS} workers) vs smtplib, "
        f"median of {ROUNDS} alternating rounds",
        [
            ("worker, invites/s (claim, send, mark)", worker, "msg/s"),
            ("plain smtplib, one connection, invites/s", statistics.median(baselines), "msg/s"),
            ("smtplib + building each e-mail (no outbox), /s", built, "msg/s"),
            ("worker / (smtplib + building each e-mail)", worker / built, "ratio"),
            ("worker / plain smtplib, lowest round", min(ratios), "ratio"),
            ("average message size", size, "bytes"),
        ],
        ("worker / plain smtplib (median of rounds)", statistics.median(ratios)),
        at_least=0.5,
    )
