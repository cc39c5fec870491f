"""Check-ins per second through the scan endpoint vs a bare endpoint on the same server, and a
3,500-badge PDF vs 3,500 QR images alone.

The scan endpoint runs the whole path (session, admin access, role check, row lock, nonce,
insert, JSON with the translated message); the bare endpoint (mounted only with
``BENCH_ENDPOINTS=1``) has the same URL prefix, session and role check and writes nothing.
Both paths are warmed up, then measured in ``BENCH_ROUNDS`` alternating rounds (default 3)
of 600 scans of people not scanned before; the median ratio is reported. Afterwards the
database must hold exactly one check-in per scan.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics

from bench.harness import bench_env, django_shell, measure_rps, report, server

PORT = 8768
PEOPLE = 3500
SCANS = 600
WARM = 100
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

SETUP = f"""
import secrets, datetime as dt, zoneinfo
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.utils import timezone
from cms import demo
from registration.models import Registration
from registration.permissions import event_role_assign, roles_sync_groups
from tests.factories import event_create

roles_sync_groups()
today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Asia/Almaty")).date()
event = event_create(parent=demo.load_home(), slug="bench-checkin", start_date=today,
                     end_date=today + dt.timedelta(days=1))
user = get_user_model().objects.create_user("bench-checkin", password="bench-pw-2026")
event_role_assign(user=user, event=event, role="checkin")
now = timezone.now()
Registration.objects.bulk_create([
    Registration(event=event, status="confirmed", given_name=f"Person{{i}}",
                 family_name="Бенчмарк", email=f"p{{i}}@example.org",
                 email_normalised=f"p{{i}}@example.org",
                 organisation="Ministry of Internal Affairs", organisation_type="police",
                 country="KZ", sex="female",
                 interpretation_language="ru", consent_version="bench", consent_at=now)
    for i in range({PEOPLE})
], batch_size=500)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
tokens = list(Registration.objects.filter(event=event).values_list("badge_token", flat=True))
print(json.dumps({{"event": event.pk, "session": session.session_key, "tokens": tokens}}))
"""

PDF = """
import io, json, time
from registration.models import Registration
from registration.checkin.services import badge_batch_build, badge_batch_create
from registration.checkin.badges import qr_image
from cms.models import EventPage

event = EventPage.objects.get(slug="bench-checkin")
batch = badge_batch_create(event=event, by=None, layout="a4")
start = time.perf_counter()
batch = badge_batch_build(batch_id=batch.pk)
pdf_seconds = time.perf_counter() - start
tokens = list(Registration.objects.filter(event=event).values_list("badge_token", flat=True))
start = time.perf_counter()
for token in tokens:
    out = io.BytesIO()
    qr_image(token).save(out)
qr_seconds = time.perf_counter() - start
print(json.dumps({"pdf": pdf_seconds, "qr": qr_seconds, "badges": batch.done,
                  "bytes": batch.file.size, "checkins": event.registrations.filter(
                      checkins__isnull=False).count()}))
"""


def run() -> None:
    os.environ["BENCH_ENDPOINTS"] = "1"
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    with bench_env("checkin") as env:
        data = json.loads(django_shell(env, "import json\n" + SETUP).strip().splitlines()[-1])
        event, tokens = data["event"], data["tokens"]
        csrf = secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={data['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Referer": f"http://127.0.0.1:{PORT}/admin/",
        }

        used = iter(range(len(tokens)))

        def load(path: str, requests: int) -> float:
            """``requests`` scans; on the scan path of people not scanned before (one check-in
            each; the bare endpoint writes nothing and takes the first people)."""
            first = 0
            if path == scan_path:
                first = next(used)
                for _ in range(requests - 1):
                    next(used)

            def body(i: int) -> bytes:
                token = tokens[first + i]
                return json.dumps({"token": token, "nonce": secrets.token_hex(12)}).encode()

            return measure_rps(
                PORT, path, requests=requests, method="POST", body=body, headers=headers
            )

        scan_path = f"/admin/checkin/{event}/scan/"
        bare_path = f"/admin/checkin/{event}/bench-bare/"
        scans: list[float] = []
        bare: list[float] = []
        with server(env, port=PORT, workers=2, threads=4):
            # Warm both paths (lazy imports, templates, every worker's connection), then
            # alternate: the first path measured must not pay a start-up the second does not.
            load(scan_path, WARM)
            load(bare_path, WARM)
            for _ in range(ROUNDS):
                scans.append(load(scan_path, SCANS))
                bare.append(load(bare_path, SCANS))
        result = json.loads(django_shell(env, PDF).strip().splitlines()[-1])
    expected = WARM + ROUNDS * SCANS
    if result["checkins"] != expected:
        raise RuntimeError(f"{result['checkins']} check-ins for {expected} scans")
    report(
        f"Check-ins through the scan endpoint vs a bare endpoint ({engine}, gunicorn 2×4,"
        f" median of {ROUNDS} alternating rounds of {SCANS})",
        [
            ("check-ins per second (median)", statistics.median(scans), "/s"),
            ("bare endpoint per second (median)", statistics.median(bare), "/s"),
            ("check-in rows after the run", result["checkins"], "rows"),
        ],
        (
            "check-in / bare endpoint",
            statistics.median(s / b for s, b in zip(scans, bare, strict=True)),
        ),
        at_least=0.5,
    )
    report(
        f"A {PEOPLE}-badge PDF (A4, four per sheet, via the batch service) "
        f"vs {PEOPLE} QR images alone",
        [
            ("badge PDF", result["pdf"], "s"),
            ("QR images (PNG)", result["qr"], "s"),
            ("badges in the PDF", result["badges"], "badges"),
            ("PDF size", result["bytes"] / 1e6, "MB"),
        ],
        ("badge PDF / QR images", result["pdf"] / result["qr"]),
    )
