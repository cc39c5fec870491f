"""Nominations: a focal point of a ministry or participating State nominates the delegation's
members within a quota and before a deadline; organisers approve them; approved nominees
complete their own registration; visa letters follow.

A delegation belongs to an event (its default-locale page). A nomination holds only what the
focal point knows (name, e-mail, sex, position, institution, role); the nominee's own data
(interpretation language, needs, passport details for a visa letter) is entered by the nominee
on their registration, never by the focal point. Personal data of every model here is exported
and anonymised with the nominee's registration or, before one exists, with the event's data.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from conference.languages import language_choices
from conference.storage import private_storage
from registration.models.registrations import ParticipantRole, Sex


def new_key() -> str:
    """A random, unguessable key (a focal point's link, a visa letter's verification)."""
    return secrets.token_urlsafe(24)


class DelegationKind(models.TextChoices):
    COUNTRY = "country", _("Participating State")
    ORGANISATION = "organisation", _("Organisation")


class Delegation(models.Model):
    """The members one focal point nominates for one event: a country's or an organisation's.

    The focal point reaches the delegation's page by a signed link made of ``access_key``
    (revocable: a new key kills the old link; ``revoked_at`` closes it for good).
    """

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DelegationKind.choices, default=DelegationKind.COUNTRY
    )
    country = CountryField(_("country"), blank=True)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Shown to the focal point and in lists, e.g. Kyrgyz Republic."),
    )
    quota = models.PositiveSmallIntegerField(_("places"), default=4)
    role_quotas = models.JSONField(
        _("places per role"),
        default=dict,
        blank=True,
        help_text=_("Optional, e.g. 2 speakers and 2 observers; empty: any role."),
    )
    deadline = models.DateTimeField(_("nomination deadline"), null=True, blank=True)
    reopened_until = models.DateTimeField(
        _("reopened until"),
        null=True,
        blank=True,
        help_text=_("Lets this delegation nominate after the deadline, until this time."),
    )
    focal_name = models.CharField(_("focal point's name"), max_length=200)
    focal_email = models.EmailField(_("focal point's e-mail"))
    focal_language = models.CharField(
        _("focal point's language"), max_length=8, choices=language_choices, default="en"
    )
    access_key = models.CharField(
        _("access key"), max_length=64, unique=True, default=new_key, editable=False
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("link revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["event_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="delegation_name_unique"),
            models.UniqueConstraint(
                fields=["event", "country"],
                condition=~Q(country=""),
                name="delegation_country_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"delegation {self.pk}"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", pgettext_lazy("nomination status", "Nominated")
    APPROVED = "approved", pgettext_lazy("nomination status", "Approved")
    DECLINED = "declined", pgettext_lazy("nomination status", "Declined")
    REPLACEMENT_ASKED = (
        "replacement_asked",
        pgettext_lazy("nomination status", "Replacement requested"),
    )
    REPLACED = "replaced", pgettext_lazy("nomination status", "Replaced")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination status", "Withdrawn")


#: Statuses that hold one of the delegation's places.
HOLDS_A_PLACE = (NominationStatus.NOMINATED, NominationStatus.APPROVED)


class Nomination(models.Model):
    """One person nominated by a delegation's focal point, with what the focal point knows.

    ``registration`` is set when the approved nominee completes their own registration (the
    existing form, prefilled). ``replaces`` links a replacement to the person whose place it
    took. An e-mail address is nominated at most once per event (across delegations).
    """

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
        db_index=True,
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    email_normalised = models.CharField(_("normalised e-mail"), max_length=254, editable=False)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.CharField(_("institution"), max_length=200)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    registration = models.OneToOneField(
        "registration.Registration",
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nomination",
    )
    invite_key = models.CharField(
        _("invitation key"), max_length=64, unique=True, default=new_key, editable=False
    )
    message = models.TextField(_("message from the organisers"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["delegation_id", "family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_normalised"],
                condition=Q(anonymised_at__isnull=True)
                & ~Q(status__in=["declined", "replaced", "withdrawn"]),
                name="nomination_once_per_event",
            )
        ]

    def __str__(self) -> str:
        # No personal data in log labels.
        return f"nomination {self.pk}"


class DocumentKind(models.TextChoices):
    NOMINATION_LETTER = "nomination_letter", _("Nomination letter")
    NOTE_VERBALE = "note_verbale", _("Note Verbale")
    OTHER = "other", _("Other")


def delegation_document_path(instance: DelegationDocument, filename: str) -> str:
    # A random name: the file's own name (often a person's) never reaches the storage path.
    return f"nominations/{instance.delegation_id}/{secrets.token_hex(16)}.pdf"


class DelegationDocument(models.Model):
    """A PDF a focal point uploads for the delegation (nomination letter, Note Verbale).
    Private storage; served only to the delegation's focal point and the event's staff."""

    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DocumentKind.choices,
        default=DocumentKind.NOMINATION_LETTER,
    )
    file = models.FileField(
        _("file"), upload_to=delegation_document_path, storage=private_storage, max_length=255
    )
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegation document")
        verbose_name_plural = _("delegation documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"document {self.pk}"


class VisaRequest(models.Model):
    """What a participant enters for a visa invitation letter: their name as in the passport,
    nationality, passport number and dates. Personal data of the most sensitive kind:
    anonymised with the registration (the row is deleted)."""

    registration = models.OneToOneField(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="visa_request",
    )
    name_in_passport = models.CharField(_("name as in the passport"), max_length=200)
    nationality = CountryField(_("nationality"))
    passport_number = models.CharField(_("passport number"), max_length=30)
    passport_expires = models.DateField(_("passport valid until"))
    date_of_birth = models.DateField(_("date of birth"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("visa request")
        verbose_name_plural = _("visa requests")

    def __str__(self) -> str:
        return f"visa request {self.pk}"


class VisaLetter(models.Model):
    """An issued visa invitation letter: its reference number, and the random token its
    verification QR code opens (the page confirms the reference, name and dates only)."""

    registration = models.OneToOneField(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="visa_letter_issued",
    )
    reference = models.CharField(_("reference number"), max_length=40, unique=True)
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_key, editable=False
    )
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visa letter")
        verbose_name_plural = _("visa letters")

    def __str__(self) -> str:
        return self.reference


class VisaLetterTemplate(models.Model):
    """The organiser's letter for one event in one language: letterhead, body with
    placeholders, signatory. The visa letter PDF is made from it."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="visa_letter_templates",
    )
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    letterhead = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("letterhead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(
        _("letter text"),
        help_text=_(
            "Placeholders: {name}, {nationality}, {passport_number}, {date_of_birth}, "
            "{event}, {dates}, {venue}, {city}, {purpose}, {reference}."
        ),
    )
    purpose = models.CharField(_("purpose of the visit"), max_length=300)
    signatory_name = models.CharField(_("signed by"), max_length=200)
    signatory_title = models.CharField(_("signatory's position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visa letter template")
        verbose_name_plural = _("visa letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="visaletter_template_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.language}"
