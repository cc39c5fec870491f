"""The language switcher in Chromium keeps the visitor on the same thing: the event page, the
registration form with its errors, the participant's personal page. An event with no copy in
the chosen language is shown in English with a note, never a 404 (and passes axe).
"""

from __future__ import annotations

import re

import pytest
from wagtail.models import Locale

from registration.links import manage_url
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE_EN = "Regional Conference on Women in Law Enforcement"
TITLE_RU = "Региональная конференция о женщинах в правоохранительных органах"


@pytest.fixture
def event():
    """English, with a Russian copy under its own slug; no Ukrainian or Kazakh copy."""
    event = event_create(translations=(), title=TITLE_EN, slug="women-law")
    copy = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.title = TITLE_RU
    copy.slug = "zhenshchiny"
    copy.save_revision().publish()
    return event


def switch(page, name: str) -> None:
    page.locator(".language-switcher").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def current_language(page) -> str:
    return page.locator(".language-switcher a[aria-current]").get_attribute("hreflang")


def test_switching_on_the_event_page_stays_on_the_event(live_server, page, axe, event):
    page.goto(f"{live_server.url}/en/women-law/")

    switch(page, "Русский")
    page.wait_for_url(f"{live_server.url}/ru/zhenshchiny/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE_RU)
    assert current_language(page) == "ru"

    # No Ukrainian copy: the same event, in English, with the note in Ukrainian.
    switch(page, "Українська")
    page.wait_for_url(f"{live_server.url}/uk/zhenshchiny/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE_EN)
    note = page.locator(".translation-fallback")
    assert "Ця сторінка ще не перекладена вашою мовою (Українська)" in note.inner_text()
    assert note.get_by_role("link", name="English").get_attribute("hreflang") == "en"
    assert current_language(page) == "uk"
    assert axe(page) == []

    # The note's link leads to the English copy.
    note.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/women-law/")
    assert page.locator(".translation-fallback").count() == 0


def test_switching_on_the_form_with_errors_stays_on_the_form(live_server, page, axe, event):
    page.goto(f"{live_server.url}/uk/women-law/register/")
    assert page.locator(".translation-fallback").is_visible()
    assert axe(page) == []

    page.get_by_role("button", name="Зареєструватися").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Виправте, будь ласка, таке" in summary.inner_text()
    assert "Введіть ваше ім’я." in summary.inner_text()

    switch(page, "Русский")
    page.wait_for_url(f"{live_server.url}/ru/zhenshchiny/register/")
    assert page.get_by_role("button", name="Зарегистрироваться").is_visible()
    assert TITLE_RU in page.locator("main").inner_text()
    assert current_language(page) == "ru"

    switch(page, "Қазақ тілі")
    page.wait_for_url(f"{live_server.url}/kk/zhenshchiny/register/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("form.registration-form").is_visible()
    assert TITLE_EN in page.locator("main").inner_text()
    assert page.locator(".translation-fallback").is_visible()


def test_switching_on_the_personal_page_stays_on_it(live_server, page, event):
    registration = RegistrationFactory(event=event, given_name="Олена", language="uk")
    path = manage_url(registration, absolute=False)
    page.goto(f"{live_server.url}{path}")
    assert page.locator("html").get_attribute("lang") == "uk"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Ваша реєстрація")

    switch(page, "Русский")
    page.wait_for_url(re.compile(re.escape(live_server.url + re.sub(r"^/uk/", "/ru/", path))))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ваша регистрация")
    assert TITLE_RU in page.get_by_role("heading", level=1).inner_text()
    assert current_language(page) == "ru"

    switch(page, "English")
    page.wait_for_url(re.compile(re.escape(live_server.url + re.sub(r"^/uk/", "/en/", path))))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Your registration")
