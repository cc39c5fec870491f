"""What every benchmark shares: a throwaway database, a real server, a bounded load loop.

Numbers are only compared with a baseline measured by the same process on the same server in
the same run (a ratio), never with a constant: the machine's speed cancels out.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Env:
    """A prepared bench environment: a database URL and a static folder, both throwaway."""

    database_url: str
    static_root: Path
    workdir: Path

    def vars(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "conference.settings",
                "TESTING": "1",
                "DATABASE_URL": self.database_url,
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "LOG_LEVEL": "WARNING",
            }
        )
        return env


@contextmanager
def bench_env(name: str) -> Iterator[Env]:
    """A fresh database (SQLite file, or a new PostgreSQL database when DATABASE_URL is set)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    base = os.environ.get("DATABASE_URL", "")
    pg_db = None
    if base.startswith("postgres"):
        pg_db = f"bench_{name}_{os.getpid()}"
        server, _, _ = base.rpartition("/")
        _psql(server, f"CREATE DATABASE {pg_db}")
        url = f"{server}/{pg_db}"
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = Env(database_url=url, static_root=workdir / "static", workdir=workdir)
    env.static_root.mkdir()
    try:
        manage(env, "migrate", "-v0")
        yield env
    finally:
        if pg_db:
            _psql(base.rpartition("/")[0], f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


def _psql(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def manage(env: Env, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env.vars(),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def django_shell(env: Env, code: str) -> str:
    """Run Python code inside Django (for setup that is easier in-process)."""
    return manage(env, "shell", "--no-imports", "-c", code)


@contextmanager
def server(env: Env, *, workers: int = 2, threads: int = 4, port: int = 8765) -> Iterator[str]:
    """Gunicorn serving the real WSGI app (with whitenoise) on loopback."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "conference.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env.vars(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/static/__ping__")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def measure_rps(
    port: int,
    path: str,
    *,
    requests: int = 600,
    concurrency: int = 8,
    method: str = "GET",
    body: Callable[[int], bytes] | None = None,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> float:
    """Send ``requests`` requests over ``concurrency`` keep-alive connections; return req/s.

    Bounded in count; every response status is checked so a broken page cannot look fast.
    """
    counter = iter(range(requests))
    lock = threading.Lock()
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            data = body(i) if body else None
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            response.read()
            if response.status != expect:
                errors.append(f"{path}: HTTP {response.status}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} bad responses, first: {errors[0]}")
    return requests / elapsed


def compare_rps(
    port: int, paths: dict[str, str], *, requests: int = 600, rounds: int = 5, warm: int = 200
) -> dict[str, float]:
    """Requests/s of each path (name → path), measured in alternating rounds after warming
    each path up; the median of the rounds.

    Warming fills every worker's page cache and lazy imports, so the first path measured pays
    no start-up the second does not; alternating spreads this machine's drift over all paths.
    """
    import statistics

    for path in paths.values():
        measure_rps(port, path, requests=warm)
    results: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            results[name].append(measure_rps(port, path, requests=requests))
    return {name: statistics.median(values) for name, values in results.items()}


def fetch(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return data


@dataclass
class Figure:
    """One ratio or count of a run, with the goal it is held to (if any)."""

    label: str
    value: float
    at_least: float | None = None
    at_most: float | None = None
    aim: float | None = None

    @property
    def goal(self) -> str:
        if self.at_least is not None:
            text = f">= {self.at_least:g}"
        elif self.at_most is not None:
            text = f"<= {self.at_most:g}"
        else:
            return "-"
        return f"{text} (aim {self.aim:g})" if self.aim is not None else text

    @property
    def met(self) -> bool | None:
        if self.at_least is not None:
            return self.value >= self.at_least
        if self.at_most is not None:
            return self.value <= self.at_most
        return None


#: Every figure of this run, in order, for the summary ``python -m bench`` prints at the end.
FIGURES: list[Figure] = []


def record(
    label: str,
    value: float,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    aim: float | None = None,
) -> None:
    """Keep a figure for the summary (a query count on a cache hit, say, held to 0)."""
    FIGURES.append(Figure(label, float(value), at_least, at_most, aim))


def report(
    name: str,
    rows: list[tuple[str, float, str]],
    ratio: tuple[str, float],
    *,
    at_least: float | None = None,
    aim: float | None = None,
) -> None:
    """Print a small table and the ratio line that matters, and keep the ratio (with its goal,
    ``at_least``, and the figure aimed for beyond it, ``aim``) for the summary."""
    print(f"\n## {name}")
    for label, value, unit in rows:
        print(f"  {label:<48} {value:>12.1f} {unit}")
    print(f"  RATIO {ratio[0]:<42} {ratio[1]:>12.3f}")
    record(ratio[0], ratio[1], at_least=at_least, aim=aim)


def summary() -> None:
    """Every figure of the run with its goal beside it: the one table README quotes."""
    if not FIGURES:
        return
    print("\n## Summary: every figure of this run with its goal")
    print(f"  {'figure':<56} {'value':>9}  {'goal':<20} result")
    for f in FIGURES:
        result = {True: "met", False: "MISSED", None: ""}[f.met]
        print(f"  {f.label:<56} {f.value:>9.3f}  {f.goal:<20} {result}")
    held = [f for f in FIGURES if f.met is not None]
    print(f"  goals met: {sum(1 for f in held if f.met)} of {len(held)}")
