"""A small past event whose figures are counted by hand (see the table in each test)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from registration.checkin.models import CheckIn
from registration.reports.models import Answer, Question, Survey, SurveyResponse
from tests.factories import RegistrationFactory, event_create

# name: (sex, country, organisation type, role, interpretation, status, days attended)
PEOPLE = {
    "Aida": ("female", "KZ", "police", "participant", "ru", "confirmed", (0, 1)),
    "Bohdana": ("female", "UA", "ministry", "mentor", "en", "confirmed", (0,)),
    "Chingiz": ("male", "UA", "police", "participant", "ru", "confirmed", (1,)),
    "Dana": ("undisclosed", "KZ", "civil_society", "participant", "", "confirmed", ()),
    "Erlan": ("male", "KZ", "police", "speaker", "ru", "cancelled", ()),
    "Fatima": ("female", "KZ", "police", "participant", "ru", "awaiting_email", ()),
    "Gleb": ("male", "UA", "ministry", "participant", "en", "waitlisted", ()),
}


def home():
    """The home page only (the demo events are not needed here and take seconds to build)."""
    from cms import demo

    return getattr(demo, "load_home", demo.load)()


def past_event(**fields):
    today = timezone.localdate()
    defaults = {
        "title": "Training of Mentors",
        "start_date": today - dt.timedelta(days=10),
        "end_date": today - dt.timedelta(days=9),
        "time_zone": "Europe/Kyiv",
        "city": "Kyiv",
        "country": "UA",
    }
    defaults.update(fields)
    return event_create(parent=home(), **defaults)


def check_in(registration, day: dt.date) -> CheckIn:
    return CheckIn.objects.create(
        registration=registration,
        day=day,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))),
        nonce=secrets.token_hex(16),
    )


def hand_counted_event():
    """The event of ``PEOPLE``; returns (event, {given name: registration})."""
    event = past_event()
    people = {}
    for name, (sex, country, org, role, interp, status, days) in PEOPLE.items():
        reg = RegistrationFactory(
            event=event,
            given_name=name,
            family_name="Test",
            sex=sex,
            country=country,
            organisation_type=org,
            role=role,
            interpretation_language=interp,
            status=status,
        )
        for index in days:
            check_in(reg, event.days[index])
        people[name] = reg
    return event, people


def make_survey(event, *, anonymous: bool = False) -> Survey:
    survey = Survey.objects.create(
        event=event,
        title_en="How was the training?",
        title_ru="Как прошёл тренинг?",
        title_uk="Як пройшов тренінг?",
        anonymous=anonymous,
    )
    questions = [
        Question(
            survey=survey,
            sort_order=0,
            kind="likert",
            text_en="Before the training, how well did you know mentoring methods?",
            text_ru="Насколько хорошо вы знали методы наставничества до тренинга?",
            text_uk="Наскільки добре ви знали методи наставництва до тренінгу?",
            phase="pre",
            pair="knowledge",
        ),
        Question(
            survey=survey,
            sort_order=1,
            kind="likert",
            text_en="After the training, how well do you know mentoring methods?",
            text_ru="Насколько хорошо вы знаете методы наставничества после тренинга?",
            text_uk="Наскільки добре ви знаєте методи наставництва після тренінгу?",
            phase="post",
            pair="knowledge",
            required=True,
        ),
        Question(
            survey=survey,
            sort_order=2,
            kind="single",
            text_en="Was the length right?",
            text_ru="Подходящая ли была продолжительность?",
            choices_en="Too short\nRight\nToo long",
            choices_ru="Слишком коротко\nВ самый раз\nСлишком долго",
        ),
        Question(
            survey=survey,
            sort_order=3,
            kind="multiple",
            text_en="Which sessions were most useful?",
            choices_en="Case studies\nRole play\nPanel",
        ),
        Question(survey=survey, sort_order=4, kind="text", text_en="What should we change?"),
    ]
    Question.objects.bulk_create(questions)
    return survey


def answer(survey, registration, values: list, *, language: str = "en") -> SurveyResponse:
    """Answers in question order: an int, a list of ints, a text, or None."""
    response = SurveyResponse.objects.create(
        survey=survey, registration=registration, language=language
    )
    for question, value in zip(survey.questions.all(), values, strict=True):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            Answer.objects.create(response=response, question=question, text=value)
        else:
            for v in value if isinstance(value, list) else [value]:
                Answer.objects.create(response=response, question=question, value=v)
    return response


def hand_counted_survey(event, people, *, anonymous: bool = False) -> Survey:
    survey = make_survey(event, anonymous=anonymous)
    answer(survey, people["Aida"], [2, 4, 0, [0, 2], "More practice, please"])
    answer(survey, people["Bohdana"], [3, 5, 1, [0], ""], language="uk")
    return survey
