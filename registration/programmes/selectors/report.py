"""The programme's impact report as plain data (the page, DOCX, XLSX and PDF all read it).

``programme_report`` runs a constant number of queries whatever the number of cohorts,
participants, events and answers: the programme's events, its cohorts, its enrolments, the
attendance helper's ``programme_progress`` (constant itself), the events' copies in the
report's language, which events recorded check-ins, the surveys with their questions, response
counts and scale means, and the recommendations; everything else is summed in Python. Labels
are in the language active when it is called, so exports wrap it in ``translation.override``.

Definitions (also printed in the report's notes):
- enrolled: enrolments not withdrawn (withdrawn ones are counted apart);
- attended: attended at least one session (any hours, or a check-in);
- completed: met the programme's completion rule (``Progress.completed``);
- completion rate: completed / enrolled;
- hours attended: the sum of every enrolled person's attended hours; hours planned: the sum of
  every enrolled person's scheduled hours (each session's hours × the people expected at it);
- a session is held when its first day has come (``today``) or check-ins were recorded for it;
- before/after: the scale (1–5) questions of the programme's surveys, matched by their pair
  name (or, unpaired, by their English text). "Before" is the pair's "before the training"
  question in the earliest survey that has one, else the question in the earliest survey;
  "after" is the "after" question in the latest survey that has one, else the question in the
  latest survey. So both designs work: a before/after pair inside one survey, and the same
  question asked at the first event and again at the last.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from cms.models import EventFormat, EventPage, ProgrammeOrganiser
from cms.selectors import page_in_language
from conference.l10n import format_date, format_date_range
from conference.language_texts import text_in
from registration.checkin.models import CheckIn
from registration.models.registrations import Sex
from registration.programmes.models import Cohort, Enrolment, EnrolmentRole, EnrolmentStatus
from registration.programmes.selectors.events import programme_events
from registration.programmes.selectors.progress import programme_progress
from registration.reports.models import (
    Answer,
    Question,
    QuestionKind,
    Recommendation,
    Survey,
    SurveyResponse,
)
from registration.reports.models.surveys import Phase

ZERO = Decimal("0")
#: What the report and ``programme_progress`` read of an enrolment (no names, no e-mail shown).
ENROLMENT_FIELDS = (
    "pk",
    "programme_id",
    "cohort_id",
    "status",
    "role",
    "sex",
    "organisation",
    "region",
    "email_normalised",
)


def share(part: int | float | Decimal, whole: int | float | Decimal) -> float | None:
    """``part / whole`` as a fraction, or ``None`` when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


@dataclass
class Trained:
    """People counted at the three steps of the programme, and their hours."""

    enrolled: int = 0
    attended: int = 0
    completed: int = 0
    hours_attended: Decimal = ZERO
    hours_planned: Decimal = ZERO

    def add(self, *, attended: bool, completed: bool, hours: Decimal, planned: Decimal) -> None:
        self.enrolled += 1
        self.attended += int(attended)
        self.completed += int(completed)
        self.hours_attended += hours
        self.hours_planned += planned

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed, self.enrolled)


@dataclass
class BreakdownRow:
    key: str
    label: str
    trained: Trained = field(default_factory=Trained)


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]

    @property
    def max_enrolled(self) -> int:
        return max((row.trained.enrolled for row in self.rows), default=0)


@dataclass
class SessionRow:
    """One event of the programme."""

    event_id: int
    title: str
    date: str
    start_date: dt.date
    city: str  # "" for an online session
    format: str
    format_label: str
    hours: Decimal | None
    held: bool
    expected: int  # enrolled people with a registration for it
    attended: int


@dataclass
class CityRow:
    """Sessions per city (online sessions under one row of their own)."""

    key: str
    label: str
    held: int = 0
    planned: int = 0
    attended: int = 0  # attendances (a person at two sessions counts twice)


