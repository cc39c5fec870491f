"""The reporter's story in Chromium, in English and in Russian: a user whose only role is
reporter on one event opens the report, reads the cover with the event's objectives, adds,
edits, reorders and deletes recommendations (and is told, on the field, when a change is
refused), downloads the DOCX and finds the recommendations in their new order; at 320 px the
page does not scroll sideways and wide tables scroll inside their own region; axe finds nothing
on the pages.

Screenshots go to $SHOTS_DIR/reporter-*.png.
"""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from wagtail.users.models import UserProfile

from cms.models import EventPage
from tests.browser.test_scanner import login
from tests.factories import StaffUserFactory, session_create
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


#: What the user reads and clicks, per staff language.
TEXT = {
    "en": {
        "reports": "Reports",
        "title": "Report: Training of Mentors",
        "dates": "27–28 November 2026",
        "objectives": "Key objectives",
        "objective": "Prepare mentors in mentoring techniques",
        "all": "All reports",
        "recommendation": "Recommendation",
        "add": "Add the recommendation",
        "edit": "Edit recommendation {n}",
        "save": "Save the recommendation",
        "up": "Move recommendation {n} up",
        "delete": "Delete recommendation {n}",
        "empty": "Write the recommendation.",
        "format": "Format",
        "language": "Language of the report",
        "download": "Download",
    },
    "ru": {
        "reports": "Отчёты",
        "title": "Отчёт: Подготовка наставников",
        "dates": "27–28 ноября 2026",
        "objectives": "Основные цели",
        "objective": "Обучить наставников методам наставничества",
        "all": "Все отчёты",
        "recommendation": "Рекомендация",
        "add": "Добавить рекомендацию",
        "edit": "Изменить рекомендацию {n}",
        "save": "Сохранить рекомендацию",
        "up": "Переместить рекомендацию {n} выше",
        "delete": "Удалить рекомендацию {n}",
        "empty": "Напишите текст рекомендации.",
        "format": "Формат",
        "language": "Язык отчёта",
        "download": "Скачать",
    },
}


def shot(page, name: str, section: str = "") -> None:
    """The window, or one section of the report (Wagtail's admin scrolls inside its main
    column, so a full-page screenshot would show only the window)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SHOTS / f"reporter-{name}.png")
    if section:
        page.locator(f"section[aria-labelledby={section}]").screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def report_event():
    """The hand-counted event on 27–28 November 2026, with objectives, a Russian copy of its
    page and two sessions."""
    event, people = hand_counted_event(
        today=dt.date(2026, 12, 7),
        objectives="<ul><li>Prepare mentors in mentoring techniques</li>"
        "<li>Prevention of discrimination in the workplace</li></ul>",
        translations=("ru",),
    )
    ru = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="ru")
    ru.title = "Подготовка наставников"
    ru.objectives = "<ul><li>Обучить наставников методам наставничества</li></ul>"
    ru.save_revision().publish()
    hand_counted_survey(event, people)
    session_create(event, title="Module 1: Mentoring techniques")
    return event


def reporter(event, language: str):
    """Like the demo's ``reporter`` user: the reporter role on this one event, nothing else."""
    user = StaffUserFactory(
        username=f"reporter-{language}",
        first_name="Nigora",
        last_name="Karimova",
        roles=["reporter"],
        roles__event=event,
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def recommendations(page) -> list[str]:
    return [
        t.strip() for t in page.locator("ol.recommendations-admin > li .rec-text").all_inner_texts()
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_reporter_edits_reorders_deletes_and_downloads(live_server, page, axe, language, tmp_path):
    text = TEXT[language]
    event = report_event()
    login(page.context, live_server, reporter(event, language))

    page.goto(f"{live_server.url}/admin/reports/")
    assert page.title().startswith(text["reports"])
    assert axe(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"{language}-index-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=text["title"].split(": ", 1)[1]).first.click()
    page.wait_for_load_state()

    assert page.title().startswith(text["title"])
    assert page.locator(".report-admin .meta").first.inner_text().startswith(text["dates"])
    cover = page.get_by_role("region", name=text["objectives"])
    assert text["objective"] in cover.inner_text()
    back = page.get_by_role("link", name=text["all"])
    assert back.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"

    for words in ("First: pair new mentors.", "Second: hold online meetings.", "Third: repeat."):
        page.get_by_label(text["recommendation"], exact=True).fill(words)
        page.get_by_role("button", name=text["add"]).click()
        page.wait_for_load_state()
    assert recommendations(page) == [
        "First: pair new mentors.",
        "Second: hold online meetings.",
        "Third: repeat.",
    ]

    # edit the second: an empty text is refused on the field, then a real one is saved
    page.get_by_role("link", name=text["edit"].format(n=2)).click()
    page.wait_for_load_state()
    editor = page.locator("form.rec-edit")
    editor.get_by_label(text["recommendation"], exact=True).fill("   ")
    editor.get_by_role("button", name=text["save"]).click()
    page.wait_for_load_state()
    assert page.locator("#id_edit-text_error").inner_text() == text["empty"]
    assert axe(page) == []
    shot(page, f"{language}-edit-error", "recommendations")
    editor = page.locator("form.rec-edit")
    editor.get_by_label(text["recommendation"], exact=True).fill("Second: meet online monthly.")
    editor.get_by_role("button", name=text["save"]).click()
    page.wait_for_load_state()

    page.get_by_role("button", name=text["up"].format(n=3)).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=text["delete"].format(n=1)).click()
    page.wait_for_load_state()
    page.reload()  # the order is kept in the database, not in the page
    assert recommendations(page) == ["Third: repeat.", "Second: meet online monthly."]
    assert axe(page) == []
    shot(page, f"{language}-report")
    shot(page, f"{language}-recommendations", "recommendations")

    page.get_by_label(text["format"]).select_option("docx")
    page.get_by_label(text["language"]).select_option(language)
    with page.expect_download() as info:
        page.get_by_role("button", name=text["download"], exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    assert lines[0] == text["title"]
    assert text["objective"] in lines
    numbered = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert numbered == ["Third: repeat.", "Second: meet online monthly."]
    assert round(doc.sections[0].page_width.mm) == 210

    # 320 px wide: the page does not scroll sideways, wide tables scroll inside their region
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    regions = page.locator(".table-scroll[role=region][tabindex='0']")
    assert regions.count() >= 5
    fits = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')].map(r => {
            const box = r.getBoundingClientRect();
            return {inside: box.left >= 0 && box.right <= window.innerWidth,
                    scrolls: r.scrollWidth > r.clientWidth,
                    named: !!document.getElementById(r.getAttribute('aria-labelledby'))};
        })"""
    )
    assert all(f["inside"] and f["named"] for f in fits)
    assert any(f["scrolls"] for f in fits)
    first = regions.first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # the keyboard scrolls the region (smoothly: wait for it to move)
    page.wait_for_function("r => r.scrollLeft > 0", arg=first.element_handle(), timeout=5000)
    assert axe(page) == []
    shot(page, f"{language}-320")
    shot(page, f"{language}-320-participants", "participants")
