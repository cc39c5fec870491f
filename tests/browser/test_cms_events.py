"""Organisers and visitors in Chromium: create, publish and translate an event; read it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from wagtail.models import Locale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event_index(db):
    from cms import demo
    from cms.models import EventIndexPage

    home = demo.load_home()
    locales = demo.ensure_locales()
    index = EventIndexPage(title="Events", slug="events", locale=locales["en"])
    home.add_child(instance=index)
    index.save_revision().publish()
    copy = index.copy_for_translation(locales["ru"])
    copy.title = "Мероприятия"
    copy.save_revision().publish()
    return index


@pytest.fixture
def organiser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("organiser", "o@example.org", "pass-2026")


def _login(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def _publish(page):
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("button", name="Publish").click()


def test_organiser_creates_publishes_and_translates_an_event(
    live_server, event_index, organiser, page
):
    from cms.models import EventPage

    start = timezone.localdate() + dt.timedelta(days=40)
    _login(page, live_server)
    page.goto(f"{live_server.url}/admin/pages/add/cms/eventpage/{event_index.pk}/")
    page.fill("#id_title", "Regional conference on women in policing")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", (start + dt.timedelta(days=1)).isoformat())
    page.select_option("#id_time_zone", "Asia/Almaty")
    page.fill("#id_city", "Astana")
    page.check("#id_languages_0")  # English
    page.check("#id_languages_1")  # Русский
    page.check("#id_interpretation_languages_0")
    page.check("#id_interpretation_languages_1")
    page.get_by_role("button", name="Add session").click()
    page.fill("#id_sessions-0-day", start.isoformat())
    page.fill("#id_sessions-0-start_time", "09:30")
    page.fill("#id_sessions-0-end_time", "10:15")
    page.fill("#id_sessions-0-title", "Opening of the conference")
    # Close any date/time picker the fills opened; it can cover the checkbox below.
    page.keyboard.press("Escape")
    box = page.locator("#id_sessions-0-interpretation_languages_1")
    box.scroll_into_view_if_needed()
    box.evaluate("el => el.click()")
    assert box.is_checked()
    _publish(page)
    page.wait_for_url("**/admin/pages/*/")
    event = EventPage.objects.get(title="Regional conference on women in policing")
    assert event.live
    assert [s.title for s in event.sessions.all()] == ["Opening of the conference"]

    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.locator("header").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Translate").click()
    page.get_by_label("Русский").check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/edit/")
    page.fill("#id_title", "Региональная конференция о женщинах в полиции")
    page.fill("#id_sessions-0-title", "Открытие конференции")
    _publish(page)
    page.wait_for_url("**/admin/pages/*/")

    ru = Locale.objects.get(language_code="ru")
    copy = EventPage.objects.get(translation_key=event.translation_key, locale=ru)
    assert copy.live
    assert copy.title == "Региональная конференция о женщинах в полиции"
    assert [s.title for s in copy.sessions.all()] == ["Открытие конференции"]
    assert copy.source == event


@pytest.fixture
def published(event_index):
    from tests.cms.conftest import fill_agenda, make_event

    event = fill_agenda(
        make_event(event_index, slug="astana-conference"), days=2, sessions=3, speakers=2, papers=1
    )
    ru = Locale.objects.get(language_code="ru")
    copy = event.copy_for_translation(ru)
    copy.title = "Региональная конференция"
    copy.save_revision().publish()
    return event


def test_visitor_reads_the_agenda_in_russian_and_downloads_the_ics(live_server, published, page):
    import icalendar

    page.goto(f"{live_server.url}/en/events/astana-conference/")
    page.get_by_role("link", name="Русский", exact=True).click()
    page.wait_for_url(f"{live_server.url}/ru/events/astana-conference/")
    assert page.get_by_role("heading", level=1).inner_text() == "Региональная конференция"
    assert page.get_by_role("heading", name="Программа").is_visible()
    assert "Время указано по часовому поясу Алматы (UTC+05:00)." in page.content()
    assert page.locator(".session").count() == 6

    with page.expect_download() as info:
        page.get_by_role("link", name="Добавить программу в календарь (ICS)").click()
    body = Path(info.value.path()).read_bytes()

    calendar = icalendar.Calendar.from_ical(body)
    assert len(calendar.walk("VEVENT")) == 6
    assert all(v["DTSTART"].params["TZID"] == "Asia/Almaty" for v in calendar.walk("VEVENT"))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_event_index_and_page_have_no_axe_violation(live_server, published, page, axe, lang):
    page.goto(f"{live_server.url}/{lang}/events/")
    assert page.locator(".event-card").count() == 1
    assert axe(page) == []

    page.goto(f"{live_server.url}/{lang}/events/astana-conference/")
    assert page.locator(".session").count() == 6
    assert axe(page) == []