@dataclass
class BeforeAfter:
    key: str
    text: str
    before_mean: float | None
    after_mean: float | None
    before_respondents: int
    after_respondents: int
    before_event: str
    after_event: str

    @property
    def change(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean


@dataclass
class SurveyRow:
    event_title: str
    title: str
    responses: int


@dataclass
class RecommendationRow:
    number: int
    text: str
    event_title: str
    session: str


@dataclass
class ProgrammeReport:
    programme_id: int
    title: str
    subtitle: str
    kind_label: str
    dates: str
    language: str
    today: dt.date
    generated_at: dt.datetime
    objectives: str
    organisers: list[tuple[str, str]]  # (role, name)
    completion_rule: str
    totals: Trained
    withdrawn: int
    breakdowns: list[Breakdown]
    sessions: list[SessionRow]
    cities: list[CityRow]
    surveys: list[SurveyRow]
    before_after: list[BeforeAfter]
    recommendations: list[RecommendationRow]

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)

    @property
    def sessions_held(self) -> int:
        return sum(1 for s in self.sessions if s.held)

    @property
    def hours_delivered(self) -> Decimal:
        """The hours of the sessions held (each counted once, whatever the attendance)."""
        return sum((s.hours or ZERO for s in self.sessions if s.held), ZERO)

    @property
    def survey_responses(self) -> int:
        return sum(s.responses for s in self.surveys)


def breakdown_titles() -> dict[str, str]:
    return {
        "region": _("By region"),
        "sex": _("By sex"),
        "organisation": _("By institution"),
        "role": _("By role in the programme"),
        "cohort": _("By cohort"),
    }


def _attended(progress) -> bool:
    if progress is None:
        return False
    return any(
        (s.hours_attended or ZERO) > 0 or s.arrived_at is not None for s in progress.sessions
    )


def programme_report(programme, *, today: dt.date | None = None) -> ProgrammeReport:
    """Every figure of the programme's report in the active language. Reads only; a
    constant number of queries (see the module's docstring)."""
    today = today or timezone.localdate()
    language = (translation.get_language() or "en")[:2]
    source = programme.source
    events = programme_events(source)
    cohorts = {c.pk: c for c in Cohort.objects.filter(programme=source)}
    enrolments = list(
        Enrolment.objects.filter(programme=source).only(*ENROLMENT_FIELDS).order_by("pk")
    )
    progress = programme_progress(source, enrolments=enrolments) if enrolments else {}

    titles = breakdown_titles()
    rows: dict[str, dict[str, BreakdownRow]] = {key: {} for key in titles}
    # Every cohort and sex has a row even when nobody is in it.
    for cohort in sorted(cohorts.values(), key=lambda c: c.code):
        rows["cohort"][cohort.code] = BreakdownRow(cohort.code, _cohort_label(cohort, language))
    for code, label in Sex.choices:
        rows["sex"][code] = BreakdownRow(code, str(label))
    for code, label in EnrolmentRole.choices:
        rows["role"][code] = BreakdownRow(code, str(label))
    sex_labels = {code: str(label) for code, label in Sex.choices}
    role_labels = {code: str(label) for code, label in EnrolmentRole.choices}
    not_given = _("Not given")
    totals, withdrawn = Trained(), 0
    expected: dict[int, int] = defaultdict(int)
    attended_at: dict[int, int] = defaultdict(int)
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            withdrawn += 1
            continue
        p = progress.get(enrolment.pk)
        values = {
            "attended": _attended(p),
            "completed": bool(p and p.completed),
            "hours": Decimal(p.hours_attended or 0) if p else ZERO,
            "planned": Decimal(p.hours_total or 0) if p else ZERO,
        }
        totals.add(**values)
        for s in p.sessions if p else ():
            event_id = getattr(s.event, "pk", s.event)
            expected[event_id] += 1
            if (s.hours_attended or ZERO) > 0 or s.arrived_at is not None:
                attended_at[event_id] += 1
        cohort = cohorts.get(enrolment.cohort_id)
        region = (enrolment.region or (cohort.region if cohort else "")).strip()
        organisation = " ".join(enrolment.organisation.split())
        keys = {
            "region": (region.casefold(), region or not_given),
            "sex": (enrolment.sex, sex_labels.get(enrolment.sex) or not_given),
            "organisation": (organisation.casefold(), organisation or not_given),
            "role": (enrolment.role, role_labels.get(enrolment.role) or not_given),
            "cohort": (
                (cohort.code, _cohort_label(cohort, language)) if cohort else ("", _("No cohort"))
            ),
        }
        for key, (code, label) in keys.items():
            row = rows[key].get(code)
            if row is None:
                row = rows[key][code] = BreakdownRow(code, label)
            row.trained.add(**values)

    breakdowns = []
    for key, title in titles.items():
        found = list(rows[key].values())
        if key in ("region", "organisation"):
            found.sort(key=lambda r: (-r.trained.enrolled, r.label.casefold()))
        elif key == "cohort":
            found = [r for r in found if r.key or r.trained.enrolled]
        breakdowns.append(Breakdown(key=key, title=title, rows=found))

    sessions = _sessions(events, language, today, expected, attended_at)
    surveys, before_after = _surveys(events, {s.event_id: s.title for s in sessions})
    local = page_in_language(page=source, language=language)
    return ProgrammeReport(
        programme_id=source.pk,
        title=local.title,
        subtitle=local.subtitle or source.subtitle,
        kind_label=str(source.get_kind_display()),
        dates=format_date_range(source.start_date, source.end_date),
        language=language,
        today=today,
        generated_at=timezone.now(),
        objectives=expand_db_html(local.objectives or source.objectives or ""),
        organisers=[
            (str(link.get_role_display()), link.organiser.name)
            for link in ProgrammeOrganiser.objects.filter(page=source)
            .select_related("organiser")
            .order_by("sort_order", "pk")
        ],
        completion_rule=completion_rule(source),
        totals=totals,
        withdrawn=withdrawn,
        breakdowns=breakdowns,
        sessions=sessions,
        cities=_cities(sessions),
        surveys=surveys,
        before_after=before_after,
        recommendations=_recommendations(events, {s.event_id: s.title for s in sessions}),
    )


