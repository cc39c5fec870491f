"""Visa requests and letters: the participant's passport details, the letter issued from them
(a reference number and a verification token that never change once given), its revocation,
and what the public verification page may confirm.

A letter is issued only for a registration that is confirmed (or whose nomination is
approved), with a visa request, for an event that has a letter template in some language:
the registration's language when there is a template in it, else the event's first working
language, else any language the event has a template in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.tasks import enqueue_after_commit
from registration.models import Registration
from registration.models.registrations import RegistrationStatus
from registration.nominations.models import (
    NominationStatus,
    VisaLetter,
    VisaLetterTemplate,
    VisaRequest,
)


class VisaError(Exception):
    """A rule of visa letters said no. ``code``: not_confirmed, no_request, no_template."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def visa_request_save(*, registration: Registration, data: dict[str, Any]) -> VisaRequest:
    """Create or update the registration's visa request from the form's cleaned data.

    Side effects: the ``VisaRequest`` row; when the registration may have its letter now, the
    worker is asked to issue it after the commit (``visa_letter_issue_later``)."""
    fields = (
        "name_in_passport",
        "nationality",
        "passport_number",
        "passport_expires",
        "date_of_birth",
    )
    with transaction.atomic():
        request, _created = VisaRequest.objects.update_or_create(
            registration=registration, defaults={name: data[name] for name in fields}
        )
        visa_letter_issue_later(registration=registration)
    return request


def _approved(registration: Registration) -> bool:
    """Confirmed, or awaiting the organisers' approval with an approved nomination (the
    organisers have approved the person already)."""
    if registration.status == RegistrationStatus.CONFIRMED:
        return True
    nomination = getattr(registration, "nomination", None)
    return (
        registration.status == RegistrationStatus.AWAITING_APPROVAL
        and nomination is not None
        and nomination.status == NominationStatus.APPROVED
    )


def visa_letter_template(registration: Registration) -> VisaLetterTemplate | None:
    """The template of the registration's letter (see the module's rule), or None."""
    event = registration.event
    templates = {row.language: row for row in VisaLetterTemplate.objects.filter(event=event)}
    if not templates:
        return None
    for language in (registration.language, *(event.languages or [])):
        if language and language[:2] in templates:
            return templates[language[:2]]
    return templates[sorted(templates)[0]]


def visa_letter_ready(registration: Registration) -> bool:
    """Whether ``visa_letter_issue`` would issue now."""
    return (
        _approved(registration)
        and VisaRequest.objects.filter(registration=registration).exists()
        and VisaLetterTemplate.objects.filter(event=registration.event_id).exists()
    )


def _reference(registration: Registration, now: dt.datetime) -> str:
    prefix = f"{registration.event_id}-{now.year}-"
    count = VisaLetter.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


def visa_letter_issue(*, registration: Registration, now: dt.datetime | None = None) -> VisaLetter:
    """Issue (or re-issue) the registration's visa letter.

    A first issue gives a reference ``<event id>-<year>-<sequence>`` (unique) and a random
    verification token; re-issuing keeps both, takes back a revocation and sets the language
    again. Side effects: the ``VisaLetter`` row. Raises ``VisaError`` (not_confirmed,
    no_request, no_template).
    """
    now = now or timezone.now()
    if not _approved(registration):
        raise VisaError(
            _("A visa letter is issued once the registration is confirmed."),
            code="not_confirmed",
        )
    if not VisaRequest.objects.filter(registration=registration).exists():
        raise VisaError(
            _("The participant has not entered their passport details yet."), code="no_request"
        )
    template = visa_letter_template(registration)
    if template is None:
        raise VisaError(
            _("This event has no visa letter template yet: add one first."), code="no_template"
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                letter = (
                    VisaLetter.objects.select_for_update().filter(registration=registration).first()
                )
                if letter is not None:
                    letter.language = template.language
                    letter.revoked_at = None
                    letter.save(update_fields=["language", "revoked_at"])
                    return letter
                return VisaLetter.objects.create(
                    registration=registration,
                    reference=_reference(registration, now),
                    language=template.language,
                    issued_at=now,
                )
        except IntegrityError:
            continue  # two letters took the same sequence number at once: count again
    raise IntegrityError("no free visa letter reference")


def visa_letter_revoke(*, letter: VisaLetter, now: dt.datetime | None = None) -> VisaLetter:
    """Revoke a letter: its verification page says so; the participant's download stops.
    Side effects: ``revoked_at``. A second call changes nothing."""
    if letter.revoked_at is None:
        letter.revoked_at = now or timezone.now()
        letter.save(update_fields=["revoked_at"])
    return letter


def visa_letter_issue_later(*, registration: Registration) -> bool:
    """Ask the worker to issue the letter after the commit, when it could be issued now and
    none is issued (revoked letters stay revoked until staff re-issue). Returns whether."""
    if VisaLetter.objects.filter(registration=registration).exists():
        return False
    if not (registration.visa_letter or hasattr(registration, "visa_request")):
        return False
    if not visa_letter_ready(registration):
        return False
    enqueue_after_commit("registration.nominations.tasks.visa_letter_issue_task", registration.pk)
    return True


@dataclass(frozen=True)
class VisaVerification:
    """What the public page may say of a token: state (valid, revoked, unknown) and, for a
    valid letter, only the reference, the holder's name and the event's dates."""

    state: str
    reference: str = ""
    name: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def visa_verification(token: str) -> VisaVerification:
    """The verification of ``token`` (no personal data for a revoked or unknown one)."""
    letter = (
        VisaLetter.objects.select_related("registration__event", "registration__visa_request")
        .filter(token=token)
        .first()
    )
    if letter is None or not hasattr(letter.registration, "visa_request"):
        return VisaVerification("unknown")
    if letter.revoked_at is not None:
        return VisaVerification("revoked", reference=letter.reference)
    event = letter.registration.event
    return VisaVerification(
        "valid",
        reference=letter.reference,
        name=letter.registration.visa_request.name_in_passport,
        start=event.start_date,
        end=event.end_date,
    )
