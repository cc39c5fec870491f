"""The post-event report as plain data, aggregated in the database.

``report_build`` runs a fixed number of queries whatever the number of participants: one
``GROUP BY`` over registrations (with each registration's number of check-in days as a
subquery) gives a small cube from which every participation figure is summed in Python; one
more query each for attendance per day, the survey's distributions, its means, its open answers
and the recommendations. Labels are translated in the language active when it is called, so
exports wrap it in ``translation.override``.

Definitions (also printed in the report's notes):
- registered: every registration except those whose e-mail was never confirmed;
- confirmed: status "confirmed";
- attended: checked in on at least one day (any day) / on every day of the event (every day);
- no-shows: confirmed, and never checked in;
- survey audience: those who attended; when the event recorded no check-ins at all (an online
  event), everyone confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries
from wagtail.rich_text import expand_db_html

from cms.fields import language_name
from cms.models import EventOrganiser, FieldOfWork, Organiser, Room
from cms.selectors import page_in_language, snippets_in_language
from conference.l10n import format_date_range
from registration.checkin.models import CheckIn
from registration.models import Registration, RegistrationStatus
from registration.models.registrations import OrganisationType, ParticipantRole, Sex
from registration.nominations.models import Delegation, NominationStatus
from registration.reports.models import Answer, QuestionKind, Recommendation, Survey, SurveyResponse

NOT_REGISTERED = (RegistrationStatus.AWAITING_EMAIL, RegistrationStatus.EXPIRED)


def share(part: int | float, whole: int | float) -> float | None:
    """``part / whole`` as a fraction, or ``None`` when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass
class Split:
    """A count, split by sex."""

    total: int = 0
    women: int = 0
    men: int = 0
    undisclosed: int = 0

    def add(self, sex: str, n: int) -> None:
        self.total += n
        if sex == Sex.FEMALE:
            self.women += n
        elif sex == Sex.MALE:
            self.men += n
        else:
            self.undisclosed += n

    @property
    def women_share(self) -> float | None:
        return share(self.women, self.total)


@dataclass
class Stage:
    key: str
    label: str
    split: Split


@dataclass
class BreakdownRow:
    key: str
    label: str
    registered: Split = field(default_factory=Split)
    confirmed: Split = field(default_factory=Split)
    attended: Split = field(default_factory=Split)


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]

    @property
    def max_registered(self) -> int:
        return max((row.registered.total for row in self.rows), default=0)


@dataclass
class DayRow:
    day: dt.date
    label: str
    attended: Split
    share_of_confirmed: float | None


@dataclass
class ChoiceCount:
    value: int
    label: str
    count: int
    share: float | None


@dataclass
class OpenAnswer:
    text: str
    language: str
    name: str | None  # None when the survey is anonymous


@dataclass
class QuestionResult:
    id: int
    number: int
    kind: str
    text: str
    respondents: int
    distribution: list[ChoiceCount]
    mean: float | None
    phase: str
    pair: str
    open_answers: list[OpenAnswer] = field(default_factory=list)


@dataclass
class PrePost:
    pair: str
    pre_text: str
    post_text: str
    pre_mean: float | None
    post_mean: float | None
    pre_respondents: int
    post_respondents: int

    @property
    def change(self) -> float | None:
        if self.pre_mean is None or self.post_mean is None:
            return None
        return self.post_mean - self.pre_mean


@dataclass
class SurveyResult:
    id: int
    title: str
    anonymous: bool
    audience: int
    responses: int
    questions: list[QuestionResult]
    pre_post: list[PrePost]

    @property
    def response_rate(self) -> float | None:
        return share(self.responses, self.audience)


@dataclass
class RecommendationRow:
    id: int
    order: int
    text: str
    session: str  # "" when not attached to a session


@dataclass
class OrganiserGroup:
    """The organisers of one role ("Co-organiser": ...), named in the report's language."""

    role: str
    names: list[str]


@dataclass
class NominationRow:
    """One delegation's people at each nomination stage."""

    key: int
    label: str
    nominated: Split = field(default_factory=Split)
    approved: Split = field(default_factory=Split)
    registered: Split = field(default_factory=Split)
    attended: Split = field(default_factory=Split)


