"""Participants: the registration record, its status history, and staff roles per event."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from django.conf import settings
from django.db import models
from django.utils.choices import BlankChoiceIterator, CallableChoiceIterator
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import CountryField, LazyTypedChoiceField
from phonenumber_field.modelfields import PhoneNumberField

from cms.fields import language_name
from conference.l10n import country_choices
from conference.languages import language_choices


def new_token() -> str:
    """A random, unguessable token (256 bits) that means nothing without the database."""
    return secrets.token_urlsafe(32)


class CountryChoiceField(LazyTypedChoiceField):
    """django-countries' form field, checking a code by lookup: walking 250 translated names
    for every check cost a registration more than its own database work."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # CLDR's names in the language shown, sorted as it sorts (conference.l10n), built
        # when the select is drawn and cached per language; the blank choice stays.
        blank = getattr(kwargs.get("choices"), "blank_choice", [])
        self.choices = BlankChoiceIterator(CallableChoiceIterator(country_choices), blank)

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and value in self.countries

    @property
    def countries(self):
        return countries


class CountryCodeField(CountryField):
    """A ``CountryField`` that validates a known code by lookup (see ``CountryChoiceField``)."""

    def validate(self, value, model_instance) -> None:
        if isinstance(value, str) and value and value in self.countries:
            return  # a known, non-empty code: the choices walk could only confirm it
        super().validate(value, model_instance)

    def formfield(self, **kwargs):
        kwargs.setdefault("choices_form_class", CountryChoiceField)
        return super().formfield(**kwargs)


class RegistrationStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("Awaiting e-mail confirmation")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


#: Statuses that take a place within the event's capacity.
HOLDS_A_PLACE = (
    RegistrationStatus.AWAITING_EMAIL,
    RegistrationStatus.AWAITING_APPROVAL,
    RegistrationStatus.CONFIRMED,
)


class Title(models.TextChoices):
    MS = "ms", _("Ms")
    MR = "mr", _("Mr")
    MX = "mx", _("Mx")
    DR = "dr", _("Dr")
    PROF = "prof", _("Prof.")


