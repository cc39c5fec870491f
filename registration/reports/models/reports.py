"""The post-event report: recommendations staff write, and export jobs run by the worker."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.languages import language_choices
from conference.models import JobBacked, JobStatus


class Recommendation(models.Model):
    """A recommendation that came out of the event, optionally from one session."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    text = models.TextField(_("recommendation"))
    order = models.PositiveIntegerField(_("order"), default=0)
    session = models.ForeignKey(
        "cms.Session",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "registration_recommendation"  # its name from before the move
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ExportFormat(models.TextChoices):
    DOCX = "docx", _("Word document (DOCX)")
    XLSX = "xlsx", _("Data annex (XLSX)")
    PDF = "pdf", _("PDF")


def export_path(instance, filename: str) -> str:
    # Only migration 0004 refers to this (exports were files of their own before jobs).
    return f"reports/{secrets.token_urlsafe(16)}/{filename}"


#: An export's status is its job's (kept under this name for the admin and the tests).
ExportStatus = JobStatus


class ReportExport(JobBacked, models.Model):
    """One requested export of an event's report, made by a ``conference.Job``.

    The job holds the status, the progress in percent (``total`` is 100), the lease and the
    file, which lives in private storage and is served only through a role-checked view.
    """

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    job = models.OneToOneField(
        "conference.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        related_name="report_export",
    )

    class Meta:
        db_table = "registration_reportexport"  # its name from before the move
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.format} {self.language} ({self.job_id})"

    # The rest of the job's views come from JobBacked.
    @property
    def progress(self) -> int:
        return self.job.percent


ReportExport.job_follows_deletion()
