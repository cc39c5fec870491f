"""Running jobs: claim with a lease, report progress as a heartbeat, finish once.

A job runs in a django-q2 worker through ``job_run_task``. Claiming it sets a fresh lease
(``lease_token``, ``lease_until``); every progress report renews the lease, and every write of
the worker is conditional on still holding it. A worker that dies (SIGKILL, out of memory, a
lost machine) leaves its job ``running`` with a lease that runs out: ``job_sweep``, run by a
django-q2 schedule every minute, queues it again, and the next claim starts it from zero
(after ``JOBS_MAX_ATTEMPTS`` tries it is failed with a sentence). A task delivered twice (the
broker's at-least-once redelivery, a sweep racing a slow worker) finds the job done, or its
lease held, and does nothing.

Handlers are named by kind in ``settings.JOB_HANDLERS`` (dotted paths: this module imports
nothing of the project's apps). A handler is called as ``handler(job=job, context=context)``
and returns a ``JobResult`` (the download name and the content); the file is written to
private storage under a random name only when the work is complete.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from conference.models import Job, JobStatus
from conference.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)

TASK = "conference.jobs.job_run_task"


class JobLeaseLost(Exception):
    """The job's lease went to another worker (this one was too slow): stop quietly."""

    code = "lease_lost"


@dataclass(frozen=True)
class JobResult:
    """What a handler made: the name staff download it as, and its content."""

    filename: str
    content: bytes | IO[bytes]


class JobContext:
    """Given to a handler: reports progress and renews the lease at the same time."""

    def __init__(self, job: Job, token: str) -> None:
        self.job = job
        self.token = token

    def progress(self, done: int, total: int | None = None) -> None:
        """Record ``done`` (of ``total``) and renew the lease; raises ``JobLeaseLost``.

        Side effects: one conditional update of the job row.
        """
        now = timezone.now()
        values: dict[str, Any] = {
            "progress": max(0, int(done)),
            "heartbeat_at": now,
            "lease_until": now + _lease(),
        }
        if total is not None:
            values["total"] = max(0, int(total))
        held = Job.objects.filter(
            pk=self.job.pk, status=JobStatus.RUNNING, lease_token=self.token
        ).update(**values)
        if not held:
            raise JobLeaseLost(f"job {self.job.pk} is held by another worker")


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def job_create(*, kind: str, params: dict | None = None, owner=None, total: int = 0) -> Job:
    """A new job of ``kind`` for the worker.

    Side effects: a ``Job`` row; its task is queued after the surrounding transaction commits.
    """
    if kind not in settings.JOB_HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params or {},
            owner=owner if getattr(owner, "pk", None) else None,
            total=total,
            queued_at=timezone.now(),
        )
        enqueue_after_commit(TASK, job.pk)
    return job


def job_claim(*, job_id: int) -> tuple[Job, str] | None:
    """Take the job for this worker if nobody holds it: (job, lease token), or None.

    None when the job is gone, finished, or running under a lease that has not run out.
    A job that has used up its attempts is failed instead.
    Side effects: the row moves to ``running`` with a new lease, ``attempts`` + 1, progress
    reset; all under a row lock.
    """
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return None
        if job.status == JobStatus.RUNNING and job.lease_until and job.lease_until > now:
            return None
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            job.status = JobStatus.FAILED
            job.error = job.error or "the worker stopped before the job was done"
            job.finished = now
            job.lease_token = ""
            job.save(update_fields=["status", "error", "finished", "lease_token"])
            return None
        token = secrets.token_hex(16)
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.lease_token = token
        job.lease_until = now + _lease()
        job.heartbeat_at = now
        job.started = now
        job.progress = 0
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "attempts",
                "lease_token",
                "lease_until",
                "heartbeat_at",
                "started",
                "progress",
                "error",
            ]
        )
    return job, token


def job_run(*, job_id: int) -> str:
    """Claim the job, run its handler, keep its file: returns what happened.

    ``done``, ``failed`` (the handler raised: the reason is kept for staff), ``skipped`` (gone,
    finished, or held by another worker) or ``lease_lost``.
    Side effects: the job row; on success one file in private storage.
    """
    claimed = job_claim(job_id=job_id)
    if claimed is None:
        return "skipped"
    job, token = claimed
    context = JobContext(job, token)
    try:
        handler = import_string(settings.JOB_HANDLERS[job.kind])
        result = handler(job=job, context=context)
    except JobLeaseLost:
        return "lease_lost"
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk, lease_token=token).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished=timezone.now(),
            lease_until=None,
        )
        return "failed"
    return _job_finish(job=job, token=token, result=result)


def _job_finish(*, job: Job, token: str, result: JobResult) -> str:
    content = result.content
    if isinstance(content, bytes | bytearray):
        content = ContentFile(content)
    else:
        content.seek(0)
        content = File(content)
    try:
        name = job.file.field.generate_filename(job, result.filename)
        name = job.file.storage.save(name, content)
    finally:
        content.close()
    finished = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, lease_token=token).update(
        status=JobStatus.DONE,
        file=name,
        filename=result.filename[:255],
        progress=F("total"),
        finished=timezone.now(),
        lease_until=None,
    )
    if not finished:
        # Another worker took the job over while this one was slow: keep its file, not ours.
        job.file.storage.delete(name)
        return "lease_lost"
    return "done"


def job_sweep() -> int:
    """Queue again every job whose worker died (lease run out) or whose task was lost.

    A job ``running`` past its lease goes back to ``pending``; a ``pending`` job queued longer
    ago than a lease is queued again (a duplicate delivery is harmless). Returns how many
    tasks were queued. Side effects: job rows updated, tasks queued after commit.
    """
    now = timezone.now()
    stale = now - _lease()
    queued = 0
    with transaction.atomic():
        dead = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.RUNNING, lease_until__lt=now)
            .values_list("pk", flat=True)
        )
        waiting = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.PENDING)
            .filter(Q(queued_at__lt=stale) | Q(queued_at__isnull=True))
            .values_list("pk", flat=True)
        )
        if dead:
            Job.objects.filter(pk__in=dead).update(
                status=JobStatus.PENDING, lease_token="", lease_until=None, queued_at=now
            )
            logger.warning("jobs %s: worker died, queued again", dead)
        if waiting:
            Job.objects.filter(pk__in=waiting).update(queued_at=now)
        for job_id in [*dead, *waiting]:
            enqueue_after_commit(TASK, job_id)
            queued += 1
    return queued


def job_delete_file(*, job: Job) -> None:
    """Remove the job's file from storage (when its batch or export is deleted)."""
    if job.file:
        job.file.storage.delete(job.file.name)


# --- Tasks: adapters with primitive arguments ----------------------------------------------


def job_run_task(job_id: int) -> str:
    """Run one job (idempotent: a finished or held job is left alone)."""
    return job_run(job_id=job_id)


def job_sweep_task() -> int:
    """The schedule's entry point: queue jobs whose worker died."""
    return job_sweep()
