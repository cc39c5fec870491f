"""3,500 certificates (issued and laid out as one PDF by the batch service, in four languages)
vs 3,500 QR images alone, in the same run (ratio).

In-process (no server): the batch runs where the worker would run it (``job_run``). Every
person completed a 100-hour course, so the batch issues 3,500 certificates, then draws their
pages. ``BENCH_CERTIFICATES`` sets a smaller number for a quick run.
"""

from __future__ import annotations

import json
import os

from bench.harness import bench_env, django_shell, report

PEOPLE = int(os.environ.get("BENCH_CERTIFICATES", "3500"))

SETUP_AND_MEASURE = f"""
import datetime as dt, io, json, time
from decimal import Decimal
from django.utils import timezone
from wagtail.models import Locale
from cms import demo
from cms.models import EventPage, ProgrammePage
from registration.checkin.badges import qr_image
from registration.checkin.models import CheckIn
from registration.models import Registration
from registration.programmes.certificates import verification_url
from registration.programmes.models import Certificate, Enrolment
from registration.programmes.services.certificates import (
    certificate_batch_build, certificate_batch_create)

home = getattr(demo, "load_home", demo.load)()
today = timezone.localdate()
course = ProgrammePage(title="100-hour re-training for patrol police", slug="bench-course",
                       kind="course", start_date=today - dt.timedelta(days=40),
                       end_date=today - dt.timedelta(days=10), locale=Locale.get_default(),
                       certificate_signatory="Head of the Programme Office")
home.add_child(instance=course)
course.save_revision().publish()
course = ProgrammePage.objects.get(pk=course.pk)
event = EventPage(title="Course week", slug="bench-course-week",
                  start_date=today - dt.timedelta(days=12), end_date=today - dt.timedelta(days=12),
                  time_zone="Europe/Kyiv", country="UA", locale=Locale.get_default(),
                  credit_hours=Decimal("100"))
course.add_child(instance=event)
event.save_revision().publish()
event = EventPage.objects.get(pk=event.pk)
languages = ["ru", "uk", "kk", "en"]
now = timezone.now()
Enrolment.objects.bulk_create([
    Enrolment(programme=course, given_name=f"Олена{{i}}", family_name="Коваленко-Әбілқайыр",
              email=f"p{{i}}@example.org", email_normalised=f"p{{i}}@example.org", sex="female",
              organisation="Patrol police", region="Kharkiv", language=languages[i % 4])
    for i in range({PEOPLE})
], batch_size=500)
regs = Registration.objects.bulk_create([
    Registration(event=event, status="confirmed", given_name=f"Олена{{i}}",
                 family_name="Коваленко", email=f"p{{i}}@example.org",
                 email_normalised=f"p{{i}}@example.org", organisation="Patrol police",
                 organisation_type="police", country="UA", sex="female",
                 interpretation_language="uk", language="uk", consent_version="bench",
                 consent_at=now, access_key=f"a{{i}}", badge_token=f"b{{i}}")
    for i in range({PEOPLE})
], batch_size=500)
CheckIn.objects.bulk_create([
    CheckIn(registration=r, day=event.start_date, at=now, nonce=f"bench-{{r.pk}}") for r in regs
], batch_size=2000)

batch = certificate_batch_create(programme=course, by=None)
start = time.perf_counter()
batch = certificate_batch_build(batch_id=batch.pk)
pdf_seconds = time.perf_counter() - start
tokens = list(Certificate.objects.filter(enrolment__programme=course)
              .values_list("token", flat=True))
start = time.perf_counter()
for token in tokens:
    out = io.BytesIO()
    qr_image(verification_url(token, language="ru")).save(out)
qr_seconds = time.perf_counter() - start
print(json.dumps({{"pdf": pdf_seconds, "qr": qr_seconds, "status": batch.job.status,
                  "certificates": batch.job.progress, "issued": len(tokens),
                  "bytes": batch.job.file.size if batch.job.file else 0,
                  "error": batch.job.error}}))
"""


def run() -> None:
    with bench_env("certificates") as env:
        output = django_shell(env, SETUP_AND_MEASURE)
        result = json.loads(output.strip().splitlines()[-1])
    if result["status"] != "done" or result["certificates"] != PEOPLE:
        raise RuntimeError(
            f"batch {result['status']}: {result['certificates']} of {PEOPLE} certificates "
            f"{result['error']}"
        )
    report(
        f"{PEOPLE} certificates (issued and one PDF via the batch service, A4 landscape, "
        f"ru/uk/kk/en) vs {PEOPLE} QR images alone",
        [
            ("certificates: issue + PDF", result["pdf"], "s"),
            ("QR images (PNG)", result["qr"], "s"),
            ("certificates issued", result["issued"], "certificates"),
            ("PDF size", result["bytes"] / 1e6, "MB"),
        ],
        ("certificate PDF / QR images", result["pdf"] / result["qr"]),
    )
