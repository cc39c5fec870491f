"""Programmes and courses above events: who is enrolled in which cohort, who mentors whom,
who may manage a programme, and the certificates of those who completed.

A programme is a ``cms.ProgrammePage``; its events are its child pages. An enrolment is the
programme-level record of one person (the default-locale programme page, like a registration
belongs to the default-locale event): enrolling registers the person for each event of their
cohort (ordinary ``Registration`` rows, one per event, found again by the normalised e-mail).
Attendance is the check-in room's ``CheckIn`` (scanned, self check-in, or marked on a roster).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.language_texts import LanguageTextsField
from conference.languages import language_choices
from conference.models import JobBacked
from conference.storage import private_storage
from registration.models.registrations import Sex, StaffRole


def new_token() -> str:
    """A random, unguessable token (certificate verification, a participant's programme link)."""
    return secrets.token_urlsafe(24)


class ProgrammeRole(models.Model):
    """A staff member's role on a programme: what of its participants' data they may see.

    The same roles as on an event (``StaffRole``). Granting one also grants it on each event
    of the programme (``programmes.services.programme_role_assign``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="programme_roles",
    )
    programme = models.ForeignKey(
        "cms.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=24, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="programmerole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.role} · {self.programme_id}"


class Cohort(models.Model):
    """A group of a programme's participants (a region, a class of a course) with its own
    capacity and its own events besides the programme's common ones.

    An event of the programme that no cohort lists is common to every cohort.
    """

    programme = models.ForeignKey(
        "cms.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="cohorts",
    )
    name = LanguageTextsField(_("name"))
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("A short code the roster file uses for this cohort, e.g. kharkiv-1."),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    events = models.ManyToManyField(
        "cms.EventPage",
        verbose_name=_("events of this cohort only"),
        blank=True,
        related_name="cohorts",
    )
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cohort_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class EnrolmentRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    TRAINER = "trainer", _("Trainer")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "Enrolled")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")


class Enrolment(models.Model):
    """One person in one programme (its default-locale page), in at most one cohort.

    Holds what the programme's report and certificate need (name, sex, institution, region,
    role); the rest of the person's data stays on their registrations. Personal data: it is
    exported and anonymised with the person's registrations.
    """

    programme = models.ForeignKey(
        "cms.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    role = models.CharField(
        _("role in the programme"),
        max_length=20,
        choices=EnrolmentRole.choices,
        default=EnrolmentRole.PARTICIPANT,
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    email_normalised = models.CharField(_("normalised e-mail"), max_length=254, editable=False)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    access_key = models.CharField(
        _("access key"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email_normalised"],
                condition=Q(anonymised_at__isnull=True),
                name="enrolment_once_per_programme",
            )
        ]

    def __str__(self) -> str:
        # No personal data in log labels.
        return f"enrolment {self.pk}"


class MentorPair(models.Model):
    """A mentor and a mentee of one cohort. Their contact details are shown to each other only
    once both have consented (each consent is recorded with its time)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="pairs"
    )
    mentor = models.ForeignKey(
        Enrolment,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="mentee_pairs",
    )
    mentee = models.ForeignKey(
        Enrolment,
        verbose_name=_("mentee"),
        on_delete=models.CASCADE,
        related_name="mentor_pairs",
    )
    mentor_consent_at = models.DateTimeField(
        _("mentor agreed to share contact at"), null=True, blank=True
    )
    mentee_consent_at = models.DateTimeField(
        _("mentee agreed to share contact at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("paired at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paired by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.UniqueConstraint(fields=["mentee"], name="mentorpair_one_mentor_per_mentee"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorpair_not_self"),
        ]

    def __str__(self) -> str:
        return f"pair {self.pk}"

    @property
    def contact_shared(self) -> bool:
        return self.mentor_consent_at is not None and self.mentee_consent_at is not None


class Certificate(models.Model):
    """The certificate of one enrolment that completed. Its token opens the public
    verification page (name, course, hours, date only); re-issuing after a correction keeps
    the token; revoking makes the page say so."""

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    issued_at = models.DateTimeField(_("issued at"))
    reissued_at = models.DateTimeField(_("re-issued at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"certificate {self.pk}"


class CertificateBatch(JobBacked, models.Model):
    """Certificates issued in bulk for a programme by the worker (progress on its job)."""

    programme = models.ForeignKey(
        "cms.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="certificate_batches",
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
    job = models.OneToOneField(
        "conference.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        related_name="certificate_batch",
    )

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"certificates {self.programme_id} · {self.job_id}"


CertificateBatch.job_follows_deletion()


class RosterImport(JobBacked, models.Model):
    """A roster file (XLSX or CSV) sent by an institution: checked row by row in a dry run,
    then imported by the worker with progress. The file is personal data: private storage."""

    programme = models.ForeignKey(
        "cms.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="roster_imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(
        _("file"), upload_to="rosters/%Y/%m/", storage=private_storage, max_length=255
    )
    dry_run = models.JSONField(_("dry run"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    job = models.OneToOneField(
        "conference.Job",
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roster_import",
    )

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"roster {self.programme_id} · {self.pk}"
