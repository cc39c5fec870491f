"""Every public page and every e-mail, in Russian, Ukrainian and Kazakh, has no English left.

A crawl of what a participant meets — home, event index, the demo events in that language,
their agenda, the registration form (empty, with errors, done), the personal page, the
cancellation page, the survey, the privacy notice, the link pages — and every kind of e-mail
rendered for a participant of that language. The visible text (and the attributes a screen
reader reads) is searched for words in Latin letters; what is left after proper names,
abbreviations and text marked with another ``lang`` (the language switcher's own names,
a quoted English title) is English that a translator missed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cms import demo as cms_demo
from cms.models import EventPage
from registration.links import manage_url
from registration.messaging.services.outbox import message_build
from registration.reports import demo as reports_demo
from registration.reports.services.surveys import survey_url
from registration.services.registrations import registration_create
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import person

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
EMAIL_KINDS = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(settings.BASE_DIR) / "templates/registration/email").glob("*_subject.txt")
)

#: Words in Latin letters that are not English text: names, abbreviations and formats that
#: stay as they are in every language.
ALLOWED = {
    # people, places and organisations of the demo that keep their Latin spelling
    "Mx",
    "QR",
    "PDF",
    "ICS",
    "iCal",
    "XLSX",
    "DOCX",
    "CSV",
    "UTC",
    "Google",
    "Outlook",
    "Apple",
    "Zoom",
    "Teams",
    "Microsoft",
    "WIN",
    "OSCE",
    "ODIHR",
    "SPMU",
    "UN",
    "Women",  # WIN Project – Women & Men Innovating & Networking (a project's name)
    "Men",
    "Innovating",
    "Networking",
    "Project",
    "Aida",
    "Nurlanovna",
    "Ministry",  # the test participant's organisation, typed by them in English
    "of",
    "Internal",
    "Affairs",
    "Example",
    "org",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
URL_OR_EMAIL = re.compile(r"(https?://|webcal://|mailto:)\S+|[\w.+-]+@[\w.-]+\.\w+")
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "aria-description")


class VisibleText(HTMLParser):
    """The text a person sees or hears, without elements marked as another language."""

    SKIP = {"script", "style", "template", "svg"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # True: this element's text is not checked
        self.parts: list[str] = []

    def _skipped(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").split("-")[0]
        skip = tag in self.SKIP or bool(lang and lang != self.language)
        if not (skip or self._skipped()):
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.parts.append(values[name] or "")
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.parts.append(values["value"] or "")
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped():
            self.parts.append(data)


def english_words(text: str, *, allowed: set[str]) -> list[str]:
    """Latin-letter words of ``text`` that are not names, abbreviations or addresses."""
    text = URL_OR_EMAIL.sub(" ", text)
    return sorted(
        {
            word
            for word in LATIN_WORD.findall(text)
            if word not in allowed and not word.isupper() and len(word) > 1
        }
    )


def page_words(html: str, language: str, allowed: set[str]) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return english_words(" ".join(parser.parts), allowed=allowed)


@pytest.fixture
def demo(db) -> dict[str, EventPage]:
    """The demo's pages and events in every language, as ``make demo`` loads them."""
    return cms_demo.demo_events()


def _names_in(events: dict[str, EventPage]) -> set[str]:
    """Latin words of proper names in the demo content (speakers typed in Latin script)."""
    words: set[str] = set()
    for event in events.values():
        for session in event.sessions.all():
            for link in session.speakers.all():
                words.update(LATIN_WORD.findall(link.speaker.name))
    return words