#: The title as written next to a name (the choice labels above may explain a title, as
#: Russian and Ukrainian do for "Mx"; a name is printed with the short form only).
TITLE_SHORT = {
    Title.MS: pgettext_lazy("title, short form", "Ms"),
    Title.MR: pgettext_lazy("title, short form", "Mr"),
    Title.MX: pgettext_lazy("title, short form", "Mx"),
    Title.DR: pgettext_lazy("title, short form", "Dr"),
    Title.PROF: pgettext_lazy("title, short form", "Prof."),
}
#: The name with its title, per title: a language places each title where it belongs
#: (Kazakh writes "ханым" and "мырза" after the name, "профессор" before it).
TITLE_WITH_NAME = {
    Title.MS: pgettext_lazy("title with a name", "Ms %(name)s"),
    Title.MR: pgettext_lazy("title with a name", "Mr %(name)s"),
    Title.MX: pgettext_lazy("title with a name", "Mx %(name)s"),
    Title.DR: pgettext_lazy("title with a name", "Dr %(name)s"),
    Title.PROF: pgettext_lazy("title with a name", "Prof. %(name)s"),
}


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or national authority")
    POLICE = "police", _("Police or other law enforcement")
    OSCE = "osce", _("OSCE structure or field operation")
    INTERNATIONAL = "international", _("Other international organisation")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media")
    OTHER = "other", pgettext_lazy("organisation type", "Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    EXPERT = "expert", _("Expert")
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    ORGANISER = "organiser", _("Organiser")
    INTERPRETER = "interpreter", _("Interpreter")
    OBSERVER = "observer", _("Observer")


#: Roles a person may choose on the public form; staff assign the others in the admin (an
#: "Organiser" or "Speaker" badge must not be one click away for anyone).
PUBLIC_ROLES = (ParticipantRole.PARTICIPANT, ParticipantRole.MENTEE, ParticipantRole.OBSERVER)


class AccessNeed(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair access")
    SIGN_LANGUAGE = "sign_language", _("Sign language interpretation")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    LARGE_PRINT = "large_print", _("Large print materials")
    OTHER = "other", pgettext_lazy("access need", "Other")


class DietaryNeed(models.TextChoices):
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    HALAL = "halal", _("Halal")
    KOSHER = "kosher", _("Kosher")
    GLUTEN_FREE = "gluten_free", _("Gluten-free")
    LACTOSE_FREE = "lactose_free", _("Lactose-free")
    NUT_ALLERGY = "nut_allergy", _("Nut allergy")


class Registration(models.Model):
    """One person's registration for one event (always the event's source-language page)."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.AWAITING_EMAIL,
        db_index=True,
    )
    title = models.CharField(
        pgettext_lazy("form of address", "title"), max_length=8, choices=Title.choices, blank=True
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    badge_name = models.CharField(_("name on badge"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"))
    email_normalised = models.CharField(_("normalised e-mail"), max_length=254, editable=False)
    #: What the staff search reads (``search_document``): kept by ``save()``, never shown.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    phone = PhoneNumberField(_("phone"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    country = CountryCodeField(_("country"), blank_label=_("Choose…"))
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
    )
    interpretation_language = models.CharField(
        _("interpretation language"),
        max_length=8,
        blank=True,
        help_text=_("The language the participant listens to."),
    )
    access_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    access_needs_other = models.CharField(
        _("other accessibility needs"), max_length=300, blank=True
    )
    dietary = models.JSONField(_("dietary requirements"), default=list, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    visa_letter = models.BooleanField(_("needs a visa support letter"), default=False)
    language = models.CharField(
        _("language for messages"), max_length=8, choices=language_choices, default="en"
    )
    consent_version = models.CharField(_("privacy notice version"), max_length=32)
    consent_at = models.DateTimeField(_("consent given at"))

    access_key = models.CharField(
        _("access key"), max_length=64, unique=True, default=new_token, editable=False
    )
    badge_token = models.CharField(
        _("badge token"), max_length=64, unique=True, default=new_token, editable=False
    )
    invitation_code = models.CharField(_("invitation code used"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_normalised"], name="registration_unique_email_per_event"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        # A number, never the person: Wagtail writes this into audit-log labels, chooser and
        # bulk-action pages, which outlive the registration and reach other staff.
        return str(_("Registration #%(number)s") % {"number": self.pk})

    def save(self, *args, **kwargs):
        self.email_normalised = normalise_email(self.email)
        # An anonymised registration is found by no name: its placeholder is nobody's.
        self.search_text = "" if self.anonymised_at else search_document(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"search_text", *SEARCH_SOURCES}.isdisjoint(
            update_fields
        ):
            # A partial save of a searched detail (the update service) keeps the column current.
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    # The column heading of the participants list (Django's label_for_field reads it).
    full_name.fget.short_description = pgettext_lazy("person", "Full name")

    @property
    def title_short(self) -> str:
        """The title's short form in the active language ("Mx", "г-жа"); empty without one."""
        return str(TITLE_SHORT.get(self.title, ""))

    @property
    def name_with_title(self) -> str:
        """The full name with the title's short form, placed as the active language places
        it: what the personal page, the e-mails and the badge print."""
        form = TITLE_WITH_NAME.get(self.title)
        return str(form) % {"name": self.full_name} if form else self.full_name

    @property
    def name_on_badge(self) -> str:
        """The name the participant typed for the badge, else the name with its title."""
        return self.badge_name or self.name_with_title


#: Who may change a participant field once the registration is made (``editable_by``).
PARTICIPANT = "participant"
STAFF = "staff"
BOTH = frozenset({PARTICIPANT, STAFF})


@dataclass(frozen=True)
class ParticipantField:
    """One of the participant's details, as every screen and export of them sees it.

    ``PARTICIPANT_FIELDS`` below is the one list: the public form asks for each of them, the
    participant's page and the staff edit screen offer those their editor may change
    (``editable_by``), and the update service refuses the others; the admin's inspect view,
    the spreadsheet export and the personal data export show them all. Add a detail here (and
    on the model) and every one of those places has it.
    """

    name: str
    #: Where forms and admin panels group it: ``person``, ``work`` or ``needs``.
    section: str
    #: Who may change it after registering (``PARTICIPANT``, ``STAFF``); empty: nobody.
    editable_by: frozenset[str] = BOTH
    #: What a person types here: ``name`` (a person's name), ``badge`` (a name on a badge:
    #: letters, anything else too), ``free`` (any text); empty when
    #: it is chosen from a list or checked by its own field (e-mail, phone). The forms apply
    #: the validators of each kind (``registration.forms.TEXT_VALIDATORS``).
    text: str = ""
    #: A heading when the model's ``verbose_name`` reads badly as one (or translates badly).
    heading: Promise | None = None

    @property
    def model_field(self) -> models.Field:
        return Registration._meta.get_field(self.name)

    @property
    def label(self) -> Promise | str:
        """Column heading and row label: the model's ``verbose_name`` unless ``heading``."""
        return self.heading or capfirst(self.model_field.verbose_name)

    def display(self, registration: Registration) -> str:
        """The value as a person reads it: labels, not codes; lists joined by "; "."""
        value = getattr(registration, self.name)
        if self.name == "phone":
            return str(value) if value else ""
        if self.name == "country":
            return str(value.name) if value else ""
        if self.name == "interpretation_language":
            return language_name(value) if value else ""
        if self.name in LIST_CHOICES:
            labels = dict(LIST_CHOICES[self.name].choices)
            return "; ".join(str(labels.get(code, code)) for code in value or [])
        if self.name == "title":
            return registration.title_short
        if self.model_field.choices:
            return str(getattr(registration, f"get_{self.name}_display")())
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        return value or ""

    def data(self, registration: Registration) -> Any:
        """The value as stored, JSON-safe (codes, not labels): the personal data export."""
        value = getattr(registration, self.name)
        if self.name == "phone":
            return str(value) if value else ""
        if self.name == "country":
            return str(value.code) if value else ""
        if self.name in LIST_CHOICES:
            return list(value or [])
        return value


#: The multiple-choice details (JSON lists of codes) and the choices their codes come from.
LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "access_needs": AccessNeed,
    "dietary": DietaryNeed,
}

#: The participant's details, in the order the forms, the admin and the exports show them.
PARTICIPANT_FIELDS: tuple[ParticipantField, ...] = (
    ParticipantField("title", "person"),
    ParticipantField("given_name", "person", text="name"),
    ParticipantField("family_name", "person", text="name"),
    ParticipantField("badge_name", "person", text="badge"),
    # The address the registration was confirmed with: to use another, register again.
    ParticipantField("email", "person", editable_by=frozenset(), heading=_("E-mail")),
    ParticipantField("phone", "person"),
    ParticipantField("organisation", "work", text="free"),
    ParticipantField("organisation_type", "work"),
    ParticipantField("position", "work", text="free"),
    ParticipantField("country", "work"),
    # Staff do not edit a person's answer about their sex, nor the ticked needs (the admin
    # has no checkbox lists for them); they may correct the free-text "other" needs.
    ParticipantField("sex", "person", editable_by=frozenset({PARTICIPANT})),
    # A role other than the public ones is given by staff (an "Organiser" badge).
    ParticipantField("role", "work", editable_by=frozenset({STAFF})),
    ParticipantField("interpretation_language", "needs"),
    ParticipantField("access_needs", "needs", editable_by=frozenset({PARTICIPANT})),
    ParticipantField("access_needs_other", "needs", text="free"),
    ParticipantField("dietary", "needs", editable_by=frozenset({PARTICIPANT})),
    ParticipantField("dietary_needs", "needs", text="free", heading=_("Dietary needs")),
    ParticipantField("visa_letter", "needs", heading=_("Visa support letter")),
    ParticipantField("language", "needs"),
)


def participant_fields(*, editable_by: str | None = None) -> tuple[ParticipantField, ...]:
    """``PARTICIPANT_FIELDS``, or those ``editable_by`` (``PARTICIPANT``, ``STAFF``) may change."""
    if editable_by is None:
        return PARTICIPANT_FIELDS
    return tuple(spec for spec in PARTICIPANT_FIELDS if editable_by in spec.editable_by)


def participant_field_names(*, editable_by: str | None = None) -> tuple[str, ...]:
    """The names of ``participant_fields(editable_by=...)``."""
    return tuple(spec.name for spec in participant_fields(editable_by=editable_by))


#: The details the staff search finds a person by (``Registration.search_text``).
SEARCH_SOURCES = ("given_name", "family_name", "badge_name", "email", "organisation")

#: Apostrophes and the marks transliteration writes for soft and hard signs: dropped, so that
#: "Aygul'" and "O'Brien" are found as "aygul" and "obrien".
_SEARCH_DROPPED = re.compile(r"['’ʼ`\"ʹʺ]")
#: Anything but letters, digits and the "@" and "." of an address separates words.
_SEARCH_SEPARATORS = re.compile(r"[^a-z0-9@.]+")
#: Spellings of one Cyrillic letter that romanisations disagree on, folded into one: Ukrainian
#: "Ihor", "Mykola" are Russian-style "Igor", "Mikola" (as ``anyascii`` writes them).
_SEARCH_FOLDS = str.maketrans({"h": "g", "y": "i"})


def search_key(text: str) -> str:
    """``text`` as the staff search compares it: Latin, lower-case, accent-free, folded.

    ``anyascii`` (a maintained transliteration of all of Unicode) writes Cyrillic, Greek or
    accented Latin in plain Latin; the letters that Russian, Ukrainian and English spellings of
    one name disagree on (h/g, y/i, apostrophes) are folded the same way on both sides. Turn a
    query with this and look it up with ``contains`` in ``Registration.search_text`` (or use
    ``search_filter``): the same on SQLite and PostgreSQL.
    """
    latin = anyascii(unicodedata.normalize("NFKC", text or "")).lower()
    latin = _SEARCH_DROPPED.sub("", latin).translate(_SEARCH_FOLDS)
    return " ".join(_SEARCH_SEPARATORS.sub(" ", latin).split())


def search_document(registration: Registration) -> str:
    """The ``search_text`` of a registration: its searched details lower-cased as written, then
    as ``search_key`` writes them, so a query in either script finds the person."""
    text = " ".join(str(getattr(registration, name) or "") for name in SEARCH_SOURCES)
    written = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return f"{written} | {search_key(text)}"


def search_filter(query: str, field: str = "search_text") -> models.Q:
    """Rows whose ``field`` (a ``search_text`` column, or a path to one) holds every word of
    ``query``, each as written (lower-case) or as ``search_key`` turns it; partial words match.
    An empty query matches everything."""
    condition = models.Q()
    # A NUL byte (a pasted or crafted query) is a separator: PostgreSQL refuses it in a string.
    for word in (query or "").replace("\x00", " ").split():
        as_written = models.Q(**{f"{field}__contains": unicodedata.normalize("NFKC", word).lower()})
        as_latin = models.Q()
        for part in search_key(word).split():
            as_latin &= models.Q(**{f"{field}__contains": part})
        condition &= (as_written | as_latin) if as_latin else as_written
    return condition


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively (in practice, for every provider we meet)."""
    return (email or "").strip().lower()


class StatusChange(models.Model):
    """Who moved a registration from one status to another, when, and why."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.from_status} → {self.to_status}"


class StaffRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    REGISTRATION_MANAGER = "registration_manager", _("Registration manager")
    CHECKIN = "checkin", _("Check-in staff")
    REPORTER = "reporter", _("Reporter")


class EventRole(models.Model):
    """A staff member's role on one event: what of that event's personal data they may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="event_roles",
    )
    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=24, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("event role")
        verbose_name_plural = _("event roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "role"], name="eventrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.event}"
