"""The outbox: one row per e-mail that must go out, written with the change that causes it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded")


class Message(models.Model):
    """An e-mail in the outbox. ``dedupe_key`` is unique: the same cause never queues twice."""

    event = models.ForeignKey(
        "cms.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=40)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("calendar attachment"), blank=True)
    ics_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MessageStatus.choices,
        default=MessageStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("send after"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"
