"""A page with no copy in the visitor's language: served from another language's copy with the
interface in the visitor's language, a note, and links to the languages it exists in.

Never a 404 for a page that exists in some language; the language switcher keeps the visitor
on the same thing; the page cache never mixes a fallback response with a normal one.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from wagtail.models import Locale

from cms import demo
from cms.models import EventPage
from registration.links import manage_url
from registration.models import Registration
from tests.cms.conftest import EventIndexPage, make_event
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create
from tests.registration.test_registrations_views import FORM

pytestmark = pytest.mark.django_db

NOTE = {
    "ru": "Эта страница пока не переведена на ваш язык (Русский)",
    "uk": "Ця сторінка ще не перекладена вашою мовою (Українська)",
}
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def note_of(response):
    return soup(response).select_one("main .translation-fallback")


def switcher(response) -> dict[str, str]:
    return {a["hreflang"]: a["href"] for a in soup(response).select(".language-switcher a")}


@pytest.fixture
def event():
    """An English event with a Russian copy under another slug, and no Ukrainian or Kazakh."""
    event = event_create(translations=(), title="Women in Law Enforcement", slug="women-law")
    copy = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.title = "Женщины в правоохранительных органах"
    copy.slug = "zhenshchiny"
    copy.save_revision().publish()
    return event


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_untranslated_event_is_shown_in_english_with_a_note(client, event, language):
    russian = EventPage.objects.get(
        translation_key=event.translation_key, locale__language_code="ru"
    )
    russian.unpublish()  # English only

    response = client.get(f"/{language}/women-law/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Women in Law Enforcement" in html
    assert f'<html lang="{language}">' in html
    note = note_of(response)
    assert note is not None
    if language in NOTE:
        assert NOTE[language] in note.get_text(" ", strip=True)
    links = {a["hreflang"]: a for a in note.select("a")}
    assert set(links) == {"en"}
    assert links["en"]["href"] == "/en/women-law/"
    assert links["en"]["lang"] == "en"


def test_page_in_its_own_language_has_no_note(client, event):
    response = client.get("/en/women-law/")

    assert response.status_code == 200
    assert note_of(response) is None


def test_note_links_every_language_the_page_exists_in(client, event):
    response = client.get("/uk/women-law/")

    note = note_of(response)
    assert {a["hreflang"]: a["href"] for a in note.select("a")} == {
        "en": "/en/women-law/",
        "ru": "/ru/zhenshchiny/",
    }
    assert "Ця сторінка ще не перекладена вашою мовою (Українська)" in note.get_text(" ")
    assert "(English)" in note.get_text(" ")


def test_path_of_another_translation_is_served_from_the_default_copy(client, event):
    """``/uk/<Russian slug>/``: the Russian copy's path finds the event's translation set;
    without a Ukrainian copy the visitor reads the English one."""
    response = client.get("/uk/zhenshchiny/")

    assert response.status_code == 200
    assert "Women in Law Enforcement" in response.content.decode()
    assert note_of(response) is not None


def test_path_of_another_translation_redirects_to_the_visitors_copy(client, event):
    response = client.get("/ru/women-law/register/?x=1")

    assert response.status_code == 302
    assert response["Location"] == "/ru/zhenshchiny/register/?x=1"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_home_index_and_privacy_pages_answer_in_every_language(client, event, language):

    home = event.get_parent().specific
    demo.load_privacy(home=home)
    index = EventIndexPage(title="Events", slug="events", locale=home.locale)
    home.add_child(instance=index)
    index.save_revision().publish()

    for path in ("", "events/", "privacy/"):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path


def test_unknown_path_is_still_404(client, event):
    assert client.get("/uk/no-such-event/").status_code == 404
    assert client.get("/uk/women-law/no-such-route/").status_code == 404


def test_draft_event_is_not_served_by_the_fallback(client):
    event_create(translations=(), slug="draft-event", publish=False)

    assert client.get("/uk/draft-event/").status_code == 404


@pytest.mark.parametrize("route", ["agenda/", "agenda.ics", "register/"])
def test_routes_of_an_untranslated_event_answer_in_the_fallback(client, event, route):
    response = client.get(f"/uk/women-law/{route}")

    assert response.status_code == 200
    if route != "agenda.ics":
        assert note_of(response) is not None
    else:
        assert b"BEGIN:VCALENDAR" in response.content


def test_register_form_in_fallback_is_ukrainian_and_stores_ukrainian(client, event):

    response = client.get("/uk/women-law/register/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "uk"
    checked = page.select_one('input[name="language"][checked]')
    assert checked["value"] == "uk"
    action = page.select_one("form.registration-form")["action"]
    assert action.startswith("/uk/")
    assert "Зареєструватися" in response.content.decode()

    data = {**FORM, "language": checked["value"]}
    response = client.post(action, data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.language == "uk"
    assert registration.event_id == event.pk
    # The "check your e-mail" page stays in Ukrainian.
    assert response["Location"].startswith("/uk/women-law/register/")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Перевірте пошту" in done.content.decode()


def test_register_form_errors_in_fallback_keep_the_note_and_the_language(client, event):
    response = client.get("/uk/women-law/register/")
    action = soup(response).select_one("form.registration-form")["action"]

    response = client.post(action, {"given_name": "Олена"})

    assert response.status_code == 400
    assert soup(response).html["lang"] == "uk"
    assert note_of(response) is not None
    links = switcher(response)
    # Back to the form in that language, through the form's own address.
    back = client.get(links["ru"])
    assert back.status_code == 302
    assert back["Location"] == "/ru/zhenshchiny/register/"
    back = client.get(links["kk"])
    assert back.status_code == 302
    assert back["Location"] == "/kk/women-law/register/"
    assert client.get(back["Location"]).status_code == 200


def test_switcher_on_a_translated_page_links_its_copies(client, event):
    links = switcher(client.get("/en/women-law/"))

    assert links["en"] == "/en/women-law/"
    assert links["ru"] == "/ru/zhenshchiny/"
    assert links["uk"] == "/uk/women-law/"  # no copy: the same page under /uk/, the fallback
    assert links["kk"] == "/kk/women-law/"


def test_switcher_on_a_route_keeps_the_route(client, event):
    links = switcher(client.get("/uk/women-law/register/"))

    assert links["en"] == "/en/women-law/register/"
    assert links["ru"] == "/ru/zhenshchiny/register/"
    assert links["kk"] == "/kk/women-law/register/"


def test_switcher_marks_the_current_language(client, event):
    html = soup(client.get("/uk/women-law/"))

    current = html.select(".language-switcher a[aria-current]")
    assert [a["hreflang"] for a in current] == ["uk"]
    assert current[0]["href"] == "/uk/women-law/"


def test_switcher_on_a_non_page_view_keeps_the_address(client, event):

    registration = RegistrationFactory(event=event, language="uk")
    url = manage_url(registration)
    path = re.sub(r"^https?://[^/]+", "", url)
    response = client.get(path)
    assert response.status_code == 200
    links = switcher(response)
    for code, _name in settings.LANGUAGES:
        assert links[code] == re.sub(r"^/[a-z]{2}/", f"/{code}/", path)


# --- the page cache -------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.CMS_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_cached_english_page_is_not_served_for_a_fallback_request(client, event, page_cache):
    assert client.get("/en/women-law/")["X-Page-Cache"] == "miss"
    assert client.get("/en/women-law/")["X-Page-Cache"] == "hit"

    response = client.get("/uk/women-law/")

    assert soup(response).html["lang"] == "uk"
    assert note_of(response) is not None


def test_fallback_response_is_not_served_for_a_normal_request(client, event, page_cache):
    client.get("/uk/women-law/")
    client.get("/uk/women-law/")

    response = client.get("/en/women-law/")

    assert soup(response).html["lang"] == "en"
    assert note_of(response) is None


def test_publishing_a_translation_ends_the_fallback(client, event, page_cache):
    client.get("/uk/women-law/")
    copy = event.copy_for_translation(Locale.objects.get(language_code="uk"))
    copy.title = "Жінки в правоохоронних органах"
    copy.save_revision().publish()

    response = client.get("/uk/women-law/")

    assert response.status_code == 200
    assert "Жінки в правоохоронних органах" in response.content.decode()
    assert note_of(response) is None


# --- links out of a page shown in another language --------------------------------------


def test_register_button_of_a_fallback_page_keeps_the_language(client, event):
    response = client.get("/uk/women-law/")

    button = soup(response).find("a", string="Зареєструватися")
    assert button["href"] == "/uk/women-law/register/"
    assert client.get(button["href"]).status_code == 200


def test_translated_index_links_an_untranslated_event_under_its_own_prefix(client):

    home = event_create(translations=(), slug="unused").get_parent().specific
    index = EventIndexPage(title="Events", slug="events", locale=home.locale)
    home.add_child(instance=index)
    index.save_revision().publish()
    index.copy_for_translation(Locale.objects.get(language_code="uk")).save_revision().publish()
    make_event(index, title="Only in English", slug="only-english")

    response = client.get("/uk/events/")

    link = soup(response).find("a", string="Only in English")
    assert link["href"] == "/uk/events/only-english/"
    followed = client.get(link["href"])
    assert followed.status_code == 200
    assert note_of(followed) is not None


def test_agenda_and_calendar_links_of_a_fallback_page_keep_the_language(client):
    event_create(translations=(), slug="with-agenda", agenda=True)
    html = soup(client.get("/uk/with-agenda/"))
    for note in html.select(".translation-fallback"):
        note.decompose()  # its links lead to the languages the page exists in, on purpose

    hrefs = {a["href"] for a in html.select("main a[href]")}

    assert "/uk/with-agenda/agenda/" in hrefs
    assert "/uk/with-agenda/agenda.ics" in hrefs
    assert [href for href in hrefs if href.startswith("/en/")] == []


def test_text_of_a_fallback_page_is_marked_with_its_language(client, event):
    fallback = soup(client.get("/uk/women-law/"))
    normal = soup(client.get("/en/women-law/"))

    assert fallback.select_one("h1#event-title")["lang"] == "en"
    assert fallback.select_one(".translation-fallback").get("lang") is None  # the note is Ukrainian
    assert normal.select_one("h1#event-title").get("lang") is None
