"""Follow-up surveys: a participant answers once; those who have not are reminded once.

Errors carry a ``code``: ``closed`` (the survey no longer takes answers), ``not_eligible``
(the registration was never confirmed and never attended), ``already_answered`` (one response
per participant: a second submission keeps the first), ``out_of_range``, ``unknown_question``,
``required``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registration.checkin.models import CheckIn
from registration.links import manage_url, sign_key
from registration.messaging.services.notices import (
    event_bounds,
    events_near,
    notices_queue_each,
    offset_parse,
)
from registration.messaging.services.outbox import message_queue
from registration.models import Registration, RegistrationStatus
from registration.reports.models import Answer, Question, QuestionKind, Survey, SurveyResponse
from registration.reports.models.surveys import LIKERT_MAX, LIKERT_MIN
from registration.selectors.registrations import event_in_language


class SurveyError(Exception):
    """A survey answer that cannot be taken; ``code`` says why, ``field`` which question."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def survey_url(
    registration: Registration, *, absolute: bool = True, language: str | None = None
) -> str:
    """The participant's own survey link (signed; nothing personal in it), in ``language``
    (default: their language for messages)."""
    with translation.override(language or registration.language):
        path = reverse("reports:survey", kwargs={"key": sign_key(registration, purpose="survey")})
    return f"{settings.SITE_URL}{path}" if absolute else path


def survey_may_answer(*, registration: Registration) -> bool:
    """Confirmed participants, and anyone who was checked in, may answer."""
    return (
        registration.status == RegistrationStatus.CONFIRMED
        or CheckIn.objects.filter(registration=registration).exists()
    )


def answer_clean(question: Question, raw: Any) -> tuple[list[int], str]:
    """Check one answer against its question: option indexes or scale value, and text.

    Raises ``SurveyError`` (``out_of_range``) for a value the question does not offer.
    """
    if question.kind == QuestionKind.TEXT:
        return [], (str(raw or "")).strip()[:5000]
    raw_values = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
    if question.kind != QuestionKind.MULTIPLE and len(raw_values) > 1:
        raise SurveyError(_("Choose only one answer."), code="out_of_range", field=str(question.pk))
    if question.kind == QuestionKind.LIKERT:
        low, high = LIKERT_MIN, LIKERT_MAX
    else:
        low, high = 0, len(question.choices("en")) - 1
    values = []
    for raw_value in raw_values:
        try:
            value = int(raw_value)
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            if question.kind == QuestionKind.LIKERT:
                message = _("Choose a value from %(low)s to %(high)s.") % {
                    "low": LIKERT_MIN,
                    "high": LIKERT_MAX,
                }
            else:
                message = _("Choose one of the answers offered.")
            raise SurveyError(message, code="out_of_range", field=str(question.pk))
        values.append(value)
    return sorted(set(values)), ""


def survey_submit(
    *, registration: Registration, survey: Survey, answers: dict[int, Any], language: str
) -> SurveyResponse:
    """Record one participant's answers (``{question_id: value | [values] | text}``).

    Side effects: one ``SurveyResponse`` and its ``Answer`` rows, in one transaction; nothing
    when any answer is invalid. Raises ``SurveyError``; a second submission raises
    ``already_answered`` and the first response is kept unchanged.
    """
    if survey.event_id != registration.event_id:
        raise SurveyError(_("This survey belongs to another event."), code="not_eligible")
    if not survey.accepting:
        raise SurveyError(_("This survey is closed."), code="closed")
    if not survey_may_answer(registration=registration):
        raise SurveyError(
            _("Only confirmed participants can answer this survey."), code="not_eligible"
        )
    questions = {q.pk: q for q in survey.questions.all()}
    unknown = set(answers) - set(questions)
    if unknown:
        raise SurveyError(_("The survey has changed: reload the page."), code="unknown_question")
    cleaned: list[tuple[Question, list[int], str]] = []
    for pk, question in questions.items():
        values, text = answer_clean(question, answers.get(pk))
        if question.required and not values and not text:
            raise SurveyError(_("This question needs an answer."), code="required", field=str(pk))
        if values or text:
            cleaned.append((question, values, text))
    if SurveyResponse.objects.filter(survey=survey, registration=registration).exists():
        raise SurveyError(_("You have already answered this survey."), code="already_answered")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, registration=registration, language=language[:2]
            )
            Answer.objects.bulk_create(
                [
                    Answer(response=response, question=question, value=value)
                    for question, values, _text in cleaned
                    for value in values
                ]
                + [
                    Answer(response=response, question=question, text=text)
                    for question, _values, text in cleaned
                    if text
                ]
            )
    except IntegrityError as exc:  # a concurrent double submit: the first one won
        raise SurveyError(
            _("You have already answered this survey."), code="already_answered"
        ) from exc
    return response


def survey_audience(*, survey: Survey):
    """Registrations the survey is for: those who attended (all confirmed when the event
    recorded no check-ins)."""
    registrations = Registration.objects.filter(event_id=survey.event_id)
    attended = registrations.filter(Exists(CheckIn.objects.filter(registration=OuterRef("pk"))))
    if CheckIn.objects.filter(registration__event_id=survey.event_id).exists():
        return attended
    return registrations.filter(status=RegistrationStatus.CONFIRMED)


def survey_remind(*, event) -> int:
    """Queue one reminder to everyone in the survey's audience who has not answered.

    Side effects: one outbox ``Message`` per such participant, deduplicated per survey and
    participant (a second call, or a retried task, queues nothing new). Returns how many were
    queued now.
    """
    survey = Survey.objects.filter(event=event.source).first()
    if survey is None or not survey.accepting:
        return 0
    pending = (
        survey_audience(survey=survey)
        .exclude(Exists(SurveyResponse.objects.filter(survey=survey, registration=OuterRef("pk"))))
        .select_related("event")
    )
    queued = 0
    for registration in pending:
        with transaction.atomic():
            message = message_queue(
                registration=registration,
                kind="survey_reminder",
                dedupe_key=f"survey_reminder:{survey.pk}:{registration.pk}",
                context={
                    "event_local": event_in_language(registration.event, registration.language),
                    "manage_url": manage_url(registration),
                    "survey_title": survey.title(registration.language),
                    "survey_url": survey_url(registration),
                },
            )
        queued += message is not None
    return queued


#: How long after the event a survey invitation is still worth sending.
SURVEY_WINDOW = dt.timedelta(days=14)


def survey_invitations_queue_due(*, now: dt.datetime | None = None) -> int:
    """Queue the survey invitation ``MESSAGES_SURVEY_DELAY`` after the last session to the
    survey's audience (those who attended, or every confirmed participant when nobody was
    checked in), for two weeks after the event, if the event has an open survey. Returns how
    many were queued.

    Side effects: ``survey_invitation`` rows, one per registration, ever.
    """
    now = now or timezone.now()
    delay = offset_parse(settings.MESSAGES_SURVEY_DELAY)
    queued = 0
    for event in events_near(now, before=dt.timedelta(0), after=delay + SURVEY_WINDOW):
        _start, end = event_bounds(event)
        if not end + delay <= now < end + delay + SURVEY_WINDOW:
            continue
        survey = Survey.objects.filter(event=event).first()
        if survey is None or not survey.accepting:
            continue
        queued += notices_queue_each(
            survey_audience(survey=survey).select_related("event"),
            kind="survey_invitation",
            key=lambda r: f"survey:{r.pk}",
            context=lambda r, survey=survey: {
                "survey_title": survey.title(r.language),
                "survey_url": survey_url(r),
            },
        )
    return queued