def completion_rule(programme) -> str:
    text = _("Completed: attended at least %(percent)s%% of the programme's hours") % {
        "percent": programme.completion_percent
    }
    if programme.completion_needs_final:
        text += _(" and its final session")
    return text + "."


def _cohort_label(cohort: Cohort, language: str) -> str:
    name = text_in(cohort.name, language)
    return f"{name} ({cohort.code})" if name and name != cohort.code else cohort.code


def _sessions(
    events: list[EventPage],
    language: str,
    today: dt.date,
    expected: dict[int, int],
    attended_at: dict[int, int],
) -> list[SessionRow]:
    ids = [e.pk for e in events]
    copies = {
        key: (title, city)
        for key, title, city in EventPage.objects.live()
        .filter(translation_key__in=[e.translation_key for e in events])
        .filter(locale__language_code=language)
        .values_list("translation_key", "title", "city")
    }
    checked_in = set(
        CheckIn.objects.filter(registration__event_id__in=ids)
        .order_by()
        .values_list("registration__event_id", flat=True)
        .distinct()
    )
    formats = dict(EventFormat.choices)
    out = []
    for event in events:
        title, city = copies.get(event.translation_key, ("", ""))
        online = event.format == EventFormat.ONLINE
        out.append(
            SessionRow(
                event_id=event.pk,
                title=title or event.title,
                date=format_date_range(event.start_date, event.end_date),
                start_date=event.start_date,
                city="" if online else (city or event.city),
                format=event.format,
                format_label=str(formats.get(event.format, event.format)),
                hours=event.credit_hours,
                held=event.start_date <= today or event.pk in checked_in,
                expected=expected.get(event.pk, 0),
                attended=attended_at.get(event.pk, 0),
            )
        )
    return out


