"""Privacy-notice acceptances: every version a participant accepted, and when.

``Registration.consent_version``/``consent_at`` always hold the latest acceptance (the form's
consent at first); these rows keep the history once a later version has been accepted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AcceptedThrough(models.TextChoices):
    FORM = "form", _("Registration form")
    PERSONAL_PAGE = "personal_page", _("Personal page")


class PrivacyAcceptance(models.Model):
    """One acceptance of one version of the privacy notice by one participant."""

    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="privacy_acceptances",
    )
    version = models.CharField(_("privacy notice version"), max_length=32)
    accepted_at = models.DateTimeField(_("accepted at"))
    through = models.CharField(
        _("accepted through"), max_length=16, choices=AcceptedThrough.choices
    )

    class Meta:
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "version"], name="privacyacceptance_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.version}"
