"""Read-side queries of the logistics exports: who needs what, and who signs in on a day.

The counts per language and day come from ``checkin.selectors.logistics_summary``; these are
the lists of people behind them, sorted as a reader of ``language`` looks names up
(``registration.collation``), for the XLSX workbook and the printed sign-in sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cms.models import EventPage
from registration.collation import sorted_names
from registration.models import Registration, RegistrationStatus


def _by_name(registration: Registration) -> tuple[str, str, str]:
    return (registration.family_name, registration.given_name, f"{registration.pk:012d}")


def confirmed_by_name(*, event: EventPage, language: str) -> list[Registration]:
    """The event's confirmed participants by family name, then given name, in ``language``'s
    alphabetical order (two queries: the page's locale, the rows). Registrations belong to the
    default-locale page, so a translated page is looked up through its source."""
    rows = Registration.objects.filter(event=event.source, status=RegistrationStatus.CONFIRMED)
    return sorted_names(rows, language=language, names=_by_name)


@dataclass
class LogisticsPeople:
    """The confirmed participants behind the logistics counts, each list sorted by name."""

    access: list[Registration] = field(default_factory=list)
    dietary: list[Registration] = field(default_factory=list)
    visa_letters: list[Registration] = field(default_factory=list)


def logistics_people(*, event: EventPage, language: str) -> LogisticsPeople:
    """Who asked for accessibility support, who has dietary needs, who needs a visa support
    letter (two queries, as ``confirmed_by_name``). Only confirmed participants: the venue and
    caterers plan for them."""
    people = confirmed_by_name(event=event, language=language)
    return LogisticsPeople(
        access=[r for r in people if r.access_needs or r.access_needs_other],
        dietary=[r for r in people if r.dietary or r.dietary_needs],
        visa_letters=[r for r in people if r.visa_letter],
    )
