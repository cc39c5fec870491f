"""The check-in staff story in Chromium, in English and in Russian: a user whose only role is
check-in on one event opens the scanner, types a badge code (as a USB scanner does), sees
green with the assistance the person asked for and the time in the event's zone, scans again
and sees amber naming the person, finds people by name in Latin and Cyrillic and sees who is
checked in; on a day the event does not run the amber result still names the person.

Screenshots go to $SHOTS_DIR/checkin-*.png.
"""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from registration.checkin.models import CheckIn
from tests.browser.test_scanner import login, result_code
from tests.factories import EventPageFactory, RegistrationFactory, StaffUserFactory, today_in
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "Asia/Bishkek"
ZONE_INFO = zoneinfo.ZoneInfo(ZONE)

#: What the user reads, per staff language.
TEXT = {
    "en": {
        "scanner": "Check-in: Community policing workshop",
        "green": "Checked in — Айгуль Нурланова, Академия МВД",
        "needs": "Wheelchair access, Sign language interpretation",
        "asked": "— asked for: Wheelchair access, Sign language interpretation",
        "already": "Already checked in today at {time} (Bishkek) by Bakyt Toktogulov "
        "— Айгуль Нурланова",
        "checked": "checked in today at {time} (Bishkek)",
        "not_day": "“Community policing workshop” does not take place on ",
        "zone": "Times are the event's local time: Bishkek (UTC+06:00).",
        "check_in": "Check in",
        "city": "Bishkek",
        "search": "Search",
    },
    "ru": {
        "scanner": "Регистрация на входе: Community policing workshop",
        "green": "Отмечен(а) — Айгуль Нурланова, Академия МВД",
        "needs": "Доступ для инвалидной коляски, Перевод на жестовый язык",
        "asked": "— нужна помощь: Доступ для инвалидной коляски, Перевод на жестовый язык",
        "already": "Уже отмечен(а) сегодня в {time} (Бишкек), отметил(а) Bakyt Toktogulov "
        "— Айгуль Нурланова",
        "checked": "отмечен(а) сегодня в {time} (Бишкек)",
        "not_day": "«Community policing workshop» не проходит ",
        "zone": "Время указано местное, по часовому поясу мероприятия: Бишкек (UTC+06:00).",
        "check_in": "Отметить",
        "city": "Бишкек",
        "search": "Найти",
    },
}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"checkin-{name}.png"), full_page=True)


