"""Which events belong to a programme and to each of its cohorts."""

from __future__ import annotations

from cms.models import EventPage, ProgrammePage
from registration.programmes.models import Cohort


def programme_events(programme: ProgrammePage, *, live_only: bool = True) -> list[EventPage]:
    """Every event of the programme (default-locale pages, its child pages), first first."""
    source = programme.source
    events = EventPage.objects.child_of(source).select_related("locale")
    if live_only:
        events = events.live()
    return list(events.order_by("start_date", "path"))


def cohort_event_ids(programme: ProgrammePage) -> dict[int, set[int]]:
    """Cohort id → ids of the events only that cohort attends (one query)."""
    result: dict[int, set[int]] = {}
    rows = Cohort.events.through.objects.filter(cohort__programme=programme.source).values_list(
        "cohort_id", "eventpage_id"
    )
    for cohort_id, event_id in rows:
        result.setdefault(cohort_id, set()).add(event_id)
    return result


def events_for_cohort(
    programme: ProgrammePage, cohort: Cohort | None, *, live_only: bool = True
) -> list[EventPage]:
    """The events a member of ``cohort`` attends: the programme's common events (those no
    cohort lists) and the cohort's own. Without a cohort: the common events only."""
    events = programme_events(programme, live_only=live_only)
    own = cohort_event_ids(programme)
    listed = set().union(*own.values()) if own else set()
    mine = own.get(cohort.pk, set()) if cohort is not None else set()
    return [e for e in events if e.pk not in listed or e.pk in mine]
