"""The outbox: one row per e-mail that must go out, written with the change that causes it.

Also the calendar state an invite depends on: per event (``EventCalendar``: the fingerprint of
what matters in the agenda and the iTIP ``SEQUENCE``) and per registration (``CalendarInvite``:
the stable ``UID`` and the participant's own changes), and the organiser's bulk message.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.language_texts import LanguageTextsField


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded")
    #: Left in SENDING by a worker that died where we cannot prove the e-mail did not go out.
    ATTENTION = "attention", _("Needs attention")


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
    sequence = models.PositiveIntegerField(_("calendar sequence"), null=True, blank=True)
    #: The e-mail exactly as it goes over SMTP (MIME, CRLF line ends), except the ``Date``
    #: header, added when sent: built once when queued, so that sending is only I/O and a
    #: copy sent again after a crash is the same message, byte for byte.
    wire = models.BinaryField(_("message as sent"), blank=True, default=b"", editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MessageStatus.choices,
        default=MessageStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("resend of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )
    bulk = models.ForeignKey(
        "messaging.OrganiserMessage",
        verbose_name=_("organiser's message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "registration_message"  # its name from before the move
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        # One index for the sender's question (which rows are pending and due?): every index
        # is written again each time a row changes status, once per e-mail.
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["registration", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class EventCalendar(models.Model):
    """What the event's invites last said: a fingerprint of the agenda and its SEQUENCE."""

    event = models.OneToOneField(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="calendar_state",
    )
    fingerprint = models.CharField(_("agenda fingerprint"), max_length=64, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    #: The sequence whose updates are all in the outbox (behind ``sequence`` while queueing).
    queued_sequence = models.PositiveIntegerField(_("queued sequence"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    #: When the fan-out of updates or cancellations last committed rows (set with its cause):
    #: one quiet for longer than ``MESSAGES_FANOUT_LEASE`` is resumed by the minute sweep.
    fan_out_progress_at = models.DateTimeField(
        _("fan-out progress at"), null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("event cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "registration_eventcalendar"  # its name from before the move
        verbose_name = _("event calendar state")
        verbose_name_plural = _("event calendar states")

    def __str__(self) -> str:
        return f"{self.event_id} · SEQUENCE {self.sequence}"


def new_uid() -> str:
    return uuid.uuid4().hex


class CalendarInvite(models.Model):
    """A participant's calendar entry: the stable UID and how often they changed it."""

    registration = models.OneToOneField(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="calendar_invite",
    )
    uid = models.CharField(_("UID"), max_length=64, unique=True, default=new_uid)
    #: Raised on every change that is the participant's own (cancel, confirmed again).
    bumps = models.PositiveIntegerField(_("own changes"), default=0)
    last_method = models.CharField(_("last method"), max_length=10, blank=True)
    last_sequence = models.PositiveIntegerField(_("last sequence"), default=0)

    class Meta:
        db_table = "registration_calendarinvite"  # its name from before the move
        verbose_name = _("calendar invite")
        verbose_name_plural = _("calendar invites")

    def __str__(self) -> str:
        return f"{self.uid} ({self.last_method} {self.last_sequence})"


class OrganiserMessage(models.Model):
    """A note an organiser writes to the participants of one event, in each language."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="organiser_messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    statuses = models.JSONField(_("to participants who are"), default=list)
    #: ``{language: text}`` for each language of ``settings.LANGUAGES`` the organiser wrote.
    subject_i18n = LanguageTextsField(_("subject"), text_max_length=200)
    body_i18n = LanguageTextsField(_("text"), multiline=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    #: Every recipient's row is in the outbox. Until then ``queued_at`` (set with the click on
    #: "Send") is the durable intent that the minute sweep finishes if a worker died.
    fanned_out_at = models.DateTimeField(
        _("all e-mails queued at"), null=True, blank=True, editable=False
    )
    #: When the fan-out last committed a chunk of rows (see ``EventCalendar``).
    fan_out_progress_at = models.DateTimeField(
        _("fan-out progress at"), null=True, blank=True, editable=False
    )

    class Meta:
        db_table = "registration_organisermessage"  # its name from before the move
        verbose_name = _("organiser's message")
        verbose_name_plural = _("organiser's messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject_i18n.get(settings.LANGUAGE_CODE, "")

    def text_for(self, language: str) -> tuple[str, str]:
        """Subject and body in ``language``, or in English when that one is not written."""
        if not (self.subject_i18n.get(language) and self.body_i18n.get(language)):
            language = settings.LANGUAGE_CODE
        return self.subject_i18n.get(language, ""), self.body_i18n.get(language, "")


class OutboxWakeUp(models.Model):
    """A send task is queued and has not started yet: the row exists exactly then.

    Every commit that queues mail would otherwise enqueue its own send task (a broker write
    and, on the ORM broker, a second commit per registration). Instead the first commit
    inserts this row and enqueues one task; later commits find the row and know that task
    will still see their rows, because it deletes the row *before* it reads the outbox.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    class Meta:
        db_table = "registration_outboxwakeup"  # its name from before the move
        verbose_name = _("outbox wake-up")

    def __str__(self) -> str:
        return "send task queued"