@dataclass
class NominationStages:
    """Women's participation from nomination onwards: nominated → approved → registered →
    attended, by sex, in all and by delegation, against the event's gender-balance target."""

    target: int | None  # percent women, when the event set one
    stages: list[Stage]
    rows: list[NominationRow]


@dataclass
class Report:
    event_id: int
    title: str
    dates: str
    place: str
    language: str
    generated_at: dt.datetime
    #: The event's key objectives from its concept note (rich text, expanded to plain HTML),
    #: in the report's language when the page has a copy in it: the report's cover.
    objectives: str
    days: int
    stages: list[Stage]
    no_shows: Split
    breakdowns: list[Breakdown]
    attendance: list[DayRow]
    survey: SurveyResult | None
    recommendations: list[RecommendationRow]
    subtitle: str = ""
    organisers: list[OrganiserGroup] = field(default_factory=list)
    fields_of_work: list[str] = field(default_factory=list)
    #: Text (``title``, ``subtitle``, ``place``, ``objectives``) → the language it is written
    #: in, for the texts the event's copy in the report's language does not have yet (they
    #: come from the source page): the HTML marks them with ``lang``, DOCX runs with ``w:lang``.
    fallback_languages: dict[str, str] = field(default_factory=dict)
    #: Only for events with delegations (nominations by focal points), else None.
    nominations: NominationStages | None = None

    def stage(self, key: str) -> Stage:
        return next(stage for stage in self.stages if stage.key == key)

    @property
    def participants(self) -> int:
        return self.stage("registered").split.total


def _label(choices, code: str) -> str:
    if not code:
        return _("Not given")
    try:
        return str(choices(code).label)
    except ValueError:
        return code


BREAKDOWNS = {
    "country": lambda code: str(countries.name(code)) if code else _("Not given"),
    "organisation_type": lambda code: _label(OrganisationType, code),
    "role": lambda code: _label(ParticipantRole, code),
    "interpretation_language": lambda code: (
        language_name(code) if code else pgettext("interpretation", "None")
    ),
}


def _breakdown_titles() -> dict[str, str]:
    return {
        "country": _("By country"),
        "organisation_type": _("By type of organisation"),
        "role": _("By role"),
        "interpretation_language": _("By interpretation language"),
    }


def report_build(*, event) -> Report:
    """Every figure of ``event``'s report, in the active language. Reads only; ~10 queries."""
    event = event.source
    event_days = event.days
    cube = _participation_cube(event)

    stages = {
        "registered": Split(),
        "confirmed": Split(),
        "attended_any": Split(),
        "attended_every": Split(),
    }
    no_shows = Split()
    rows: dict[str, dict[str, BreakdownRow]] = {key: {} for key in BREAKDOWNS}
    for cell in cube:
        sex, n, days = cell["sex"], cell["n"], cell["days"]
        registered = cell["status"] not in NOT_REGISTERED
        confirmed = cell["status"] == RegistrationStatus.CONFIRMED
        attended = days > 0
        for key, flag in (
            ("registered", registered),
            ("confirmed", confirmed),
            ("attended_any", attended),
            ("attended_every", attended and days >= len(event_days)),
        ):
            if flag:
                stages[key].add(sex, n)
        if confirmed and not attended:
            no_shows.add(sex, n)
        for key, label_of in BREAKDOWNS.items():
            code = cell[key] or ""
            row = rows[key].get(code)
            if row is None:
                row = rows[key][code] = BreakdownRow(key=code, label=label_of(code))
            if registered:
                row.registered.add(sex, n)
            if confirmed:
                row.confirmed.add(sex, n)
            if attended:
                row.attended.add(sex, n)

    titles = _breakdown_titles()
    breakdowns = [
        Breakdown(
            key=key,
            title=titles[key],
            rows=sorted(
                (row for row in rows[key].values() if row.registered.total or row.attended.total),
                key=lambda row: (-row.registered.total, row.label),
            ),
        )
        for key in BREAKDOWNS
    ]
    confirmed_total = stages["confirmed"].total
    attendance = _attendance(event, event_days, confirmed_total)
    audience = (
        stages["attended_any"].total
        if any(day.attended.total for day in attendance)
        else confirmed_total
    )
    stage_labels = {
        "registered": pgettext("report", "Registered"),
        "confirmed": pgettext("report", "Confirmed"),
        "attended_any": _("Attended (at least one day)"),
        "attended_every": _("Attended every day"),
    }
    language = (translation.get_language() or "en")[:2]
    local = page_in_language(page=event, language=language)
    texts = EventTexts(source=event, local=local, language=language)
    venue_name, venue_language = texts.get("venue_name")
    city, city_language = texts.get("city")
    place_language = venue_language if venue_name else city_language
    return Report(
        event_id=event.pk,
        title=texts.get("title")[0],
        subtitle=texts.get("subtitle")[0],
        dates=_dates(event.start_date, event.end_date),
        place=", ".join(part for part in (venue_name, city, _country(event.country)) if part),
        language=language,
        generated_at=timezone.now(),
        objectives=expand_db_html(texts.get("objectives")[0]),
        # The source page's lists are those of record (a copy's may lag behind); each
        # snippet is named by its translation.
        organisers=organiser_groups(page=event, language=language),
        fields_of_work=field_of_work_names(page=event, language=language),
        fallback_languages={
            key: code
            for key, code in (
                ("title", texts.get("title")[1]),
                ("subtitle", texts.get("subtitle")[1]),
                ("place", place_language),
                ("objectives", texts.get("objectives")[1]),
            )
            if code != language
        },
        days=len(event_days),
        stages=[
            Stage(key=key, label=stage_labels[key], split=split) for key, split in stages.items()
        ],
        no_shows=no_shows,
        breakdowns=breakdowns,
        attendance=attendance,
        survey=survey_results(event=event, audience=audience),
        recommendations=recommendation_rows(event=event, local=local, language=language),
        nominations=nomination_stages(event=event),
    )