def _event_copies(events: dict[str, EventPage], language: str) -> list[EventPage]:
    copies = []
    for event in events.values():
        copy = event.get_translation_or_none(
            event.locale.__class__.objects.get(language_code=language)
        )
        if copy is not None and copy.live:
            copies.append(copy)
    return copies


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_english_left(client, demo, language):
    allowed = ALLOWED | _names_in(demo)
    copies = _event_copies(demo, language)
    assert copies, f"no demo event in {language}"
    urls = [f"/{language}/", f"/{language}/events/"]
    privacy = cms_demo.load_privacy(home=cms_demo.load_home())
    privacy_copy = privacy.get_translation_or_none(
        privacy.locale.__class__.objects.get(language_code=language)
    )
    if privacy_copy is not None:
        urls.append(privacy_copy.url)
    for copy in copies:
        urls += [copy.url, f"{copy.url}agenda/", f"{copy.url}register/"]

    problems: dict[str, list[str]] = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        words = page_words(response.content.decode(), language, allowed)
        if words:
            problems[url] = words

    # The form with errors, and the pages after a registration.
    event = next(copy for copy in copies if copy.registration_state == "open")
    with translation.override(language):
        submit = reverse("registration:register", kwargs={"event_id": event.pk})
        lost_link = reverse("registration:resend_link", kwargs={"event_id": event.pk})
    response = client.post(submit, {"given_name": "", "email": "not an address"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    if words := page_words(response.content.decode(), language, allowed):
        problems["register with errors"] = words

    result = registration_create(
        event=event,
        data=person(7, language=language, given_name="Айгуль", family_name="Нурланова"),
        language=language,
    )
    personal = manage_url(result.registration, absolute=False)
    for label, url in (
        ("personal page", personal),
        ("cancel page", f"{personal}cancel/"),
        ("my data", f"{personal}my-data/"),
        ("lost link", lost_link),
        ("invalid link", personal.replace("/manage/", "/manage/x").rstrip("/") + "x/"),
    ):
        response = client.get(url)
        assert response.status_code in (200, 400, 404, 410), (label, response.status_code)
        if words := page_words(response.content.decode(), language, allowed):
            problems[label] = words
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_email_has_no_english_left(demo, language):
    allowed = ALLOWED | _names_in(demo)
    copies = _event_copies(demo, language)
    event = copies[0].source
    registration = RegistrationFactory(
        event=event,
        given_name="Айгуль",
        family_name="Нурланова",
        organisation="МВД",
        title="mx",
        language=language,
        country="KZ",
    )
    with translation.override(language):
        context = {
            "staff_message": "—",
            "note_subject": "—",
            "note_body": "—",
            "survey_url": "https://example.org/s/",
            "starts_at": timezone.now() + dt.timedelta(days=1),
            "confirm_hours": 48,
            "days": [
                {
                    "day": event.start_date,
                    "start": dt.datetime.combine(event.start_date, dt.time(9), tzinfo=event.tz),
                    "end": dt.datetime.combine(event.start_date, dt.time(17), tzinfo=event.tz),
                }
            ],
        }
    problems: dict[str, list[str]] = {}
    for kind in EMAIL_KINDS:
        message = message_build(
            registration=registration,
            kind=kind,
            dedupe_key=f"crawl:{kind}",
            context=context,
            build=False,
        )
        words = english_words(f"{message.subject}\n{message.body_text}", allowed=allowed)
        words += page_words(message.body_html, language, allowed) if message.body_html else []
        if words:
            problems[kind] = sorted(set(words))
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_check_finds_english_when_there_is_some():
    """The crawl is only as good as its detector: English text is found, names are not."""
    html = (
        '<html lang="ru"><body><h1>Регистрация</h1><p>Please confirm</p>'
        '<nav><a lang="en" href="/en/">English</a></nav>'
        '<input type="submit" value="Send"><p>Mx Айгуль, PDF, OSCE</p></body></html>'
    )
    assert page_words(html, "ru", ALLOWED) == ["Please", "Send", "confirm"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_page_has_no_english_left(client, demo, language, settings):
    """The demo's follow-up survey (its questions are written in every language)."""
    # The demo's training opened its programme months ago, past the links' 90 days: this test
    # reads the page's language, not the link's expiry (tests/registration/test_links_expiry.py).
    settings.LINK_VALID_DAYS_AFTER_EVENT = 3650
    reports_demo.load(write=lambda line: None)
    event = demo["mentors-training"]
    registration = RegistrationFactory(
        event=event,
        given_name="Олена",
        family_name="Коваль",
        organisation="НПУ",
        language=language,
        status="confirmed",
    )
    response = client.get(survey_url(registration, absolute=False))
    assert response.status_code == 200
    allowed = ALLOWED | _names_in(demo)
    if event not in [copy.source for copy in _event_copies(demo, language)]:
        # No copy in this language: the event's own title is shown as it is (marked with its
        # lang in the page, but a browser tab's <title> cannot mark a part).
        allowed |= set(LATIN_WORD.findall(event.title))
    words = page_words(response.content.decode(), language, allowed)
    assert not words, words
