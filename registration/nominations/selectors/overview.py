"""All delegations of an event at a glance: places used and left, and the people at each
stage (nominated → approved → registered → confirmed) with the share of women, against the
event's gender-balance target. Two queries whatever the number of delegations and people.

Stages: *nominated* counts the nominations holding a place (nominated or approved; declined,
replaced, withdrawn and replacement-asked ones gave it back); *approved* those approved;
*registered* the approved nominees who completed their registration; *confirmed* those whose
registration is confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from registration.models.registrations import RegistrationStatus, Sex
from registration.nominations.models import HOLDS_A_PLACE, Delegation, Nomination, NominationStatus

STAGES = ("nominated", "approved", "registered", "confirmed")

_STAGE_FILTERS = {
    "nominated": Q(status__in=HOLDS_A_PLACE),
    "approved": Q(status=NominationStatus.APPROVED),
    "registered": Q(status=NominationStatus.APPROVED, registration__isnull=False),
    "confirmed": Q(
        status=NominationStatus.APPROVED, registration__status=RegistrationStatus.CONFIRMED
    ),
}


@dataclass
class Stage:
    """People at one stage, the women among them, and their share against the target."""

    name: str
    total: int = 0
    women: int = 0
    target: int | None = None

    @property
    def share(self) -> float | None:
        """Women's share in percent (None: nobody at this stage yet)."""
        return round(100 * self.women / self.total, 1) if self.total else None

    @property
    def meets_target(self) -> bool | None:
        """Whether the share reaches the target (None: no target, or nobody yet)."""
        if self.target is None or self.share is None:
            return None
        return self.share >= self.target


@dataclass
class DelegationRow:
    delegation: Delegation
    stages: dict[str, Stage]
    replacement_asked: int = 0

    @property
    def quota(self) -> int:
        return self.delegation.quota

    @property
    def used(self) -> int:
        return self.stages["nominated"].total

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


@dataclass
class Overview:
    event: object
    target: int | None
    rows: list[DelegationRow] = field(default_factory=list)
    totals: dict[str, Stage] = field(default_factory=dict)

    @property
    def quota(self) -> int:
        return sum(row.quota for row in self.rows)

    @property
    def used(self) -> int:
        return sum(row.used for row in self.rows)

    @property
    def left(self) -> int:
        return sum(row.left for row in self.rows)


def event_delegations_overview(event) -> Overview:
    """The overview of ``event``'s delegations (its default-locale page). Two queries."""
    source = event.source if hasattr(event, "source") else event
    target = source.gender_balance_target
    women = Q(sex=Sex.FEMALE)
    aggregates = {}
    for stage, condition in _STAGE_FILTERS.items():
        aggregates[f"{stage}_total"] = Count("pk", filter=condition)
        aggregates[f"{stage}_women"] = Count("pk", filter=condition & women)
    aggregates["replacement_asked"] = Count(
        "pk", filter=Q(status=NominationStatus.REPLACEMENT_ASKED)
    )
    counts = {
        row["delegation_id"]: row
        for row in Nomination.objects.filter(event=source)
        .values("delegation_id")
        .annotate(**aggregates)
        .order_by()
    }
    overview = Overview(
        event=source,
        target=target,
        totals={stage: Stage(stage, target=target) for stage in STAGES},
    )
    for delegation in Delegation.objects.filter(event=source).order_by("name"):
        found = counts.get(delegation.pk, {})
        stages = {
            stage: Stage(
                stage,
                total=found.get(f"{stage}_total", 0),
                women=found.get(f"{stage}_women", 0),
                target=target,
            )
            for stage in STAGES
        }
        for stage, figures in stages.items():
            overview.totals[stage].total += figures.total
            overview.totals[stage].women += figures.women
        overview.rows.append(
            DelegationRow(
                delegation=delegation,
                stages=stages,
                replacement_asked=found.get("replacement_asked", 0),
            )
        )
    return overview