class EventTexts:
    """An event's texts in a language: each from the page's copy in that language, or from
    the source page where the copy leaves it empty (or there is no copy), with the language
    it is written in."""

    def __init__(self, *, source, local, language: str) -> None:
        self.source, self.local, self.language = source, local, language

    def get(self, name: str) -> tuple[str, str]:
        """(text, the language it is in) of the page field ``name``; ("", language) if blank
        on both pages."""
        value = getattr(self.local, name, "") or ""
        if value.strip():
            return value, self._language_of(self.local)
        value = getattr(self.source, name, "") or ""
        if value.strip():
            return value, self._language_of(self.source)
        return "", self.language

    def _language_of(self, page) -> str:
        if page.pk != self.source.pk:
            return self.language  # ``page_in_language`` found it in that language
        return page.locale.language_code[:2]


def organiser_groups(*, page, language: str) -> list[OrganiserGroup]:
    """The page's organisers grouped by role, in the order the organiser listed them, each
    named as its translation in ``language`` has it (the original where none). Two queries."""
    links = list(EventOrganiser.objects.filter(page_id=page.pk).select_related("organiser"))
    names = snippets_in_language(
        [link.organiser for link in links], model=Organiser, language=language
    )
    groups: dict[str, OrganiserGroup] = {}
    for link in sorted(links, key=lambda link: (link.sort_order or 0, link.pk)):
        role = str(link.get_role_display())
        groups.setdefault(role, OrganiserGroup(role=role, names=[]))
        groups[role].names.append(names[link.organiser_id].name)
    return list(groups.values())


def field_of_work_names(*, page, language: str) -> list[str]:
    """The page's fields of work, named in ``language`` where translated. Two queries."""
    fields = list(page.fields_of_work.all())
    names = snippets_in_language(fields, model=FieldOfWork, language=language)
    return [names[f.pk].name for f in fields]


#: The nomination stages, in order (a person counts at every stage they reached).
NOMINATION_STAGES = ("nominated", "approved", "registered", "attended")


def _nomination_stage_labels() -> dict[str, str]:
    return {
        "nominated": pgettext("report", "Nominated"),
        "approved": pgettext("report", "Approved"),
        "registered": pgettext("report", "Registered"),
        "attended": pgettext("report", "Attended"),
    }


