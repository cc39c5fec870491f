"""Delegations with nominees in every stage, for the organisers' tests (helper "delegations")."""

from __future__ import annotations

from registration.models.registrations import RegistrationStatus
from registration.nominations.models import Delegation, Nomination
from tests.factories import RegistrationFactory
from tests.registration.nominations.focal_helpers import deadline_of, delegation_create

__all__ = ["deadline_of", "delegation_create", "delegation_data", "nomination_add"]


def delegation_data(**extra) -> dict:
    """What an organiser enters for a new delegation (the service's data)."""
    data = {
        "kind": "country",
        "country": "KG",
        "name": "",
        "quota": 4,
        "role_quotas": {},
        "deadline": None,
        "focal_name": "Bakyt Focal",
        "focal_email": "focal@gov.example.kg",
        "focal_language": "ru",
    }
    data.update(extra)
    return data


def nomination_add(
    delegation: Delegation,
    n: int,
    *,
    sex: str = "female",
    status: str = "nominated",
    registered: str | None = None,
) -> Nomination:
    """A nominee of ``delegation`` (``registered``: the status of their registration)."""
    email = f"person{delegation.pk}.{n}@example.org"
    registration = None
    if registered:
        registration = RegistrationFactory(
            event=delegation.event, email=email, sex=sex, status=registered
        )
    return Nomination.objects.create(
        event=delegation.event,
        delegation=delegation,
        status=status,
        given_name=f"Given{n}",
        family_name=f"Family{delegation.pk}x{n}",
        email=email,
        email_normalised=email.lower(),
        sex=sex,
        position="Inspector",
        organisation="Ministry",
        registration=registration,
    )


CONFIRMED = RegistrationStatus.CONFIRMED
