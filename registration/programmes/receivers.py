"""What the programmes room does when the registration room exports or anonymises a person.

An enrolment is the programme-level record of one person; their registrations (one per event
of their cohort) are found again by the normalised e-mail. So:

- **export**: a registration of an event of a programme brings the person's enrolment in that
  programme (cohort, role, status, dates), whether they have a mentor or mentee and when they
  agreed to share contact details (never the other person's data), and their certificate;
- **anonymisation**: the enrolment is anonymised in the same transaction as the *last* of the
  person's registrations in the programme (by a deletion request or at the end of the
  retention period). While another of their registrations in the programme still holds their
  data, the enrolment is kept: the programme is still running for them. Anonymised: names
  blanked (given name "Anonymised"), e-mail replaced by the registration's placeholder,
  organisation, position and region blanked, ``anonymised_at`` set, the personal link's key
  rotated. A certificate is revoked (its public page then names nobody and says it is no
  longer valid); mentoring pairs stay as rows (the report counts them) with nothing personal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext

from cms.models import EventPage, ProgrammePage
from registration.models import Registration
from registration.programmes.models import Certificate, Enrolment, MentorPair, new_token
from registration.signals import personal_data_erasing, personal_data_requested


def _programme_of(registration: Registration) -> ProgrammePage | None:
    event: EventPage = registration.event
    parent = event.get_parent()
    if parent is None or not issubclass(parent.specific_class or object, ProgrammePage):
        return None
    return parent.specific.source


def _enrolment_of(registration: Registration) -> Enrolment | None:
    programme = _programme_of(registration)
    if programme is None:
        return None
    return (
        Enrolment.objects.filter(
            programme=programme,
            email_normalised=registration.email_normalised,
            anonymised_at__isnull=True,
        )
        .select_related("cohort")
        .first()
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@receiver(personal_data_requested, dispatch_uid="programmes.personal_data")
def personal_data(sender, *, registration: Registration, **kwargs) -> dict[str, Any]:
    """The person's enrolment in the event's programme, their side of a mentoring pair and
    their certificate."""
    enrolment = _enrolment_of(registration)
    if enrolment is None:
        return {}
    pairs = MentorPair.objects.filter(mentor=enrolment) | MentorPair.objects.filter(
        mentee=enrolment
    )
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    return {
        "programme_enrolment": {
            "programme": enrolment.programme.title,
            "cohort": enrolment.cohort.code if enrolment.cohort else None,
            "status": enrolment.status,
            "role": enrolment.role,
            "given_name": enrolment.given_name,
            "family_name": enrolment.family_name,
            "email": enrolment.email,
            "sex": enrolment.sex,
            "organisation": enrolment.organisation,
            "position": enrolment.position,
            "region": enrolment.region,
            "language": enrolment.language,
            "enrolled_at": _iso(enrolment.created_at),
            "mentoring": [
                {
                    "as": "mentor" if pair.mentor_id == enrolment.pk else "mentee",
                    "paired_at": _iso(pair.created_at),
                    "my_consent_at": _iso(
                        pair.mentor_consent_at
                        if pair.mentor_id == enrolment.pk
                        else pair.mentee_consent_at
                    ),
                    "contact_shared": pair.contact_shared,
                }
                for pair in pairs
            ],
            "certificate": (
                {
                    "hours": str(certificate.hours),
                    "issued_at": _iso(certificate.issued_at),
                    "reissued_at": _iso(certificate.reissued_at),
                    "revoked_at": _iso(certificate.revoked_at),
                }
                if certificate
                else None
            ),
        }
    }


def enrolment_anonymise(*, enrolment: Enrolment, placeholder_email: str, placeholder_name: str):
    """Blank the enrolment's personal data and revoke its certificate (inside the caller's
    transaction). Returns ``{model: [pk, ...]}`` of the rows that were about the person."""
    now = timezone.now()
    enrolment.given_name = placeholder_name
    enrolment.family_name = ""
    enrolment.email = placeholder_email
    enrolment.email_normalised = placeholder_email
    enrolment.organisation = ""
    enrolment.position = ""
    enrolment.region = ""
    enrolment.access_key = new_token()
    enrolment.anonymised_at = now
    enrolment.save()
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The holder's personal data was deleted.")
    certificates = list(Certificate.objects.filter(enrolment=enrolment))
    for certificate in certificates:
        if certificate.revoked_at is None:
            certificate.revoked_at = now
            certificate.revoked_reason = reason
            certificate.save(update_fields=["revoked_at", "revoked_reason"])
    pairs = MentorPair.objects.filter(mentor=enrolment) | MentorPair.objects.filter(
        mentee=enrolment
    )
    return {
        Enrolment: [enrolment.pk],
        Certificate: [c.pk for c in certificates],
        MentorPair: list(pairs.values_list("pk", flat=True)),
    }


@receiver(personal_data_erasing, dispatch_uid="programmes.erase")
def erase(
    sender,
    *,
    registration: Registration,
    placeholder_email: str,
    placeholder_name: str,
    **kwargs,
) -> dict[type, list[int]]:
    """Anonymise the person's enrolment with their last registration in the programme."""
    enrolment = _enrolment_of(registration)
    if enrolment is None:
        return {}
    others = (
        Registration.objects.filter(
            event__in=EventPage.objects.child_of(enrolment.programme),
            email_normalised=registration.email_normalised,
            anonymised_at__isnull=True,
        )
        .exclude(pk=registration.pk)
        .exists()
    )
    if others:
        return {}
    return enrolment_anonymise(
        enrolment=enrolment,
        placeholder_email=placeholder_email,
        placeholder_name=placeholder_name,
    )
