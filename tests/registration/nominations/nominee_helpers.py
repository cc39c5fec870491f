"""Approved nominees and visa letters for the nominee's tests (helper "nominee")."""

from __future__ import annotations

import datetime as dt

from registration.nominations.models import VisaLetterTemplate, VisaRequest
from registration.nominations.services.decisions import nominations_decide
from registration.nominations.services.nominating import nomination_create
from tests.registration.nominations.focal_helpers import (
    before_deadline,
    delegation_create,
    nominee,
)


def approved_nomination(delegation=None, n: int = 1, **extra):
    """A nomination of ``delegation`` (the Kyrgyz one by default) approved by the organisers."""
    delegation = delegation or delegation_create()
    extra.setdefault("given_name", "Aizada")  # the form refuses digits in a name
    nomination = nomination_create(
        delegation=delegation, data=nominee(n, **extra), now=before_deadline(delegation)
    )
    nominations_decide(nominations=[nomination], decision="approve")
    nomination.refresh_from_db()
    return nomination


BODY = {
    "en": (
        "Reference {reference}\n\nWe invite {name}, national of {nationality}, passport "
        "{passport_number}, born {date_of_birth}, to {event} on {dates} at {venue}, {city}. "
        "Purpose: {purpose}."
    ),
    "ru": (
        "Исх. № {reference}\n\nПриглашаем {name}, гражданство: {nationality}, паспорт "
        "{passport_number}, дата рождения {date_of_birth}, на мероприятие «{event}» "
        "{dates}, {venue}, {city}. Цель: {purpose}."
    ),
}


def letter_template(event, language: str = "en") -> VisaLetterTemplate:
    return VisaLetterTemplate.objects.create(
        event=event,
        language=language,
        body=BODY[language],
        purpose={"en": "participation in the conference", "ru": "участие в конференции"}[language],
        signatory_name={"en": "Anna Organiser", "ru": "Анна Организатор"}[language],
        signatory_title="Head of Office",
    )


def visa_request(registration, **extra) -> VisaRequest:
    values = {
        "registration": registration,
        "name_in_passport": "TOKTOGULOVA AIZADA",
        "nationality": "KG",
        "passport_number": "AC1234567",
        "passport_expires": registration.event.end_date + dt.timedelta(days=400),
        "date_of_birth": dt.date(1985, 4, 23),
    }
    values.update(extra)
    return VisaRequest.objects.create(**values)