def _cities(sessions: list[SessionRow]) -> list[CityRow]:
    rows: dict[str, CityRow] = {}
    for s in sessions:
        if s.format == EventFormat.ONLINE:
            key, label = "", _("Online")
        else:
            key, label = s.city.casefold(), s.city or _("City not given")
        row = rows.setdefault(key, CityRow(key=key, label=label))
        row.planned += 1
        row.held += int(s.held)
        row.attended += s.attended
    return sorted(rows.values(), key=lambda r: (r.key == "", -r.held, r.label.casefold()))


def _surveys(
    events: list[EventPage], titles: dict[int, str]
) -> tuple[list[SurveyRow], list[BeforeAfter]]:
    order = {e.pk: i for i, e in enumerate(events)}
    surveys = sorted(
        Survey.objects.filter(event_id__in=list(order)), key=lambda s: order[s.event_id]
    )
    if not surveys:
        return [], []
    responses = dict(
        SurveyResponse.objects.filter(survey__in=surveys)
        .order_by()
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    questions = list(
        Question.objects.filter(survey__in=surveys, kind=QuestionKind.LIKERT).order_by(
            "sort_order", "pk"
        )
    )
    stats = {
        row["question_id"]: (row["mean"], row["n"])
        for row in Answer.objects.filter(question__in=[q.pk for q in questions])
        .exclude(value__isnull=True)
        .order_by()
        .values("question_id")
        .annotate(mean=Avg("value"), n=Count("response", distinct=True))
    }
    rows = [
        SurveyRow(
            event_title=titles.get(s.event_id, ""),
            title=s.title(),
            responses=responses.get(s.pk, 0),
        )
        for s in surveys
    ]
    position = {s.pk: order[s.event_id] for s in surveys}
    event_of = {s.pk: s.event_id for s in surveys}
    by_key: dict[str, list[Question]] = defaultdict(list)
    first_seen: dict[str, tuple] = {}
    for q in questions:
        key = q.pair or " ".join((q.text_i18n or {}).get("en", "").split()).casefold()
        if not key:
            continue
        by_key[key].append(q)
        first_seen.setdefault(key, (position[q.survey_id], q.sort_order, q.pk))

    def pick(candidates: list[Question], *, last: bool, phase: str) -> Question | None:
        phased = [q for q in candidates if q.phase == phase]
        pool = phased or [q for q in candidates if not q.phase]
        if not pool:
            return None
        key = lambda q: (position[q.survey_id], q.sort_order, q.pk)  # noqa: E731
        return max(pool, key=key) if last else min(pool, key=key)

    out = []
    for key in sorted(by_key, key=lambda k: first_seen[k]):
        candidates = by_key[key]
        before = pick(candidates, last=False, phase=Phase.PRE)
        after = pick(candidates, last=True, phase=Phase.POST)
        if before is None or after is None or before.pk == after.pk:
            continue
        before_mean, before_n = stats.get(before.pk, (None, 0))
        after_mean, after_n = stats.get(after.pk, (None, 0))
        out.append(
            BeforeAfter(
                key=key,
                text=after.text(),
                before_mean=float(before_mean) if before_mean is not None else None,
                after_mean=float(after_mean) if after_mean is not None else None,
                before_respondents=before_n,
                after_respondents=after_n,
                before_event=titles.get(event_of[before.survey_id], ""),
                after_event=titles.get(event_of[after.survey_id], ""),
            )
        )
    return rows, out


def _recommendations(events: list[EventPage], titles: dict[int, str]) -> list[RecommendationRow]:
    order = {e.pk: i for i, e in enumerate(events)}
    recs = sorted(
        Recommendation.objects.filter(event_id__in=list(order)).select_related("session"),
        key=lambda r: (order[r.event_id], r.order, r.pk),
    )
    return [
        RecommendationRow(
            number=i,
            text=rec.text,
            event_title=titles.get(rec.event_id, ""),
            session=(
                f"{rec.session.title} ({format_date(rec.session.day)})" if rec.session_id else ""
            ),
        )
        for i, rec in enumerate(recs, start=1)
    ]
