"""N+1 guards: each list and report costs the same number of queries for 2 rows as for 20.

Every test runs at both sizes and asserts one fixed count, so a query added per row fails at
the larger size. If a change adds a query for the whole page, raise the count here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.checkin.selectors import (
    attendance_by_day,
    attendance_by_registration,
    logistics_summary,
)
from registration.reports.models import Recommendation
from registration.reports.selectors import report_build
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    MessageFactory,
    RegistrationFactory,
    SessionFactory,
    StaffUserFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

SIZES = [2, 20]

pytestmark = pytest.mark.django_db


def _populate(event, size: int, *, survey=None) -> list:
    """``size`` confirmed participants, each with needs, a check-in, a message (and an answer
    to ``survey``), plus a waitlisted and a cancelled one who must not be counted in."""
    people = []
    for i in range(size):
        person = RegistrationFactory(
            event=event,
            sex=("female", "male", "undisclosed")[i % 3],
            country=("KZ", "UA", "KG")[i % 3],
            interpretation_language=("ru", "en", "")[i % 3],
            access_needs=["wheelchair"] if i % 2 else [],
            dietary=["halal"] if i % 3 == 0 else [],
            dietary_needs="no nuts" if i % 4 == 0 else "",
            visa_letter=i % 5 == 0,
        )
        CheckInFactory(registration=person, day=event.days[i % len(event.days)])
        MessageFactory(registration=person, status="failed" if i % 7 == 0 else "sent")
        if survey is not None:
            SurveyResponseFactory(
                survey=survey,
                registration=person,
                answers=[1 + i % 5, 1 + (i + 1) % 5, i % 3, [i % 3], f"answer {i}"],
            )
        people.append(person)
    RegistrationFactory(event=event, waitlisted=True)
    RegistrationFactory(event=event, cancelled=True)
    return people


@pytest.mark.parametrize("size", SIZES)
def test_attendance_query_count_is_the_same_for_any_size(size, django_assert_num_queries):
    event = EventPageFactory(past=True)
    _populate(event, size)

    attendance_by_day(event=event)  # warm the process-wide caches (content types, locales)
    with django_assert_num_queries(5):
        days = attendance_by_day(event=event)
        people = attendance_by_registration(event=event)

    assert sum(d.checked_in for d in days) == size
    assert len(people) == size


@pytest.mark.parametrize("size", SIZES)
def test_logistics_summary_query_count_is_the_same_for_any_size(size, django_assert_num_queries):
    event = EventPageFactory(past=True)
    _populate(event, size)

    logistics_summary(event=event)  # warm the process-wide caches
    with django_assert_num_queries(2):
        summary = logistics_summary(event=event)

    assert summary.confirmed == size


@pytest.mark.parametrize("size", SIZES)
def test_report_build_query_count_is_the_same_for_any_size(size, django_assert_num_queries):
    event = EventPageFactory(past=True)
    _populate(event, size, survey=SurveyFactory(event=event))
    session = SessionFactory(page=event, title="Mentoring in practice")
    Recommendation.objects.create(event=event, text="Repeat it", session=session)

    report_build(event=event)  # warm the process-wide caches
    # 11: the cover names the event's organisers and fields of work in the report's language;
    # 12: the nomination stages (one query, also for an event without delegations).
    with django_assert_num_queries(12):
        report = report_build(event=event)

    assert report.stage("attended_any").split.total == size


@pytest.mark.parametrize("size", SIZES)
def test_participant_list_query_count_is_the_same_for_any_size(
    size, client, django_assert_num_queries
):
    event = EventPageFactory()
    _populate(event, size)
    client.force_login(StaffUserFactory(roles=["organiser"], roles__event=event))
    url = reverse("wagtailsnippets_registration_registration:list")

    client.get(url)  # warm the process-wide caches
    # 26: an organiser may add events now, so the admin's Pages menu looks up its root page.
    with django_assert_num_queries(26):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["object_list"]) == size + 2


@pytest.mark.parametrize("size", SIZES)
def test_message_log_query_count_is_the_same_for_any_size(size, client, django_assert_num_queries):
    event = EventPageFactory()
    _populate(event, size)
    client.force_login(StaffUserFactory(roles=["organiser"], roles__event=event))
    url = reverse("messaging_admin:log", kwargs={"event_id": event.pk})

    client.get(url)  # warm the process-wide caches
    # 29: one more than before for the Pages menu's root page (organisers may add events).
    with django_assert_num_queries(29):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size
