"""The event index: upcoming and past, filters, unknown filter values, pages, ICS feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.models import FieldOfWork
from tests.cms.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(index):
    today = timezone.localdate()
    policing = FieldOfWork.objects.create(name="Policing", slug="policing", locale=index.locale)
    gender = FieldOfWork.objects.create(
        name="Gender equality", slug="gender-equality", locale=index.locale
    )
    astana = make_event(index, title="Astana conference", country="KZ")
    astana.fields_of_work.set([gender])
    astana.save_revision().publish()
    kyiv = make_event(
        index,
        title="Patrol police course",
        country="UA",
        format="hybrid",
        start_date=today + dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=70),
    )
    kyiv.fields_of_work.set([policing])
    kyiv.save_revision().publish()
    past = make_event(
        index,
        title="Mentors training",
        country="UA",
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=399),
    )
    return {"astana": astana, "kyiv": kyiv, "past": past}


def _titles(response) -> list[str]:
    return [event.title for event in response.context["events"].object_list]


def test_upcoming_events_soonest_first(client, index, events):
    response = client.get(index.url)

    assert _titles(response) == ["Astana conference", "Patrol police course"]
    assert response.context["notices"] == []


def test_past_events(client, index, events):
    response = client.get(index.url, {"when": "past"})

    assert _titles(response) == ["Mentors training"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "policing"}, ["Patrol police course"]),
        ({"country": "KZ"}, ["Astana conference"]),
        ({"country": "ua"}, ["Patrol police course"]),
        ({"format": "hybrid"}, ["Patrol police course"]),
        ({"field": "gender-equality", "country": "KZ"}, ["Astana conference"]),
    ],
)
def test_filters(client, index, events, params, expected):
    response = client.get(index.url, params)

    assert _titles(response) == expected
    assert response.context["notices"] == []


def test_year_filter(client, index, events):
    year = events["past"].start_date.year
    response = client.get(index.url, {"when": "past", "year": str(year)})

    assert _titles(response) == ["Mentors training"]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"field": "astrology"}, "There is no field of work “astrology”."),
        ({"country": "XX"}, "There is no country “XX”."),
        ({"format": "telepathy"}, "There is no event format “telepathy”."),
        ({"year": "20x6"}, "There are no events in the year “20x6”."),
        ({"year": "1850"}, "There are no events in the year “1850”."),
        ({"when": "tomorrow"}, "Showing upcoming events: “tomorrow” is not a choice."),
    ],
)
def test_unknown_filter_value_shows_the_unfiltered_list_with_a_notice(
    client, index, events, params, notice
):
    response = client.get(index.url, params)

    assert response.status_code == 200
    assert _titles(response) == ["Astana conference", "Patrol police course"]
    assert notice in response.context["notices"]
    assert notice in response.content.decode()


def test_unpublished_events_are_not_listed(client, index, events):
    events["kyiv"].unpublish()

    assert _titles(client.get(index.url)) == ["Astana conference"]


def test_pagination(client, index):
    for i in range(12):
        make_event(index, title=f"Course {i:02d}")

    first = client.get(index.url)
    second = client.get(index.url, {"page": "2"})
    beyond = client.get(index.url, {"page": "99"})

    assert len(_titles(first)) == 10
    assert len(_titles(second)) == 2
    assert _titles(beyond) == _titles(second)
    assert "Page 1 of 2" in first.content.decode()


def test_russian_index_falls_back_to_untranslated_events(client, index, events):
    ru = Locale.objects.get_or_create(language_code="ru")[0]
    index_ru = index.copy_for_translation(ru)
    index_ru.save_revision().publish()
    astana_ru = events["astana"].copy_for_translation(ru)
    astana_ru.title = "Конференция в Астане"
    astana_ru.save_revision().publish()

    response = client.get(index_ru.url)

    assert _titles(response) == ["Конференция в Астане", "Patrol police course"]


def test_ics_feed_of_all_events(client, index, events):
    import icalendar

    response = client.get(f"{index.url}events.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Astana conference", "Mentors training", "Patrol police course"]
    astana = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Astana conference")
    assert astana.decoded("DTSTART") == events["astana"].start_date
    assert astana.decoded("DTEND") == events["astana"].end_date + dt.timedelta(days=1)
