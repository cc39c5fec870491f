"""Badge batches and report exports run as ``conference.Job`` rows with a lease.

A worker that dies leaves its job ``running`` with a lease that runs out; the sweep queues it
again and it finishes once. The dead worker is simulated here by a claimed job whose lease is
in the past; ``test_jobs_worker.py`` kills a real cluster.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from conference.jobs import JobContext, JobLeaseLost, job_claim, job_run, job_sweep
from conference.models import Job
from conference.schedules import schedules_sync
from registration.checkin.models import BadgeBatch
from registration.checkin.services import badge_batch_create
from registration.reports.models import ReportExport
from registration.reports.services.reports import report_export_request
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import event_today, staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return event_today()


def _private_files() -> list[Path]:
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _worker_died(job_id: int) -> None:
    """What a SIGKILLed worker leaves: a running job whose lease ran out a while ago."""
    Job.objects.filter(pk=job_id).update(lease_until=timezone.now() - dt.timedelta(minutes=5))


def test_badge_batch_is_a_job_with_progress_and_a_private_file(event):
    manager = staff_create(event, "registration_manager")
    RegistrationFactory.create_batch(3, event=event)

    batch = badge_batch_create(event=event, by=manager, layout="a6")
    job = batch.job
    assert (job.kind, job.status, job.total, job.owner_id) == (
        "badge_batch",
        "pending",
        3,
        manager.pk,
    )

    assert job_run(job_id=job.pk) == "done"

    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.percent, job.attempts) == (
        "done",
        3,
        3,
        100,
        1,
    )
    assert job.filename == f"badges-{event.slug}-{batch.pk}.pdf"
    assert job.file.name.startswith("jobs/")
    assert event.slug not in job.file.name
    assert _private_files() == [Path(django_settings.PRIVATE_MEDIA_ROOT) / job.file.name]


def test_job_of_a_dead_worker_is_swept_and_finishes_once(event, django_capture_on_commit_callbacks):
    manager = staff_create(event, "registration_manager")
    RegistrationFactory.create_batch(2, event=event)
    batch = badge_batch_create(event=event, by=manager, layout="a4")
    claimed = job_claim(job_id=batch.job_id)  # a worker started it ...
    assert claimed is not None
    _worker_died(batch.job_id)  # ... and was killed

    with django_capture_on_commit_callbacks() as queued:
        assert job_sweep() == 1
    job = Job.objects.get(pk=batch.job_id)
    assert (job.status, len(queued)) == ("pending", 1)  # queued again, not left running

    assert job_run(job_id=job.pk) == "done"
    assert job_run(job_id=job.pk) == "skipped"  # the killed worker's redelivered task

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("done", 2, 2)
    assert len(_private_files()) == 1


def test_job_held_by_a_live_worker_is_not_taken_again(event):
    batch = badge_batch_create(event=event, by=None)
    assert job_claim(job_id=batch.job_id) is not None

    assert job_run(job_id=batch.job_id) == "skipped"
    assert job_sweep() == 0
    assert Job.objects.get(pk=batch.job_id).attempts == 1


def test_worker_that_lost_its_lease_stops_and_keeps_no_file(event):
    batch = badge_batch_create(event=event, by=None)
    _job, old_token = job_claim(job_id=batch.job_id)
    _worker_died(batch.job_id)
    _job, new_token = job_claim(job_id=batch.job_id)  # the sweep's new worker took over

    with pytest.raises(JobLeaseLost):
        JobContext(Job.objects.get(pk=batch.job_id), old_token).progress(1)
    JobContext(Job.objects.get(pk=batch.job_id), new_token).progress(1)
    assert old_token != new_token


def test_job_whose_workers_keep_dying_is_failed_not_left_running(event, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    batch = badge_batch_create(event=event, by=None)
    for _attempt in range(2):
        job_claim(job_id=batch.job_id)
        _worker_died(batch.job_id)
        job_sweep()

    assert job_run(job_id=batch.job_id) == "skipped"

    job = Job.objects.get(pk=batch.job_id)
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error == "the worker stopped before the job was done"
    assert not Job.objects.filter(status="running").exists()


def test_report_export_is_a_job_with_percent_progress(event):
    export = report_export_request(event=event, fmt="xlsx", language="ru")
    assert (export.job.kind, export.job.total, export.job.params["format"]) == (
        "report_export",
        100,
        "xlsx",
    )

    assert job_run(job_id=export.job_id) == "done"

    export = ReportExport.objects.select_related("job").get(pk=export.pk)
    assert (export.status, export.progress) == ("done", 100)
    assert export.job.filename == f"report-{event.slug}-ru.xlsx"
    assert export.file.name.startswith("jobs/")


def test_report_export_that_fails_says_why_and_stops(event):
    export = report_export_request(event=event, fmt="pdf", language="en")
    ReportExport.objects.filter(pk=export.pk).update(format="odt")

    assert job_run(job_id=export.job_id) == "failed"

    job = Job.objects.get(pk=export.job_id)
    assert job.status == "failed"
    assert job.error == "ReportError: Unknown export format."
    assert _private_files() == []


def test_deleting_a_batch_deletes_its_job_and_file(event, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(1, event=event)
    batch = badge_batch_create(event=event, by=None)
    job_run(job_id=batch.job_id)
    assert len(_private_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        BadgeBatch.objects.get(pk=batch.pk).delete()

    assert not Job.objects.filter(pk=batch.job_id).exists()
    assert _private_files() == []


def test_sweep_schedule_is_created_by_name():
    from django_q.models import Schedule

    schedules_sync()
    schedules_sync()

    rows = Schedule.objects.filter(name="jobs: restart jobs of dead workers")
    assert [(r.func, r.minutes) for r in rows] == [("conference.jobs.job_sweep_task", 1)]


def test_deleting_an_event_deletes_its_jobs_and_files(event, django_capture_on_commit_callbacks):
    # No registrations: they protect the event from deletion (anonymisation is the way there).
    batch = badge_batch_create(event=event, by=None)
    export = report_export_request(event=event, fmt="xlsx", language="en")
    job_run(job_id=batch.job_id)
    job_run(job_id=export.job_id)
    assert len(_private_files()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        Job.objects.get(pk=export.job_id).delete()  # a job deleted on its own takes its export
        event.delete()

    assert (Job.objects.count(), ReportExport.objects.count(), BadgeBatch.objects.count()) == (
        0,
        0,
        0,
    )
    assert _private_files() == []
