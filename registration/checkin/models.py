"""Check-in: one row per participant per event day, made by scanning a badge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.models import JobBacked, JobStatus


class CheckInSource(models.TextChoices):
    SCAN = "scan", _("Badge scanned")
    SELF = "self", _("Self check-in online")
    ROSTER = "roster", _("Marked on the roster")


class CheckIn(models.Model):
    """A participant's arrival on one day of the event, and their leaving when recorded.

    Attendance hours of programmes are counted from ``at`` to ``left_at`` within the day's
    scheduled time (late arrival and early leave count hours, not just presence).
    """

    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("checked in at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nonce = models.CharField(_("scan nonce"), max_length=64, unique=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=CheckInSource.choices, default=CheckInSource.SCAN
    )

    class Meta:
        db_table = "registration_checkin"  # its name from before the move
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["day", "at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="checkin_once_per_day"),
            models.CheckConstraint(
                condition=models.Q(left_at__isnull=True) | models.Q(left_at__gte=models.F("at")),
                name="checkin_leaves_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.day}"


class BadgeLayout(models.TextChoices):
    A6 = "a6", _("A6, one badge per page")
    A4 = "a4", _("A4, four badges per sheet")


#: A badge batch's status is its job's (kept under this name for the admin and the tests).
BadgeBatchStatus = JobStatus


class BadgeBatch(JobBacked, models.Model):
    """One PDF of many badges, asked for by staff and made by a ``conference.Job``.

    The job holds the status, the progress (badges made of ``total``), the lease and the file.
    The file holds personal data: it lives in private storage and is served only through a
    view that checks the staff member's role on the event, never from a media URL.
    """

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="badge_batches",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    layout = models.CharField(
        _("layout"), max_length=4, choices=BadgeLayout.choices, default=BadgeLayout.A4
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    job = models.OneToOneField(
        "conference.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        related_name="badge_batch",
    )

    class Meta:
        db_table = "registration_badgebatch"  # its name from before the move
        verbose_name = _("badge batch")
        verbose_name_plural = _("badge batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.layout} · {self.job_id}"

    # The rest of the job's views come from JobBacked.
    @property
    def done(self) -> int:
        return self.job.progress


BadgeBatch.job_follows_deletion()
