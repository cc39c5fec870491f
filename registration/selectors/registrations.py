"""Read-side queries about registrations: places, staff scopes, the logistics summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from cms.fields import language_name
from cms.models import EventPage
from registration.models import CheckIn
from registration.models.registrations import (
    HOLDS_A_PLACE,
    AccessNeed,
    DietaryNeed,
    Registration,
    RegistrationStatus,
)
from registration.permissions import PARTICIPANT_ROLES, events_for


def registrations_visible_to(user) -> QuerySet[Registration]:
    """Registrations of the events where ``user`` may see participants (all for superusers)."""
    if getattr(user, "is_superuser", False):
        return Registration.objects.all()
    return Registration.objects.filter(event__in=events_for(user, *PARTICIPANT_ROLES))


def event_public(pk: int) -> EventPage | None:
    """The live event ``pk`` when neither it nor a page above it has a view restriction.

    One query: Wagtail's ``public()`` first reads every restriction of the site and then
    filters, a second query and a fifth of the time of a registration.
    """
    # A restriction covers its page and every page below it: those whose path starts with
    # the restricted page's path.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return (
        EventPage.objects.live()
        .select_related("locale")
        .filter(pk=pk)
        .exclude(Exists(restricted))
        .first()
    )


def event_in_language(event: EventPage, language: str) -> EventPage:
    """The live copy of ``event`` in ``language`` (the event itself when there is none)."""
    language = (language or "")[:2]
    if event.locale.language_code == language:
        return event
    copy = EventPage.objects.live().filter(
        translation_key=event.translation_key, locale__language_code=language
    )
    return copy.first() or event


def event_places_left(*, event) -> int | None:
    """Free places (None: no limit). Not a promise: ``registration_create`` decides under a lock."""
    source = event.source
    if source.capacity is None:
        return None
    held = Registration.objects.filter(event=source, status__in=HOLDS_A_PLACE).count()
    return max(source.capacity - held, 0)


def event_status_counts(*, event) -> dict[str, int]:
    """Number of registrations in each status (every status present, zero when none)."""
    rows = (
        Registration.objects.filter(event=event.source)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(RegistrationStatus.values, 0)
    counts.update(dict(rows))
    return counts


@dataclass
class LogisticsSummary:
    """What the venue, the interpreters and the caterers need to know for one event."""

    event: Any
    confirmed: int = 0
    languages: list[str] = field(default_factory=list)
    #: (code, name) of each column; "" is "no interpretation".
    language_columns: list[tuple[str, str]] = field(default_factory=list)
    #: One row per day: (day, [(expected, checked in) per language column]).
    per_day: list[tuple[Any, list[tuple[int, int]]]] = field(default_factory=list)
    access: list[tuple[str, int]] = field(default_factory=list)
    access_other: list[tuple[Registration, str]] = field(default_factory=list)
    dietary: list[tuple[str, int]] = field(default_factory=list)
    dietary_other: list[tuple[Registration, str]] = field(default_factory=list)
    visa_letters: list[Registration] = field(default_factory=list)
    with_needs: list[Registration] = field(default_factory=list)


def logistics_summary(*, event) -> LogisticsSummary:
    """Head-count per interpretation language and day, access and dietary needs, visa letters.

    Counts confirmed registrations; a day already under way also shows check-ins per language.
    A fixed number of queries whatever the number of participants.
    """
    event = event.source
    confirmed = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by(
            "family_name", "given_name", "pk"
        )
    )
    summary = LogisticsSummary(event=event, confirmed=len(confirmed))
    by_language = Counter(r.interpretation_language or "" for r in confirmed)
    languages = [code for code in event.interpretation_languages or [] if code]
    languages += sorted(code for code in by_language if code and code not in languages)
    checked = Counter(
        (day, language or "")
        for day, language in CheckIn.objects.filter(registration__event=event).values_list(
            "day", "registration__interpretation_language"
        )
    )
    if by_language.get(""):
        languages.append("")
    summary.languages = languages
    summary.language_columns = [(code, language_name(code) if code else "") for code in languages]
    for day in event.days:
        cells = [(by_language.get(code, 0), checked.get((day, code), 0)) for code in languages]
        summary.per_day.append((day, cells))
    access = Counter(need for r in confirmed for need in r.access_needs or [])
    summary.access = [(label, access[value]) for value, label in AccessNeed.choices]
    summary.access_other = [(r, r.access_needs_other) for r in confirmed if r.access_needs_other]
    dietary = Counter(need for r in confirmed for need in r.dietary or [])
    summary.dietary = [(label, dietary[value]) for value, label in DietaryNeed.choices]
    summary.dietary_other = [(r, r.dietary_needs) for r in confirmed if r.dietary_needs]
    summary.visa_letters = [r for r in confirmed if r.visa_letter]
    summary.with_needs = [
        r for r in confirmed if r.access_needs or r.access_needs_other or r.dietary
    ]
    return summary
