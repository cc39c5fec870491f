"""The figures of an event's registration dashboard, read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cms.fields import language_name
from registration.checkin.models import CheckIn
from registration.models.registrations import HOLDS_A_PLACE, Registration, RegistrationStatus


@dataclass(frozen=True)
class EventDashboard:
    """What an organiser or registration manager looks at first, for one event and day."""

    #: Registrations in each status (every status present, zero when none), in choice order.
    by_status: dict[str, int]
    total: int
    #: Places counted against the capacity (``HOLDS_A_PLACE``) and the capacity (None: no limit).
    held: int
    capacity: int | None
    #: Awaiting e-mail confirmation: the registration is not complete until they click.
    email_unconfirmed: int
    #: Confirmed participants per interpretation language (code, endonym, count), largest first.
    interpretation: list[tuple[str, str, int]] = field(default_factory=list)
    #: The event's day in its own time zone, and how many were checked in on it.
    today: dt.date | None = None
    checked_in_today: int = 0

    @property
    def places_left(self) -> int | None:
        """Free places (None: no limit); never below zero, even when staff over-approved."""
        return None if self.capacity is None else max(self.capacity - self.held, 0)

    @property
    def awaiting_approval(self) -> int:
        return self.by_status[RegistrationStatus.AWAITING_APPROVAL]

    @property
    def waitlisted(self) -> int:
        return self.by_status[RegistrationStatus.WAITLISTED]


def event_dashboard(*, event, today: dt.date) -> EventDashboard:
    """The dashboard figures of ``event`` (its source page) on ``today`` (the event's local
    date, which the caller works out: a test gives it, the view reads the event's time zone).

    Three queries whatever the size of the event: one aggregate over its registrations, one
    head-count per interpretation language, one count of check-ins on ``today``.
    """
    event = event.source
    rows = Registration.objects.filter(event=event)
    counts = rows.aggregate(
        total=Count("pk"),
        held=Count("pk", filter=Q(status__in=HOLDS_A_PLACE)),
        email_unconfirmed=Count(
            "pk",
            filter=Q(status=RegistrationStatus.AWAITING_EMAIL, email_confirmed_at__isnull=True),
        ),
        **{
            f"status_{value}": Count("pk", filter=Q(status=value))
            for value in RegistrationStatus.values
        },
    )
    languages = (
        rows.filter(status=RegistrationStatus.CONFIRMED)
        .exclude(interpretation_language="")
        .values_list("interpretation_language")
        .annotate(n=Count("pk"))
        .order_by("-n", "interpretation_language")
    )
    checked_in = CheckIn.objects.filter(registration__event=event, day=today).count()
    return EventDashboard(
        by_status={value: counts[f"status_{value}"] for value in RegistrationStatus.values},
        total=counts["total"],
        held=counts["held"],
        capacity=event.capacity,
        email_unconfirmed=counts["email_unconfirmed"],
        interpretation=[(code, language_name(code), n) for code, n in languages],
        today=today,
        checked_in_today=checked_in,
    )
