"""Reads for enrolment: places left in cohorts, an enrolment's registrations, what the public
programme page shows besides the page's own fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from cms.models import EventPage, FieldOfWork, Organiser, ProgrammeOrganiser, ProgrammePage
from cms.selectors import snippets_in_language
from registration.models import Registration
from registration.programmes.models import Cohort, Enrolment, EnrolmentStatus
from registration.programmes.selectors.events import programme_events


@dataclass(frozen=True)
class CohortPlaces:
    cohort: Cohort
    name: str
    places_left: int | None  # None: no limit


def cohort_name(cohort: Cohort, language: str) -> str:
    """The cohort's name in ``language``, else in any language it has, else its code."""
    names = cohort.name or {}
    return names.get(language[:2]) or next((v for v in names.values() if v), "") or cohort.code


def cohorts_with_places(programme: ProgrammePage, *, language: str) -> list[CohortPlaces]:
    """Every cohort of the programme with the places it has left (one query)."""
    cohorts = Cohort.objects.filter(programme=programme.source).annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
    )
    return [
        CohortPlaces(
            cohort=cohort,
            name=cohort_name(cohort, language),
            places_left=None
            if cohort.capacity is None
            else max(cohort.capacity - cohort.enrolled, 0),
        )
        for cohort in cohorts
    ]


def enrolment_registrations(enrolment: Enrolment) -> dict[int, Registration]:
    """Event id → the enrolled person's registration for each event of the programme (one
    query): registrations are found by the normalised e-mail, as the enrolment made them."""
    rows = Registration.objects.filter(
        event__in=EventPage.objects.child_of(enrolment.programme).values("pk"),
        email_normalised=enrolment.email_normalised,
    )
    return {row.event_id: row for row in rows}


def events_in_locale(events: list[EventPage], locale_id: int) -> dict[int, EventPage]:
    """Source event id → its live copy in ``locale_id`` (the source itself when it has none),
    in one query."""
    keys = {event.translation_key: event for event in events}
    result = {event.pk: event for event in events}
    if not events or all(event.locale_id == locale_id for event in events):
        return result
    copies = EventPage.objects.live().filter(translation_key__in=keys, locale_id=locale_id)
    for copy in copies.select_related("locale"):
        result[keys[copy.translation_key].pk] = copy
    return result


def programme_public_context(page: ProgrammePage) -> dict[str, Any]:
    """What the public programme page shows besides its own fields: organisers (in the page's
    language), fields of work, and the programme's events (each in the page's language when
    translated). Never the online meeting link."""
    links = list(
        ProgrammeOrganiser.objects.filter(page_id=page.pk)
        .select_related("organiser__logo")
        .order_by("sort_order", "pk")
    )
    language = page.locale.language_code
    organisers = snippets_in_language(
        [link.organiser for link in links], model=Organiser, language=language, related=("logo",)
    )
    fields = list(page.fields_of_work.all())
    localized_fields = snippets_in_language(fields, model=FieldOfWork, language=language)
    events = programme_events(page)
    local = events_in_locale(events, page.locale_id)
    return {
        "organiser_list": [
            (organisers[link.organiser_id], link.get_role_display()) for link in links
        ],
        "field_list": [localized_fields[f.pk] for f in fields],
        "programme_events": [local[event.pk] for event in events],
    }
