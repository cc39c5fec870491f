"""Demo data for the post-event report of the mentors' training (idempotent).

The data is ``registration/reports/demo.json``: the follow-up survey with pre/post
self-assessment questions in English, Russian, Ukrainian and Kazakh (each text a map
``{language: text}``, as the models store it), the answers of most attendees (by
e-mail; one answer per question, in the questions' order) and four recommendations attached to
sessions. Runs after the check-in loader, whose arrivals make the report's attendance; if the
training has no check-in yet, it runs that loader first. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from cms import demo as cms_demo
from registration.checkin import demo as checkin_demo
from registration.checkin.models import CheckIn
from registration.demo import stdout_writer
from registration.models import Registration
from registration.reports.models import Answer, Question, Recommendation, Survey, SurveyResponse

DATA = Path(__file__).with_name("demo.json")


@functools.cache
def content() -> dict[str, Any]:
    """``registration/reports/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def _survey(event) -> Survey:
    """The survey and its questions, made once."""
    data = content()
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        survey = Survey.objects.create(
            event=event,
            anonymous=data["survey"]["anonymous"],
            title_i18n=data["survey"]["title"],
            intro_i18n=data["survey"]["intro"],
        )
    if not survey.questions.exists():
        Question.objects.bulk_create(
            [
                Question(
                    survey=survey,
                    sort_order=order,
                    kind=row["kind"],
                    phase=row.get("phase", ""),
                    pair=row.get("pair", ""),
                    required=row["required"],
                    text_i18n=row["text"],
                    choices_i18n={
                        code: "\n".join(choices) for code, choices in row.get("choices", {}).items()
                    },
                )
                for order, row in enumerate(data["questions"])
            ]
        )
    return survey


def _answers(response: SurveyResponse, questions: list[Question], values: list) -> list[Answer]:
    """One answer per question: a number, a list of numbers (several choices) or a text."""
    answers = []
    for question, value in zip(questions, values, strict=True):
        if value is None:
            continue
        if isinstance(value, str):
            answers.append(Answer(response=response, question=question, text=value))
        else:
            answers += [
                Answer(response=response, question=question, value=item)
                for item in (value if isinstance(value, list) else [value])
            ]
    return answers


def _responses(event, survey: Survey) -> int:
    """The data's responses of attendees who have not answered yet."""
    questions = list(survey.questions.order_by("sort_order"))
    attendees = {
        registration.email: registration
        for registration in Registration.objects.filter(event=event, checkins__isnull=False)
    }
    answered = set(
        SurveyResponse.objects.filter(survey=survey).values_list("registration_id", flat=True)
    )
    made = 0
    for row in content()["responses"]:
        registration = attendees.get(row["email"])
        if registration is None or registration.pk in answered:
            continue
        response = SurveyResponse.objects.create(
            survey=survey,
            registration=registration,
            language=registration.language,
            submitted_at=timezone.now() - dt.timedelta(minutes=row["minutes_ago"]),
        )
        Answer.objects.bulk_create(_answers(response, questions, row["answers"]))
        made += 1
    return made


def _recommendations(event) -> int:
    """The recommendations, attached to the sessions they name (once)."""
    if Recommendation.objects.filter(event=event).exists():
        return 0
    rows = content()["recommendations"]
    sessions = {session.title: session for session in event.sessions.all()}
    for order, row in enumerate(rows):
        Recommendation.objects.create(
            event=event, text=row["text"], order=order, session=sessions.get(row["session"])
        )
    return len(rows)


@transaction.atomic
def load(*, write: Callable[[str], None] | None = None) -> None:
    """Survey, answers and recommendations for the mentors' training (once).

    ``write`` takes one line of the summary (``load_demo`` passes its stdout).
    """
    write = write or stdout_writer()
    slug = content()["event"]
    event = cms_demo.demo_events().get(slug)
    if event is None:
        return
    before = CheckIn.objects.filter(registration__event=event).count()
    if not before:
        checkin_demo.load(write=write)
    checkins = CheckIn.objects.filter(registration__event=event).count() - before
    survey = _survey(event)
    responses = _responses(event, survey)
    recommendations = _recommendations(event)
    write(
        f"  Report of {slug}: {checkins} check-ins, {responses} survey responses, "
        f"{recommendations} recommendations added."
    )
