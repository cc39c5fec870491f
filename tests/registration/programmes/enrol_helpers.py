"""A programme open for enrolment with two cohorts, a common on-site training, a common online
session and one event of cohort "north" only; the enrolment form's data."""

from __future__ import annotations

from registration.programmes.models import Cohort
from tests.factories import EventPageFactory, ProgrammePageFactory

MEETING_LINK = "https://meet.example.org/j/secret-room-4711"


def programme_world(*, translations=("ru", "uk"), capacity_north=None, enrolment_open=True):
    programme = ProgrammePageFactory(enrolment_open=enrolment_open, translations=translations)
    training = EventPageFactory(
        parent=programme,
        title="Opening training of mentors",
        starts_in_days=5,
        translations=translations,
        credit_hours="16",
    )
    online = EventPageFactory(
        parent=programme,
        title="Monthly online session",
        starts_in_days=40,
        length_days=1,
        format="online",
        online_platform="Zoom",
        online_link=MEETING_LINK,
        venue_name="",
        city="",
        translations=translations,
    )
    north_only = EventPageFactory(
        parent=programme, title="Regional meeting north", starts_in_days=60, translations=()
    )
    north = Cohort.objects.create(
        programme=programme,
        code="north",
        name={"en": "North", "ru": "Север"},
        region="North",
        capacity=capacity_north,
    )
    north.events.add(north_only)
    south = Cohort.objects.create(
        programme=programme, code="south", name={"en": "South", "ru": "Юг"}, region="South"
    )
    return {
        "programme": programme,
        "training": training,
        "online": online,
        "north_only": north_only,
        "north": north,
        "south": south,
    }


def enrol_data(n: int = 1, **extra) -> dict:
    """Cleaned enrolment data, as the form gives it to ``enrolment_create``."""
    data = {
        "title": "",
        "given_name": f"Olena{n}",
        "family_name": "Kovalenko",
        "email": f"Olena.{n}@Example.org",
        "organisation": "National Police of Ukraine",
        "organisation_type": "police",
        "position": "Inspector",
        "country": "UA",
        "sex": "female",
        "interpretation_language": "ru",
        "access_needs": [],
        "dietary": [],
        "language": "uk",
        "programme_role": "mentee",
    }
    data.update(extra)
    return data


def enrol_post(cohort, n: int = 1, **extra) -> dict:
    """What the browser posts on the enrolment form."""
    data = {
        "cohort": str(cohort.pk) if cohort is not None else "",
        "region": "",
        "programme_role": "participant",
        "given_name": "Olena",
        "family_name": "Kovalenko",
        "email": f"olena.{n}@example.org",
        "organisation": "National Police of Ukraine",
        "organisation_type": "police",
        "country": "UA",
        "sex": "female",
        "interpretation_language": "ru",
        "language": "en",
        "consent": "on",
    }
    data.update(extra)
    return data
