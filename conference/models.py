"""One model for long work done in the worker: a ``Job`` with a lease, progress and a file.

Badge batches and report exports each keep their own row (what was asked for) pointing at one
job (how the work is going). ``conference.jobs`` runs jobs; this module only holds the data.
Nothing here imports the project's other apps.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from conference.storage import private_storage


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def job_file_path(instance: Job, filename: str) -> str:
    # A random name: the file is found only through its job row, never by guessing.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"jobs/{secrets.token_urlsafe(24)}{suffix}"


class Job(models.Model):
    """Long work for the worker. A running job holds a lease that it renews as it reports
    progress; a job whose lease ran out belongs to a worker that died and is run again."""

    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=job_file_path, blank=True, max_length=255
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "lease_until"], name="job_status_lease")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished_ok(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, int(100 * self.progress / self.total)) if self.total else 0


@receiver(post_delete, sender=Job)
def _job_deleted(sender, instance: Job, **kwargs) -> None:
    # A job's file may hold personal data: it goes with the row, once the deletion commits.
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


class JobBacked:
    """Cheap views of the ``job`` of a model that asks for long work (a badge batch, a report
    export), for templates and JSON; and the job (with its private file) goes when the row
    goes, also when an event's deletion cascades to it (``job_follows_deletion``)."""

    job: Job

    @property
    def status(self) -> str:
        return self.job.status

    def get_status_display(self) -> str:
        return self.job.get_status_display()

    @property
    def total(self) -> int:
        return self.job.total

    @property
    def percent(self) -> int:
        return self.job.percent

    @property
    def file(self):
        return self.job.file

    @property
    def error(self) -> str:
        return self.job.error

    @classmethod
    def job_follows_deletion(cls) -> None:
        """Connect the receiver that deletes the row's job after the row (call once, after the
        class is defined)."""

        def _deleted(sender, instance, **kwargs) -> None:
            Job.objects.filter(pk=instance.job_id).delete()

        post_delete.connect(_deleted, sender=cls, weak=False, dispatch_uid=f"job:{cls.__name__}")
