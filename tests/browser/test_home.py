"""The home page in Chromium: each language, the switcher keeps the page, no axe violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_home_page_has_no_axe_violation(live_server, home_page, page, axe, lang):
    page.goto(f"{live_server.url}/{lang}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe(page) == []


def test_language_switcher_and_skip_link(live_server, home_page, page):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(f"{live_server.url}/ru/")
    assert page.get_by_role("heading", level=1).inner_text() == "Региональные мероприятия"
    page.get_by_role("link", name="Українська").click()
    page.wait_for_url(f"{live_server.url}/uk/")
    assert page.get_by_role("heading", level=1).inner_text() == "Регіональні заходи"
    # The skip link is the first thing the keyboard reaches, and it moves focus to <main>.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
