"""The organisers' decisions on nominations: approve, decline or ask for a replacement, for
one nomination or many at once, with a message.

Each delegation's nominations are decided under the delegation's row lock (the focal point's
nominating takes the same lock), only along the allowed transitions (nominated → approved,
declined or replacement asked; approved → declined); the focal point gets one e-mail per
delegation per batch listing the people decided. Approving sends ``nomination_approved``
inside the transaction: the nominee's invitation hooks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.nominations.links import delegation_url
from registration.nominations.models import Delegation, Nomination, NominationStatus
from registration.nominations.services.delegations import focal_message_queue
from registration.nominations.signals import nomination_approved

#: decision → the status it gives.
DECISIONS = {
    "approve": NominationStatus.APPROVED,
    "decline": NominationStatus.DECLINED,
    "replacement": NominationStatus.REPLACEMENT_ASKED,
}

#: status now → the statuses a decision may give it.
ALLOWED = {
    NominationStatus.NOMINATED: {
        NominationStatus.APPROVED,
        NominationStatus.DECLINED,
        NominationStatus.REPLACEMENT_ASKED,
    },
    NominationStatus.APPROVED: {NominationStatus.DECLINED},
}


@dataclass
class DecisionResult:
    """What a batch did: the nominations decided, and those left as they were (their status
    does not allow the decision)."""

    decided: list[Nomination] = field(default_factory=list)
    skipped: list[Nomination] = field(default_factory=list)


def nominations_decide(
    *,
    nominations: Iterable[Nomination | int],
    decision: str,
    message: str = "",
    by=None,
    now: dt.datetime | None = None,
) -> DecisionResult:
    """Decide ``nominations`` (rows or ids) with ``decision`` (approve, decline, replacement).

    Side effects per delegation, in one transaction: the nominations' status, decided_at/by
    and message; ``nomination_approved`` per approved nomination; one e-mail to the focal
    point listing the people decided. Raises ``ValidationError`` for an unknown decision.
    """
    if decision not in DECISIONS:
        raise ValidationError(_("Choose approve, decline or ask for a replacement."))
    status = DECISIONS[decision]
    now = now or timezone.now()
    message = (message or "").strip()
    ids = [n.pk if isinstance(n, Nomination) else int(n) for n in nominations]
    by_delegation: dict[int, list[int]] = defaultdict(list)
    for nomination_id, delegation_id in Nomination.objects.filter(pk__in=ids).values_list(
        "pk", "delegation_id"
    ):
        by_delegation[delegation_id].append(nomination_id)
    result = DecisionResult()
    for delegation_id, members in sorted(by_delegation.items()):
        with transaction.atomic():
            delegation = (
                Delegation.objects.select_for_update().select_related("event").get(pk=delegation_id)
            )
            decided = []
            for nomination in Nomination.objects.select_for_update().filter(
                pk__in=members, delegation=delegation
            ):
                if status not in ALLOWED.get(nomination.status, set()):
                    result.skipped.append(nomination)
                    continue
                nomination.status = status
                nomination.decided_at = now
                nomination.decided_by = by if getattr(by, "is_authenticated", False) else None
                nomination.message = message
                nomination.save(
                    update_fields=["status", "decided_at", "decided_by", "message", "updated_at"]
                )
                decided.append(nomination)
                if status == NominationStatus.APPROVED:
                    nomination_approved.send(sender=Nomination, nomination=nomination, by=by)
            if decided:
                digest = hashlib.sha256(",".join(str(n.pk) for n in decided).encode()).hexdigest()[
                    :16
                ]
                focal_message_queue(
                    delegation=delegation,
                    kind=f"delegation_{decision}",
                    dedupe_key=f"delegation_{decision}:{delegation.pk}:{digest}:{now.isoformat()}",
                    context={
                        "people": decided,
                        "staff_message": message,
                        "delegation_url": delegation_url(delegation),
                    },
                )
            result.decided.extend(decided)
    return result
