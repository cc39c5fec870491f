"""What the focal point's page shows: their delegation's places, nominees and documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from registration.models.registrations import ParticipantRole
from registration.nominations.models import Delegation, DelegationDocument, Nomination
from registration.nominations.services.nominating import (
    REPLACEABLE,
    WITHDRAWABLE,
    delegation_is_open,
    places_held,
)


@dataclass(frozen=True)
class Places:
    """Places of one kind (all, or one role): how many, how many used, how many left."""

    label: str
    quota: int
    used: int

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def delegation_places(delegation: Delegation) -> tuple[Places, list[Places]]:
    """The delegation's places in all and per role (roles in ``role_quotas`` only)."""
    held = places_held(delegation)
    total = Places(label="", quota=delegation.quota, used=held[""])
    per_role = [
        Places(label=str(ParticipantRole(role).label), quota=int(quota), used=held.get(role, 0))
        for role, quota in (delegation.role_quotas or {}).items()
        if role in ParticipantRole.values
    ]
    return total, per_role


def delegation_nominees(
    delegation: Delegation, *, now: dt.datetime | None = None
) -> list[Nomination]:
    """The delegation's nominations, each with ``can_replace`` and ``can_withdraw`` for the
    page (replacements after the deadline only where the organisers asked for one)."""
    is_open = delegation_is_open(delegation, now=now or timezone.now())
    nominees = list(
        Nomination.objects.filter(delegation=delegation, anonymised_at__isnull=True)
        .select_related("registration")
        .order_by("created_at", "pk")
    )
    for nomination in nominees:
        nomination.can_replace = nomination.status in REPLACEABLE and (
            is_open or nomination.status == "replacement_asked"
        )
        nomination.can_withdraw = nomination.status in WITHDRAWABLE
    return nominees


def delegation_documents(delegation: Delegation) -> list[DelegationDocument]:
    """The delegation's documents, newest first."""
    return list(DelegationDocument.objects.filter(delegation=delegation))
