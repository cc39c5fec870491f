"""Demo content: the four events by slug, the Russian copy, and a second run changes nothing;
the check-in workshop runs on the day the demo is loaded and follows a later run's day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision

from cms import demo
from cms.models import EventPage, FieldOfWork, Session, Speaker
from tests.factories import today_in

pytestmark = pytest.mark.django_db


def _state():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "sessions": Session.objects.count(),
        "documents": get_document_model().objects.count(),
        "speakers": Speaker.objects.count(),
        "fields": FieldOfWork.objects.count(),
        "latest": list(EventPage.objects.values_list("pk", "latest_revision_id").order_by("pk")),
    }


def test_demo_loads_the_four_events_and_a_second_run_changes_nothing():
    demo.load()
    first = _state()

    demo.load()
    events = demo.demo_events()

    assert _state() == first
    assert sorted(events) == [
        "astana-conference",
        "community-policing-workshop",
        "mentors-training",
        "patrol-police-retraining",
    ]
    astana = events["astana-conference"]
    assert astana.registration_state == "open"
    assert (astana.capacity, astana.interpretation_languages) == (120, ["en", "ru"])
    assert astana.start_date > timezone.localdate()
    assert astana.papers.count() == 2
    assert astana.get_translation(demo.ensure_locales()["ru"]).live
    mentors = events["mentors-training"]
    assert (mentors.end_date - timezone.localdate()).days == -189
    assert (mentors.time_zone, mentors.capacity) == ("Europe/Kyiv", 25)
    assert events["patrol-police-retraining"].capacity == 3500
    assert all(e.locale.language_code == "en" for e in events.values())
    assert FieldOfWork.objects.filter(locale__language_code="en").count() == 23
    per_locale = dict(
        FieldOfWork.objects.values_list("locale__language_code").annotate(n=Count("id"))
    )
    assert per_locale == {"en": 23, "ru": 23, "uk": 23, "kk": 23}


def test_demo_pages_render_in_every_language(client):
    events = demo.demo_events()

    for code in ("en", "ru", "uk", "kk"):
        assert client.get(f"/{code}/events/").status_code == 200
        assert client.get(f"/{code}/").status_code == 200
    ru = client.get("/ru/events/astana-conference/")
    assert ru.status_code == 200
    assert "Региональная конференция" in ru.content.decode()
    assert client.get(events["mentors-training"].url).status_code == 200


def test_demo_workshop_runs_on_the_day_of_loading_in_its_zone():
    workshop = demo.demo_events()["community-policing-workshop"]

    assert workshop.time_zone == "Asia/Bishkek"
    assert workshop.start_date == today_in("Asia/Bishkek")
    assert len(workshop.days) == 2
    assert workshop.sessions.filter(day=workshop.start_date).exists()


def test_demo_workshop_moves_to_a_later_run_day_with_its_agenda_and_copies():
    workshop = demo.demo_events()["community-policing-workshop"]
    ru = workshop.get_translation(demo.ensure_locales()["ru"])
    # As if the demo had been loaded ten days ago: every page of the event, ten days back.
    back = dt.timedelta(days=10)
    for page in (workshop, ru):
        page = page.get_latest_revision_as_object()
        page.start_date -= back
        page.end_date -= back
        sessions = list(page.sessions.all())
        for session in sessions:
            session.day -= back
        page.sessions = sessions
        page.save_revision().publish()

    demo.load()
    workshop.refresh_from_db()
    ru.refresh_from_db()
    pages = Page.objects.count()
    demo.load()

    today = today_in("Asia/Bishkek")
    assert (workshop.start_date, ru.start_date) == (today, today)
    assert sorted(set(Session.objects.filter(page=workshop).values_list("day", flat=True))) == (
        workshop.days
    )
    assert workshop.registration_closes < timezone.now()
    assert Page.objects.count() == pages
