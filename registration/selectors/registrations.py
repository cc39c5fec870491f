"""Read-side queries about registrations: places, staff scopes, status counts."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from wagtail.models import PageViewRestriction

from cms.models import EventPage
from cms.selectors import page_in_language
from registration.models.registrations import (
    HOLDS_A_PLACE,
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

    Two small queries: Wagtail's ``public()`` reads every restriction of the site first, and
    one query with the restriction test as a correlated subquery costs Django more to compile
    than both of these together (a fifth of the time of a registration).
    """
    # Not ``first()``: it would sort the one row by its primary key.
    found = list(EventPage.objects.live().select_related("locale").filter(pk=pk).order_by()[:1])
    if not found:
        return None
    page = found[0]
    # A restriction covers its page and every page below it: the page and its ancestors are
    # the prefixes of its path, one step (``steplen`` characters) at a time.
    step = EventPage.steplen
    ancestors = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    if PageViewRestriction.objects.filter(page__path__in=ancestors).exists():
        return None
    return page


def event_in_language(event: EventPage, language: str) -> EventPage:
    """The live copy of ``event`` in ``language`` (the event itself when there is none):
    ``cms.selectors.page_in_language``, under the name the registration rooms call."""
    return page_in_language(page=event, language=language)


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
