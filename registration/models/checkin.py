"""Check-in: one row per participant per event day, made by scanning a badge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    """A participant's arrival on one day of the event."""

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

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["day", "at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="checkin_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.day}"


class BadgeLayout(models.TextChoices):
    A6 = "a6", _("A6, one badge per page")
    A4 = "a4", _("A4, four badges per sheet")


class BadgeBatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Making badges")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class BadgeBatch(models.Model):
    """One PDF of many badges, made by the worker; the admin shows its progress.

    The file holds personal data: it is served only through a view that checks the staff
    member's role on the event, never from a public media URL.
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
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BadgeBatchStatus.choices,
        default=BadgeBatchStatus.PENDING,
    )
    total = models.PositiveIntegerField(_("badges"), default=0)
    done = models.PositiveIntegerField(_("badges made"), default=0)
    file = models.FileField(_("file"), upload_to="badges/", blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge batch")
        verbose_name_plural = _("badge batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.layout} · {self.status}"

    @property
    def percent(self) -> int:
        if self.status == BadgeBatchStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
