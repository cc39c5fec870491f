"""What assistive technology is told, read from the rendered HTML (WCAG 2.1 AA).

Radios and checkboxes name their help and their error (1.3.1, 3.3.1); text in another
language than the page's carries its ``lang`` (3.1.2); the survey's error summary gets the
script that focuses it (3.3.1); an event whose registrations the organisers approve says so
before anyone registers.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from registration.links import manage_url, sign_key
from registration.reports.services.surveys import survey_url
from tests.cms.conftest import make_document
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
    event_create,
    paper_create,
)

pytestmark = pytest.mark.django_db

APPROVAL_EN = (
    "Places are confirmed by the organisers after you register: you will receive an e-mail "
    "when your registration is approved."
)
APPROVAL_RU = (
    "Места подтверждают организаторы после вашей регистрации: когда вашу заявку одобрят, "
    "вы получите письмо."
)


def _soup(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.content.decode(), "lxml")


def _described_by(soup: BeautifulSoup, element) -> list[str]:
    """The ids ``element`` points at, each checked to exist on the page."""
    ids = (element.get("aria-describedby") or "").split()
    for html_id in ids:
        assert soup.find(id=html_id) is not None, f"#{html_id} is missing"
    return ids


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


# --- radios and checkboxes ----------------------------------------------------------------


def test_radios_name_the_help_text_of_their_group(client):
    event = event_create(translations=())
    soup = _soup(client.get(f"{event.url}register/"))

    radios = soup.select("input[name=sex]")
    assert len(radios) == 3
    for radio in radios:
        assert _described_by(soup, radio) == ["id_sex_helptext"]
    assert "share of women and men" in soup.find(id="id_sex_helptext").get_text()
    fieldset = soup.find(id="id_sex_group")
    assert _described_by(soup, fieldset) == ["id_sex_helptext"]


def test_radios_with_an_error_name_the_help_and_the_error(client):
    event = event_create(translations=())
    soup = _soup(client.post(f"{event.url}register/", {"given_name": "Aida"}), status=400)

    for radio in soup.select("input[name=sex]"):
        assert _described_by(soup, radio) == ["id_sex_helptext", "id_sex_error"]
        assert radio.get("aria-invalid") == "true"
    assert soup.find(id="id_sex_error").get_text(strip=True) == (
        "Choose an answer (you may choose “Prefer not to say”)."
    )
    # A group without help text names its error alone.
    for radio in soup.select("input[name=interpretation_language]"):
        assert _described_by(soup, radio) == [
            "id_interpretation_language_helptext",
            "id_interpretation_language_error",
        ]
    # The summary's link goes to the first radio of the group, which exists.
    summary = soup.find(id="error-summary")
    assert summary.find("a", href="#id_sex_0") is not None
    assert soup.find(id="id_sex_0")["name"] == "sex"


def test_checkboxes_keep_their_choices_and_name_their_help(client):
    event = event_create(translations=())
    soup = _soup(
        client.post(
            f"{event.url}register/", {"access_needs": ["wheelchair", "other"], "sex": "female"}
        ),
        status=400,
    )
    boxes = soup.select("input[name=access_needs]")
    assert [box["value"] for box in boxes if box.has_attr("checked")] == ["wheelchair", "other"]
    for box in boxes:
        assert _described_by(soup, box) == ["id_access_needs_helptext"]
    assert [r["value"] for r in soup.select("input[name=sex][checked]")] == ["female"]


# --- lang of text in another language -------------------------------------------------------


def test_language_names_on_an_english_form_carry_their_lang(client):
    event = event_create(translations=(), interpretation_languages=["en", "ru"])
    soup = _soup(client.get(f"{event.url}register/"))

    assert soup.html["lang"] == "en"
    labels = {
        label.get_text(strip=True): label.find("span", lang=True)["lang"]
        for label in soup.select("#id_interpretation_language label")
    }
    assert labels == {"English": "en", "Русский": "ru"}
    messages = {
        label.get_text(strip=True): label.find("span", lang=True)["lang"]
        for label in soup.select("#id_language label")
    }
    assert messages == {name: code for code, name in settings.LANGUAGES}


def test_language_switcher_names_carry_their_lang(client):
    event = event_create(translations=("ru", "uk"))
    soup = _soup(client.get(event.url))

    links = {a.get_text(strip=True): a["lang"] for a in soup.select(".language-switcher a[lang]")}
    assert links == {name: code for code, name in settings.LANGUAGES}


def test_event_page_names_languages_in_the_page_language(client):
    """Working and interpretation languages are a sentence of the page's language (CLDR):
    "английский, русский" on the Russian page, so they need no ``lang`` of their own."""
    event = event_create(
        translations=("ru",), languages=["en", "ru", "uk"], interpretation_languages=["en", "ru"]
    )
    russian = event.get_translation(Locale.objects.get(language_code="ru"))

    english = [
        dd.get_text(" ", strip=True)
        for dd in _soup(client.get(event.url)).select(".event-facts dd")
    ]
    assert "English, Russian, Ukrainian" in english
    assert "English, Russian" in english
    soup = _soup(client.get(russian.url))
    facts = [dd.get_text(" ", strip=True) for dd in soup.select(".event-facts dd")]
    assert "английский, русский, украинский" in facts
    assert "английский, русский" in facts
    assert not soup.select(".event-facts dd span[lang]")


def test_personal_page_marks_the_english_event_and_papers_on_a_russian_page(client):
    event = event_create(translations=(), title="Training of Mentors", city="Astana")
    paper_create(
        event,
        {
            "en": make_document("Concept EN", b"%PDF-1.4 concept", "concept-en.pdf"),
            "ru": make_document("Concept RU", b"%PDF-1.4 kontseptsiya", "concept-ru.pdf"),
        },
        sort_order=0,
        title="Concept note",
    )
    registration = RegistrationFactory(event=event, language="ru", interpretation_language="ru")
    url = manage_url(registration, absolute=False)
    assert url.startswith("/ru/")

    soup = _soup(client.get(url))

    assert soup.html["lang"] == "ru"
    assert soup.select_one("h1 .subtitle")["lang"] == "en"
    assert soup.select_one("h1 .subtitle").get_text() == "Training of Mentors"
    assert [s["lang"] for s in soup.select("p.meta span[lang]")] == ["en", "en"]
    title = soup.select_one(".participant-papers .paper-title")
    assert (title.get_text(), title["lang"]) == ("Concept note", "en")
    files = [(s.get_text(), s["lang"]) for s in soup.select(".paper-files a span[lang]")]
    assert ("English", "en") in files
    assert ("Русский", "ru") in files
    interpretation = soup.find("dd", lang="ru")
    assert interpretation.get_text() == "Русский"


def test_personal_page_in_the_event_language_adds_no_lang(client):
    event = event_create(translations=())
    registration = RegistrationFactory(event=event, language="en")
    soup = _soup(client.get(manage_url(registration, absolute=False)))

    assert soup.html["lang"] == "en"
    assert not soup.select_one("h1 .subtitle").has_attr("lang")


# --- the personal page's layout --------------------------------------------------------------


def test_personal_page_details_are_a_definition_list(client):
    registration = RegistrationFactory(event=event_create(translations=()), language="en")
    soup = _soup(client.get(manage_url(registration, absolute=False)))

    details = soup.select_one("dl.details")
    assert [dt.get_text() for dt in details.find_all("dt")][:3] == [
        "Name",
        "Name on badge",
        "E-mail",
    ]
    assert len(details.find_all("dt")) == len(details.find_all("dd"))


# --- the survey ----------------------------------------------------------------------------


def test_survey_page_loads_the_script_that_focuses_the_error_summary(client):
    survey = SurveyFactory(questions=False)
    question = QuestionFactory(
        survey=survey, kind="likert", required=True, text_i18n={"en": "How useful?"}
    )
    registration = RegistrationFactory(event=survey.event, language="en")
    url = survey_url(registration, absolute=False)

    soup = _soup(client.post(url, {f"q_{question.pk}": ""}), status=400)

    summary = soup.find(id="error-summary")
    assert summary is not None
    assert summary["tabindex"] == "-1"
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert any(src.endswith("js/registration.js") for src in scripts)
    radios = soup.select("fieldset input[type=radio]")
    assert len(radios) == 5
    for radio in radios:
        ids = _described_by(soup, radio)
        assert ids[-1].endswith("_error")


def test_survey_page_marks_an_event_title_in_another_language(client):
    survey = SurveyFactory(questions=False)
    QuestionFactory(survey=survey, kind="text", text_i18n={"en": "Anything else?"})
    registration = RegistrationFactory(event=survey.event, language="uk")
    soup = _soup(client.get(survey_url(registration, absolute=False)))

    assert soup.html["lang"] == "uk"
    assert soup.select_one("h1 .subtitle")["lang"] == "en"


# --- approval, said before registering -----------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "note"),
    [("en", APPROVAL_EN), ("ru", APPROVAL_RU)],
)
def test_event_needing_approval_says_so_on_the_event_page_and_the_form(client, lang, note):
    event = event_create(translations=("ru", "uk"), needs_approval=True)
    url = event.get_translation(Locale.objects.get(language_code=lang)).url

    page = _text(_soup(client.get(url)))
    form = _text(_soup(client.get(f"{url}register/")))

    assert note in page
    assert note in form


def test_event_without_approval_says_nothing_about_approval(client):
    event = event_create(translations=(), needs_approval=False)

    page = _text(_soup(client.get(event.url)))
    form = _text(_soup(client.get(f"{event.url}register/")))

    assert APPROVAL_EN not in page
    assert APPROVAL_EN not in form
    assert "approved" not in page
    assert "approved" not in form


def test_cancel_page_marks_an_english_event_title_on_a_ukrainian_page(client):
    registration = RegistrationFactory(event=event_create(translations=()), language="uk")
    with translation.override("uk"):
        url = reverse("registration:cancel", args=[sign_key(registration)])

    soup = _soup(client.get(url))

    assert soup.html["lang"] == "uk"
    assert soup.select_one("h1 .subtitle")["lang"] == "en"
