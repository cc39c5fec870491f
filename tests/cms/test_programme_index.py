"""The event index lists programmes and courses, and each event of one says what it is part
of; the lookup costs one query however many events are listed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.selectors import _parent_programmes
from tests.cms.conftest import make_event
from tests.factories import ProgrammePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(index):
    return ProgrammePageFactory(
        parent=index,
        title="Pilot mentoring programme",
        slug="mentoring",
    )


def test_index_lists_programmes_and_labels_their_events(client, index, programme):
    today = timezone.localdate()
    make_event(
        programme,
        title="Online session one",
        slug="session-1",
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=10),
    )
    make_event(index, title="Astana conference", slug="astana")

    body = client.get(index.url).content.decode()

    assert "Programmes and courses" in body
    assert f'href="{programme.url}"' in body
    # The session's card names its programme; the stand-alone event's does not.
    session_card = body.split("Online session one")[1].split("</li>")[0]
    assert "Part of" in session_card
    assert "Pilot mentoring programme" in session_card
    astana_card = body.split("Astana conference")[1].split("</li>")[0]
    assert "Part of" not in astana_card


def test_index_in_russian_links_the_russian_programme(client, index, programme):
    ru_index = index.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru_index.save_revision().publish()
    ru_programme = programme.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru_programme.save_revision().publish()

    body = client.get(ru_index.url).content.decode()

    assert "Программы и курсы" in body
    assert f'href="{ru_programme.url}"' in body


def test_ended_programmes_are_not_listed(client, index):
    ProgrammePageFactory(parent=index, title="Finished course", starts_in_days=-400, length_days=30)

    assert "Finished course" not in client.get(index.url).content.decode()


def test_programme_labels_cost_one_query(index, programme, django_assert_num_queries):
    today = timezone.localdate()
    events = [
        make_event(
            programme,
            title=f"Session {n}",
            slug=f"s-{n}",
            start_date=today + dt.timedelta(days=n),
            end_date=today + dt.timedelta(days=n),
        )
        for n in range(1, 6)
    ] + [make_event(index, title="Other", slug="other")]

    with django_assert_num_queries(1):
        found = _parent_programmes(events)

    assert set(found.values()) == {programme}
