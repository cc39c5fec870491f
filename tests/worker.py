"""Start a real django-q2 cluster process against the test database.

Used by every test that needs the worker: the task round trip, the outbox, the fault test.
The child process gets a ``DATABASE_URL`` that points at the test database (the SQLite file or
PostgreSQL's ``test_*`` database) and the same ``REDIS_URL`` as the test run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database this test run is using (the test database, not the real one)."""
    cfg = connection.settings_dict
    if cfg["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{cfg['NAME']}"
    user = cfg.get("USER") or ""
    password = f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = cfg.get("HOST") or "127.0.0.1"
    port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{cfg['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "conference.test_settings",
            "DATABASE_URL": test_database_url(),
            "TESTING": "1",
            "Q_WORKERS": env.get("Q_WORKERS", "2"),
        }
    )
    env.update(extra)
    return env


def start_cluster(**extra_env: str) -> subprocess.Popen:
    """Start ``manage.py qcluster`` in its own process group (so it can be killed whole).

    Its log goes to a temporary file, not a pipe: nobody reads a pipe while the test waits,
    and a cluster that logs more than the pipe holds (64 KB) blocks on its next line — a
    worker stuck without an error. ``cluster_log`` reads the file for a failure message.
    """
    log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open with the process, read later
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=worker_env(**extra_env),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    proc.log_file = log
    return proc


def cluster_log(proc: subprocess.Popen, *, tail: int = 4000) -> str:
    """The last ``tail`` characters the cluster logged (stderr)."""
    log = getattr(proc, "log_file", None)
    if log is None:
        return ""
    log.seek(0)
    return log.read().decode(errors="replace")[-tail:]


def stop_cluster(proc: subprocess.Popen, *, kill: bool = False) -> None:
    """Stop the cluster: SIGTERM (clean, about a second) or SIGKILL to the whole group."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running_cluster(**extra_env: str) -> Iterator[subprocess.Popen]:
    proc = start_cluster(**extra_env)
    try:
        yield proc
    finally:
        stop_cluster(proc)


def wait_until(condition: Callable[[], object], *, timeout: float = 120, interval: float = 0.2):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds.

    This bounds how long a test waits for another process; it asserts nothing about speed.
    The default is generous: on a busy machine (CI, several test runs on two cores) a
    cluster takes tens of seconds to start; a passing test returns as soon as it can.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
