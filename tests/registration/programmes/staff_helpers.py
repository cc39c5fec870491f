"""Programmes, cohorts, enrolments and staff for the staff-screen tests."""

from __future__ import annotations

import datetime as dt
import secrets

from wagtail.models import Locale

from cms.models import EventIndexPage, ProgrammePage
from registration.models.registrations import normalise_email
from registration.programmes.models import Cohort, Enrolment
from registration.programmes.permissions import programme_role_assign
from tests.factories import EventPageFactory, HomePageFactory, StaffUserFactory

DAY1 = dt.date(2027, 3, 1)


def index_create() -> EventIndexPage:
    home = HomePageFactory()
    index = EventIndexPage(
        title="Events", slug=f"events-{secrets.token_hex(3)}", locale=Locale.get_default()
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return EventIndexPage.objects.get(pk=index.pk)


def programme_create(index: EventIndexPage | None = None, **fields) -> ProgrammePage:
    index = index or index_create()
    values = {
        "title": "Mentoring programme",
        "slug": f"programme-{secrets.token_hex(3)}",
        "start_date": DAY1,
        "end_date": DAY1 + dt.timedelta(days=270),
        "locale": index.locale,
        **fields,
    }
    programme = ProgrammePage(**values)
    index.add_child(instance=programme)
    programme.save_revision().publish()
    return ProgrammePage.objects.get(pk=programme.pk)


def programme_event(programme: ProgrammePage, *, day=DAY1, **fields):
    return EventPageFactory(
        parent=programme,
        title=fields.pop("title", f"Session {day}"),
        start_date=day,
        end_date=day,
        **fields,
    )


def cohort_create(programme, code="kharkiv-1", **fields) -> Cohort:
    fields.setdefault("name", {"en": f"Cohort {code}"})
    return Cohort.objects.create(programme=programme, code=code, **fields)


def enrol(programme, email, *, cohort=None, given="Olena", family="Koval", **fields):
    return Enrolment.objects.create(
        programme=programme,
        cohort=cohort,
        given_name=given,
        family_name=family,
        email=email,
        email_normalised=normalise_email(email),
        sex=fields.pop("sex", "female"),
        organisation=fields.pop("organisation", "Patrol police"),
        language=fields.pop("language", "uk"),
        **fields,
    )


def programme_staff(programme, *roles):
    user = StaffUserFactory()
    for role in roles:
        programme_role_assign(user=user, programme=programme, role=role)
    return user
