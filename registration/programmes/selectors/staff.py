"""What the programme's staff screens read: cohorts with their counts, enrolments with their
cohort, scoped to one programme (default-locale page)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import get_language

from cms.models import ProgrammePage
from conference.language_texts import text_in
from registration.collation import sorted_names
from registration.programmes.models import Cohort, Enrolment, EnrolmentStatus


def cohort_rows(programme: ProgrammePage, *, language: str | None = None) -> list[Cohort]:
    """The programme's cohorts, each with ``enrolled`` (enrolled, not anonymised),
    ``event_count`` (its own events) and ``display_name`` (in ``language``); one query."""
    rows = list(
        Cohort.objects.filter(programme=programme.source)
        .annotate(
            enrolled=Count(
                "enrolments",
                filter=Q(
                    enrolments__status=EnrolmentStatus.ENROLLED,
                    enrolments__anonymised_at__isnull=True,
                ),
                distinct=True,
            ),
            event_count=Count("events", distinct=True),
        )
        .order_by("code")
    )
    for cohort in rows:
        cohort.display_name = text_in(cohort.name, language or get_language())
    return rows


def enrolment_rows(
    programme: ProgrammePage,
    *,
    query: str = "",
    cohort_id: int | None = None,
    status: str = "",
    language: str = "en",  # the collation of the names (the admin's language)
    include_anonymised: bool = False,
) -> list[Enrolment]:
    """The programme's enrolments with their cohort, sorted by family and given name in the
    collation of ``language``; ``query`` searches the name, e-mail and organisation."""
    rows = Enrolment.objects.filter(programme=programme.source).select_related("cohort")
    if not include_anonymised:
        rows = rows.filter(anonymised_at__isnull=True)
    if query:
        for word in query.split()[:5]:
            rows = rows.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__icontains=word)
            )
    if cohort_id:
        rows = rows.filter(cohort_id=cohort_id)
    if status:
        rows = rows.filter(status=status)
    return sorted_names(
        rows.order_by("pk"), language=language, names=lambda e: (e.family_name, e.given_name)
    )
