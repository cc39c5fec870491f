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
