"""What the nominations room does when something happens: an approved nomination invites the
nominee; a confirmed registration gets its visa letter; a participant's data request and
anonymisation include their nomination, visa request and letter."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from registration.messaging.models import Message
from registration.models import Registration
from registration.models.registrations import RegistrationStatus
from registration.nominations.models import Nomination, VisaLetter, VisaRequest
from registration.nominations.services.nominees import nominee_invite
from registration.nominations.services.visa import visa_letter_issue_later
from registration.nominations.signals import nomination_approved
from registration.signals import personal_data_erasing, personal_data_requested, status_changed


@receiver(nomination_approved, dispatch_uid="nominations.nominee_invite")
def invite_nominee(sender, *, nomination: Nomination, **kwargs) -> None:
    """The approved nominee's invitation, in the approval's transaction (once)."""
    nominee_invite(nomination=nomination)


@receiver(status_changed, dispatch_uid="nominations.visa_letter")
def issue_visa_letter(sender, *, registration: Registration, change, **kwargs) -> None:
    """A registration that becomes confirmed (or awaits approval with an approved nomination)
    gets its visa letter from the worker when it asked for one and entered its passport."""
    if change.to_status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.AWAITING_APPROVAL):
        return
    if not VisaRequest.objects.filter(registration=registration).exists():
        return
    visa_letter_issue_later(registration=registration)


@receiver(personal_data_requested, dispatch_uid="nominations.personal_data")
def personal_data(sender, *, registration: Registration, **kwargs) -> dict[str, Any]:
    """The nomination made for the person, their visa request and letter."""
    data: dict[str, Any] = {}
    nomination = (
        Nomination.objects.select_related("delegation").filter(registration=registration).first()
    )
    if nomination is not None:
        data["nomination"] = {
            "delegation": nomination.delegation.name,
            "status": nomination.status,
            "given_name": nomination.given_name,
            "family_name": nomination.family_name,
            "email": nomination.email,
            "sex": nomination.sex,
            "position": nomination.position,
            "institution": nomination.organisation,
            "role": nomination.role,
            "nominated_at": nomination.created_at.isoformat(),
        }
    request = VisaRequest.objects.filter(registration=registration).first()
    if request is not None:
        data["visa_request"] = {
            "name_in_passport": request.name_in_passport,
            "nationality": str(request.nationality),
            "passport_number": request.passport_number,
            "passport_expires": request.passport_expires.isoformat(),
            "date_of_birth": request.date_of_birth.isoformat(),
        }
    letter = VisaLetter.objects.filter(registration=registration).first()
    if letter is not None:
        data["visa_letter"] = {
            "reference": letter.reference,
            "language": letter.language,
            "issued_at": letter.issued_at.isoformat(),
            "revoked_at": letter.revoked_at.isoformat() if letter.revoked_at else None,
        }
    return data


@receiver(personal_data_erasing, dispatch_uid="nominations.erase")
def erase(
    sender,
    *,
    registration: Registration,
    placeholder_email: str = "",
    placeholder_name: str = "—",
    **kwargs,
) -> dict[type, list[int]]:
    """Delete the visa request and letter (passport details are kept no longer than the
    registration's data); blank the nomination's personal fields (its place, sex and role
    stay for the delegation's counts)."""
    touched: dict[type, list[int]] = {}
    requests = list(
        VisaRequest.objects.filter(registration=registration).values_list("pk", flat=True)
    )
    letters = list(
        VisaLetter.objects.filter(registration=registration).values_list("pk", flat=True)
    )
    VisaRequest.objects.filter(pk__in=requests).delete()
    VisaLetter.objects.filter(pk__in=letters).delete()
    touched[VisaRequest] = requests
    touched[VisaLetter] = letters
    nominations = list(Nomination.objects.filter(registration=registration))
    for nomination in nominations:
        nomination.given_name = placeholder_name
        nomination.family_name = ""
        nomination.email = placeholder_email or f"anonymised-{nomination.pk}@invalid"
        nomination.email_normalised = nomination.email.lower()
        nomination.position = ""
        nomination.organisation = ""
        nomination.message = ""
        nomination.anonymised_at = timezone.now()
        nomination.save()
    touched[Nomination] = [n.pk for n in nominations]
    # The invitation was written before the registration existed (no registration on the
    # row): its text and address go with the nomination's.
    invitations = Message.objects.filter(
        dedupe_key__in=[f"nominee_invite:{n.pk}" for n in nominations]
    )
    touched[Message] = list(invitations.values_list("pk", flat=True))
    invitations.update(
        to_email=placeholder_email or "anonymised@invalid", body_text="", body_html="", wire=b""
    )
    return touched