def nomination_stages(*, event) -> NominationStages | None:
    """The nomination stages of ``event`` (one query), or None when it has no delegations.

    - nominated: every nomination except those the focal point withdrew (declined, replaced
      and replacement-requested people were nominated);
    - approved: approved by the organisers;
    - registered: approved, with a registration whose e-mail address was confirmed;
    - attended: of those, checked in on at least one day.
    """
    checked_in = CheckIn.objects.filter(registration=OuterRef("nominations__registration"))
    cube = (
        Delegation.objects.filter(event=event)
        .annotate(attended=Exists(checked_in))
        .order_by()
        .values(
            "pk",
            "name",
            "nominations__status",
            "nominations__sex",
            "nominations__registration__status",
            "attended",
        )
        .annotate(n=Count("nominations", filter=~Q(nominations__status=NominationStatus.WITHDRAWN)))
    )
    rows: dict[int, NominationRow] = {}
    totals = {key: Split() for key in NOMINATION_STAGES}
    for cell in cube:
        row = rows.get(cell["pk"])
        if row is None:
            row = rows[cell["pk"]] = NominationRow(key=cell["pk"], label=cell["name"])
        n, sex = cell["n"], cell["nominations__sex"] or ""
        if not n:
            continue
        approved = cell["nominations__status"] == NominationStatus.APPROVED
        registered = approved and cell["nominations__registration__status"] not in (
            None,
            *NOT_REGISTERED,
        )
        for key, flag in (
            ("nominated", True),
            ("approved", approved),
            ("registered", registered),
            ("attended", registered and cell["attended"]),
        ):
            if flag:
                getattr(row, key).add(sex, n)
                totals[key].add(sex, n)
    if not rows:
        return None
    labels = _nomination_stage_labels()
    return NominationStages(
        target=event.gender_balance_target,
        stages=[Stage(key=key, label=labels[key], split=totals[key]) for key in totals],
        rows=sorted(rows.values(), key=lambda row: row.label),
    )


