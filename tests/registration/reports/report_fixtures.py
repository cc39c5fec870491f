"""A small past event whose figures are counted by hand (see the table in each test).

``past_event``, ``check_in``, ``make_survey`` and ``answer`` are thin names over
``tests.factories``, kept for the tests that call them.
"""

from __future__ import annotations

import datetime as dt

from registration.checkin.models import CheckIn
from registration.reports.models import Survey, SurveyResponse
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    HomePageFactory,
    RegistrationFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

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
    """Thin name over ``HomePageFactory``."""
    return HomePageFactory()


def past_event(**fields):
    """A two-day event in Kyiv that ended nine days ago."""
    return EventPageFactory(past=True, **fields)


def check_in(registration, day: dt.date) -> CheckIn:
    """A scan at 09:00 on ``day``."""
    return CheckInFactory(registration=registration, day=day)


def hand_counted_event(**fields):
    """The event of ``PEOPLE`` (``fields`` go to the page); returns (event, {given name:
    registration})."""
    event = past_event(**fields)
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
    """The event's survey with the five standard questions."""
    return SurveyFactory(event=event, anonymous=anonymous)


def answer(survey, registration, values: list, *, language: str = "en") -> SurveyResponse:
    """Answers in question order: an int, a list of ints, a text, or None."""
    return SurveyResponseFactory(
        survey=survey, registration=registration, language=language, answers=values
    )


def hand_counted_survey(event, people, *, anonymous: bool = False) -> Survey:
    survey = make_survey(event, anonymous=anonymous)
    answer(survey, people["Aida"], [2, 4, 0, [0, 2], "More practice, please"])
    answer(survey, people["Bohdana"], [3, 5, 1, [0], ""], language="uk")
    return survey
