"""Importing a 3,500-row roster (the patrol-police course's 20 cohorts) vs inserting the same
rows with ``bulk_create``.

The import is the whole path staff use: the XLSX read (openpyxl, read-only), the dry run in
the worker's handler, then the import (a second check without locks and a third under the
locks, then bulk inserts of enrolments, one confirmed registration per event and their status
changes) — through ``conference.jobs.job_run`` as the worker runs it. The baseline
bulk-inserts the same enrolments, registrations and status changes into a second, identical
course, with nothing read or checked. Afterwards both courses must hold the same numbers.
"""

from __future__ import annotations

import json
import os

from bench.harness import bench_env, django_shell, report

PEOPLE = 3500

SCRIPT = f"""
import io, json, time
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from cms import demo
from cms.models import EventPage, ProgrammePage
from conference.jobs import job_run
from registration.models.registrations import Registration, StatusChange, normalise_email
from registration.programmes.demo_roster import HEADERS, PATROL_COHORTS, patrol_roster_rows
from registration.programmes.models import Cohort, Enrolment
from registration.programmes.services import roster as services
from registration.spreadsheets import XlsxSheet, xlsx_workbook
from tests.factories import EventPageFactory, ProgrammePageFactory

home = demo.load_home()

def course(slug):
    programme = ProgrammePageFactory(parent=home, slug=slug, title=slug)
    for code, region, city in PATROL_COHORTS:
        cohort = Cohort.objects.create(programme=programme, code=code, region=region,
                                       capacity=180, name={{"en": code}})
        event = EventPageFactory(parent=programme, slug=f"{{slug}}-{{code}}", city=city,
                                 capacity=None)
        cohort.events.add(event)
    return programme

rows = patrol_roster_rows(rows={PEOPLE}, bad=False)
content = xlsx_workbook([XlsxSheet(title="Roster", header=HEADERS, rows=rows)])

imported = course("bench-roster-import")
start = time.perf_counter()
roster_import = services.roster_upload(
    programme=imported, upload=SimpleUploadedFile("roster.xlsx", content))
assert job_run(job_id=roster_import.job_id) == "done"
roster_import.refresh_from_db()
services.roster_import_start(roster_import=roster_import)
roster_import.refresh_from_db()
assert job_run(job_id=roster_import.job_id) == "done"
import_seconds = time.perf_counter() - start

plain = course("bench-roster-bulk")
cohorts = {{c.code: c for c in Cohort.objects.filter(programme=plain)}}
events = {{c.code: c.events.get().pk for c in cohorts.values()}}
now = timezone.now()
start = time.perf_counter()
enrolments = Enrolment.objects.bulk_create([
    Enrolment(programme=plain, cohort=cohorts[r[7]], given_name=r[0], family_name=r[1],
              email=r[2], email_normalised=normalise_email(r[2]), sex="female",
              organisation=r[4], position=r[5], region=r[6], language="uk")
    for r in rows], batch_size=500)
made = Registration.objects.bulk_create([
    Registration(event_id=events[r[7]], status="confirmed", given_name=r[0], family_name=r[1],
                 email=r[2], email_normalised=normalise_email(r[2]), organisation=r[4],
                 organisation_type="other", position=r[5], country="", sex="female",
                 role="participant", language="uk", consent_version="bench", consent_at=now)
    for r in rows], batch_size=500)
StatusChange.objects.bulk_create([
    StatusChange(registration=r, from_status="", to_status="confirmed", note="bench")
    for r in made], batch_size=500)
bulk_seconds = time.perf_counter() - start

print(json.dumps({{
    "import": import_seconds,
    "bulk": bulk_seconds,
    "imported": Enrolment.objects.filter(programme=imported).count(),
    "bulk_rows": Enrolment.objects.filter(programme=plain).count(),
    "registrations": Registration.objects.filter(event__cohorts__programme=imported).count(),
    "bytes": len(content),
}}))
"""


def run() -> None:
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    with bench_env("roster") as env:
        result = json.loads(django_shell(env, SCRIPT).strip().splitlines()[-1])
    if result["imported"] != PEOPLE or result["bulk_rows"] != PEOPLE:
        raise RuntimeError(f"imported {result['imported']}, bulk {result['bulk_rows']}")
    report(
        f"A {PEOPLE}-row roster (XLSX, 20 cohorts): dry run + import through the worker's "
        f"handlers vs bulk_create of the same rows ({engine})",
        [
            ("roster import (read, dry run, import)", result["import"], "s"),
            ("bulk_create (enrolments, registrations, changes)", result["bulk"], "s"),
            ("enrolments imported", result["imported"], "rows"),
            ("registrations made", result["registrations"], "rows"),
            ("roster file size", result["bytes"] / 1e3, "kB"),
        ],
        ("roster import / bulk_create", result["import"] / result["bulk"]),
    )