def _participation_cube(event) -> list[dict]:
    """Registrations counted by every reported attribute and number of days attended."""
    days_attended = (
        CheckIn.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    return list(
        Registration.objects.filter(event=event)
        .annotate(days=Coalesce(Subquery(days_attended, output_field=IntegerField()), Value(0)))
        .order_by()
        .values("status", "sex", "days", *BREAKDOWNS)
        .annotate(n=Count("pk"))
    )


def _attendance(event, event_days: list[dt.date], confirmed: int) -> list[DayRow]:
    by_day: dict[dt.date, Split] = defaultdict(Split)
    for row in (
        CheckIn.objects.filter(registration__event=event)
        .order_by()
        .values("day", "registration__sex")
        .annotate(n=Count("registration", distinct=True))
    ):
        by_day[row["day"]].add(row["registration__sex"], row["n"])
    days = sorted(set(event_days) | set(by_day))
    return [
        DayRow(
            day=day,
            label=_("Day %(number)s (%(date)s)") % {"number": i, "date": date_text(day)},
            attended=by_day[day],
            share_of_confirmed=share(by_day[day].total, confirmed),
        )
        for i, day in enumerate(days, start=1)
    ]


def survey_results(*, event, audience: int) -> SurveyResult | None:
    """The survey's response rate, distributions, means, pre/post change and open answers."""
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return None
    questions = list(survey.questions.all())
    responses = SurveyResponse.objects.filter(survey=survey).count()
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(question__survey=survey, value__isnull=False)
        .order_by()
        .values("question_id", "value")
        .annotate(n=Count("pk"))
    ):
        counts[row["question_id"]][row["value"]] = row["n"]
    stats = {
        row["question_id"]: row
        for row in Answer.objects.filter(question__survey=survey)
        .order_by()
        .values("question_id")
        .annotate(respondents=Count("response", distinct=True), mean=Avg("value"))
    }
    open_answers: dict[int, list[OpenAnswer]] = defaultdict(list)
    fields = ["question_id", "text", "response__language"]
    if not survey.anonymous:
        fields += ["response__registration__given_name", "response__registration__family_name"]
    for row in (
        Answer.objects.filter(question__survey=survey, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values(*fields)
    ):
        name = None
        if not survey.anonymous:
            name = (
                f"{row['response__registration__given_name']} "
                f"{row['response__registration__family_name']}"
            ).strip()
        open_answers[row["question_id"]].append(
            OpenAnswer(text=row["text"], language=row["response__language"], name=name)
        )

    results = []
    for number, question in enumerate(questions, start=1):
        stat = stats.get(question.pk, {})
        respondents = stat.get("respondents", 0)
        if question.kind == QuestionKind.LIKERT:
            options = [(v, str(v)) for v in range(1, 6)]
        elif question.has_choices:
            options = list(enumerate(question.choices()))
        else:
            options = []
        distribution = [
            ChoiceCount(
                value=value,
                label=label,
                count=counts[question.pk].get(value, 0),
                share=share(counts[question.pk].get(value, 0), respondents),
            )
            for value, label in options
        ]
        mean = stat.get("mean") if question.kind == QuestionKind.LIKERT else None
        results.append(
            QuestionResult(
                id=question.pk,
                number=number,
                kind=question.kind,
                text=question.text(),
                respondents=respondents,
                distribution=distribution,
                mean=float(mean) if mean is not None else None,
                phase=question.phase,
                pair=question.pair,
                open_answers=open_answers.get(question.pk, []),
            )
        )
    return SurveyResult(
        id=survey.pk,
        title=survey.title(),
        anonymous=survey.anonymous,
        audience=audience,
        responses=responses,
        questions=results,
        pre_post=_pre_post(results),
    )


def _pre_post(results: list[QuestionResult]) -> list[PrePost]:
    pairs: dict[str, dict[str, QuestionResult]] = defaultdict(dict)
    for result in results:
        if result.kind == QuestionKind.LIKERT and result.phase and result.pair:
            pairs[result.pair].setdefault(result.phase, result)
    return [
        PrePost(
            pair=pair,
            pre_text=phases["pre"].text,
            post_text=phases["post"].text,
            pre_mean=phases["pre"].mean,
            post_mean=phases["post"].mean,
            pre_respondents=phases["pre"].respondents,
            post_respondents=phases["post"].respondents,
        )
        for pair, phases in pairs.items()
        if "pre" in phases and "post" in phases
    ]


def recommendation_rows(
    *, event, local=None, language: str | None = None
) -> list[RecommendationRow]:
    """The event's recommendations in order; each session named as the event's copy ``local``
    (in ``language``) names it, with its room in that language. Four queries at most."""
    rows = list(Recommendation.objects.filter(event=event).select_related("session__room"))
    sessions = _local_sessions(event, local) if any(rec.session_id for rec in rows) else {}
    rooms = snippets_in_language(
        [rec.session.room for rec in rows if rec.session_id and rec.session.room_id],
        model=Room,
        language=language or translation.get_language(),
    )
    return [
        RecommendationRow(
            id=rec.pk,
            order=number,
            text=rec.text,
            session=(
                _session_label(
                    rec.session,
                    title=sessions.get(rec.session_id, rec.session).title,
                    room=rooms.get(rec.session.room_id),
                )
                if rec.session_id
                else ""
            ),
        )
        for number, rec in enumerate(rows, start=1)
    ]


def _local_sessions(event, local) -> dict[int, object]:
    """Source session id → the same session on the copy ``local``: the copies of an agenda
    hold the same sessions in the same order, so they pair up by position while their days
    and times agree (a copy whose agenda lags behind pairs up with nothing)."""
    if local is None or local.pk == event.pk:
        return {}
    order = ("day", "start_time", "sort_order", "pk")
    mine = list(event.sessions.order_by(*order))
    theirs = list(local.sessions.order_by(*order))
    if [(s.day, s.start_time, s.end_time) for s in mine] != [
        (s.day, s.start_time, s.end_time) for s in theirs
    ]:
        return {}
    return {a.pk: b for a, b in zip(mine, theirs, strict=True)}


def _session_label(session, *, title: str | None = None, room=None) -> str:
    when = date_text(session.day)
    if room is not None:
        when = f"{when}, {room.name}"
    return f"{title or session.title} ({when})"


def date_text(day: dt.date | dt.datetime) -> str:
    """A date as the active language writes it ("Nov. 27, 2026", "27 ноября 2026 г."):
    numeric short formats read differently in each country (is 11/12 November or December?),
    so the report spells the month out."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return formats.date_format(day, "DATE_FORMAT")


def _dates(start: dt.date, end: dt.date) -> str:
    return format_date_range(start, end)


def _country(country) -> str:
    return str(country.name) if country else ""


def survey_status(*, registration) -> dict | None:
    """For the participant's own page: the event's survey, and whether they answered it."""
    survey = Survey.objects.filter(event_id=registration.event_id).first()
    if survey is None:
        return None
    answered = SurveyResponse.objects.filter(survey=survey, registration=registration).exists()
    return {"survey": survey, "answered": answered, "accepting": survey.accepting}