def checkin_user(event, language: str):
    """Like the demo's ``checkin`` user: the check-in role on this one event, nothing else."""
    user = StaffUserFactory(
        username=f"door-{language}",
        first_name="Bakyt",
        last_name="Toktogulov",
        roles=["checkin"],
        roles__event=event,
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def workshop(**fields):
    return EventPageFactory(
        title="Community policing workshop", time_zone=ZONE, city="Bishkek", **fields
    )


def aigul(event):
    return RegistrationFactory(
        event=event,
        given_name="Айгуль",
        family_name="Нурланова",
        organisation="Академия МВД",
        country="KG",
        interpretation_language="",
        access_needs=["wheelchair", "sign_language"],
    )


def scan_code(page, token: str) -> None:
    """Type the code into the focused field and press Enter, as a USB scanner does."""
    page.locator("#token-input").focus()
    page.keyboard.type(token)
    page.keyboard.press("Enter")


def search(page, query: str, button: str) -> list[str]:
    # The previous answer is cleared first, so the wait below sees this search's answer.
    page.evaluate("() => document.getElementById('search-results').replaceChildren()")
    page.locator("#search-input").fill(query)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector("#search-results li")
    return page.locator("#search-results li").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_checkin_staff_scan_green_amber_and_search(live_server, page, axe, language):
    text = TEXT[language]
    event = workshop(happening_today=True)
    other = workshop(happening_today=True, slug="not-mine")
    staff = checkin_user(event, language)
    person = aigul(event)
    RegistrationFactory(event=event, given_name="Oleh", family_name="Bondar")
    login(page.context, live_server, staff)

    page.goto(live_server.url + reverse("checkin_admin:index"))
    index_title = page.title()
    shot(page, f"{language}-index")
    index_axe = axe(page)
    assert page.locator("main").get_by_text("Community policing workshop").count() == 1
    page.locator(f"a[href='{reverse('checkin_admin:scanner', args=[event.pk])}']").click()
    page.wait_for_selector("#scanner-result[data-level='idle']")
    scanner_title = page.title()
    zone_line = page.locator("#scanner-zone").inner_text()

    scan_code(page, person.badge_token)
    green = result_code(page, "checked_in")
    checkin = CheckIn.objects.get()
    local = timezone.localtime(checkin.at, ZONE_INFO).strftime("%H:%M")
    shot(page, f"{language}-green")
    green_level = page.locator("#scanner-result").get_attribute("data-level")
    needs = page.locator("#scanner-assistance").inner_text()
    shown_time = page.locator("#scanner-time").inner_text()
    green_axe = axe(page)

    scan_code(page, person.badge_token)
    amber = result_code(page, "already_checked_in")
    amber_level = page.locator("#scanner-result").get_attribute("data-level")
    shot(page, f"{language}-amber")
    amber_axe = axe(page)

    latin = search(page, "Nurlanova", text["search"])
    cyrillic = search(page, "нурланова", text["search"])
    shot(page, f"{language}-search")
    search_axe = axe(page)
    nobody = search(page, "Bondar", text["search"])
    page.get_by_role("button", name=f"{text['check_in']}: Oleh Bondar").click()
    oleh = result_code(page, "checked_in")
    # The list is asked for again after the check-in: Oleh now shows as checked in.
    page.wait_for_function(
        "() => document.querySelector('#search-results li[data-checked-in]') !== null"
    )
    oleh_row = page.locator("#search-results li").inner_text()
    recent = page.locator("#scanner-recent li").all_inner_texts()
    other_url = live_server.url + reverse("checkin_admin:scanner", args=[other.pk])
    page.goto(other_url)
    other_refused = page.url != other_url and page.locator("#scanner").count() == 0

    assert index_title.startswith(("Check-in - ", "Регистрация на входе - "))
    assert scanner_title.startswith(text["scanner"] + " - ")
    assert zone_line == text["zone"]
    assert green_level == "ok"
    assert green.startswith(text["green"])
    assert green.endswith(text["asked"])
    assert needs == text["needs"]
    assert shown_time == f"{local}, {text['city']} (UTC+06:00)"
    assert amber_level == "warning"
    assert amber.startswith(text["already"].format(time=local))
    assert CheckIn.objects.count() == 2
    for rows in (latin, cyrillic):
        assert len(rows) == 1
        assert rows[0].startswith("Айгуль Нурланова — Академия МВД (")
        assert rows[0].endswith(text["checked"].format(time=local) + ")")  # and no button
    assert not re.search(r"\d\d:\d\d", nobody[0])
    assert nobody[0].endswith(text["check_in"])
    assert "Oleh Bondar" in oleh
    oleh_time = timezone.localtime(CheckIn.objects.latest("pk").at, ZONE_INFO).strftime("%H:%M")
    assert oleh_row.endswith(text["checked"].format(time=oleh_time) + ")")
    # The device's list of scans shows the same times, newest first.
    assert [line[:8] for line in recent] == [f"{oleh_time} · ", f"{local} · ", f"{local} · "]
    assert other_refused  # the other event's scanner is not this user's
    assert index_axe == green_axe == amber_axe == search_axe == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_checkin_staff_wrong_day_is_amber_and_names_the_person(live_server, page, axe, language):
    text = TEXT[language]
    # Next week in Bishkek: today is not one of its days (and never can be).
    event = workshop(today=today_in(ZONE), starts_in_days=7)
    staff = checkin_user(event, language)
    person = aigul(event)
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))

    scan_code(page, person.badge_token)
    amber = result_code(page, "not_event_day")
    shot(page, f"{language}-wrong-day")

    assert page.locator("#scanner-result").get_attribute("data-level") == "warning"
    assert amber.startswith(text["not_day"])
    assert "— Айгуль Нурланова, Академия МВД" in amber
    assert amber.endswith(text["asked"])
    assert page.locator("#scanner-assistance").inner_text() == text["needs"]
    assert page.locator("#scanner-time").is_hidden()
    assert not CheckIn.objects.exists()
    assert axe(page) == []


def test_attendance_shows_the_scan_at_the_same_event_time(live_server, page, axe):
    event = workshop(happening_today=True)
    door = checkin_user(event, "en")
    organiser = StaffUserFactory(username="org", roles=["organiser"], roles__event=event)
    person = aigul(event)
    login(page.context, live_server, door)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))
    scan_code(page, person.badge_token)
    result_code(page, "checked_in")
    scanner_time = page.locator("#scanner-time").inner_text()

    page.context.clear_cookies()
    login(page.context, live_server, organiser)
    page.goto(live_server.url + reverse("checkin_admin:attendance", args=[event.pk]))
    title = page.title()
    row = page.get_by_role("row").filter(has_text="Айгуль Нурланова").last.inner_text()
    header = page.get_by_role("columnheader", name="Time (Bishkek)").count()
    shot(page, "attendance")

    local = timezone.localtime(CheckIn.objects.get().at, ZONE_INFO).strftime("%H:%M")
    assert scanner_time == f"{local}, Bishkek (UTC+06:00)"
    assert row.split("\t")[0] == local
    assert header == 1
    assert title.startswith("Attendance: Community policing workshop - ")
    assert axe(page) == []
