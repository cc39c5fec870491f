"""A fifth language needs only its catalogue and one line in settings.

The test adds German (``("de", "Deutsch")``) to ``settings.LANGUAGES`` and compiles a tiny
catalogue with ``msgfmt`` into a temporary ``LOCALE_PATHS`` directory — nothing else — and
then walks what a German reader and the staff preparing an event in German meet: no migration
is due, ``/de/`` speaks the catalogue's German, the switcher offers Deutsch, a registration
keeps "de", a paper takes a German document, the survey and the organisers' note have German
inputs, and the demo makes the German content locale. Django's own ``setting_changed``
receivers reset ``trans_real``'s catalogues and caches (as Django's tests rely on) when the
settings fixture changes ``LANGUAGES`` and ``LOCALE_PATHS``, and again when it restores them.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils.translation import trans_real
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset

from cms import demo
from cms.models import EventIndexPage
from cms.selectors import papers_for
from registration.models import Registration
from registration.reports.models import Survey
from tests.cms.conftest import event_form_data, make_document, make_event
from tests.factories import HomePageFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FIFTH = ("de", "Deutsch")

CATALOGUE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: de\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Skip to main content"
msgstr "Zum Hauptinhalt springen"

msgid "Register"
msgstr "Anmelden"
"""

REGISTRATION = {
    "title": "",
    "given_name": "Jana",
    "family_name": "Becker",
    "email": "jana.becker@example.org",
    "organisation": "Bundespolizei",
    "organisation_type": "police",
    "country": "DE",
    "sex": "female",
    "role": "participant",
    "interpretation_language": "en",
    "language": "de",
    "consent": "on",
}


@pytest.fixture
def german(settings, tmp_path):
    """German in ``settings.LANGUAGES`` and its catalogue compiled at test time."""
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt (gettext) is needed to compile the test catalogue")
    folder = tmp_path / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(CATALOGUE, encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True
    )
    languages = [*settings.LANGUAGES, FIFTH]
    settings.LANGUAGES = languages
    settings.WAGTAIL_CONTENT_LANGUAGES = languages
    settings.WAGTAILADMIN_PERMITTED_LANGUAGES = languages
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    assert trans_real._translations == {}  # the catalogues are read again, ours included
    return languages


@pytest.fixture
def index(db):
    """The English home page (the site's root) and its event index."""
    home = HomePageFactory()
    index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
    home.add_child(instance=index)
    index.save_revision().publish()
    return EventIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")


def test_no_migration_is_due_for_a_fifth_language(german):
    # makemigrations --check exits with status 1 when a model would need a migration.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_the_site_speaks_the_catalogue_and_the_switcher_lists_it(german, index, client):
    response = client.get("/de/")
    soup = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 200
    assert soup.html["lang"] == "de"
    assert soup.select_one(".skip-link").get_text(strip=True) == "Zum Hauptinhalt springen"
    links = [(a.get_text(strip=True), a["lang"]) for a in soup.select(".language-switcher a")]
    assert ("Deutsch", "de") in links
    english = BeautifulSoup(client.get("/en/").content, "html.parser")
    assert ("Deutsch", "de") in [
        (a.get_text(strip=True), a["lang"]) for a in english.select(".language-switcher a")
    ]


def test_a_registration_made_in_german_keeps_german(german, index, client):
    event = make_event(index, interpretation_languages=["en", "ru"])

    response = client.post(f"/de/registration/events/{event.pk}/register/", REGISTRATION)

    assert response.status_code == 302
    assert Registration.objects.get(email="jana.becker@example.org").language == "de"


def test_a_paper_takes_a_german_document_in_the_page_editor(german, index, client, admin):
    event = make_event(index)
    document = make_document("Konzept", b"%PDF-1.4 Konzeptpapier", "konzept-de.pdf")
    client.force_login(admin)
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])

    form = client.get(edit)
    data = event_form_data(
        event,
        papers=inline_formset(
            [
                {
                    "title": "Concept note",
                    "description": "",
                    "access": "public",
                    "language_documents": inline_formset(
                        [{"language": "de", "document": document.pk}]
                    ),
                }
            ]
        ),
    )
    data["action-publish"] = "action-publish"
    response = client.post(edit, data)

    assert '<option value="de">Deutsch</option>' in form.content.decode()
    assert response.status_code == 302, response.context["form"].errors
    paper = papers_for(event, participant=False, language="de")[0]
    assert (paper.title, paper.first.language, paper.first.language_name) == (
        "Concept note",
        "de",
        "Deutsch",
    )


def test_the_survey_editor_has_german_inputs(german, index, client, admin):
    event = make_event(index)
    client.force_login(admin)
    url = reverse("surveys:add")

    form = client.get(f"{url}?event={event.pk}").content.decode()
    response = client.post(
        url,
        {
            "event": event.pk,
            "title_i18n_en": "Feedback",
            "title_i18n_de": "Rückmeldung",
            "anonymous": "on",
            "is_open": "on",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "1",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-kind": "single",
            "questions-0-text_i18n_en": "Was it useful?",
            "questions-0-text_i18n_de": "War es nützlich?",
            "questions-0-choices_i18n_en": "Yes\nNo",
            "questions-0-choices_i18n_de": "Ja\nNein",
            "questions-0-ORDER": "1",
        },
    )

    assert 'name="title_i18n_de"' in form
    assert 'name="questions-__prefix__-text_i18n_de"' in form
    assert response.status_code == 302
    survey = Survey.objects.get(event=event)
    question = survey.questions.get()
    assert (survey.title("de"), question.text("de")) == ("Rückmeldung", "War es nützlich?")
    assert question.choices("de") == ["Ja", "Nein"]


def test_the_organisers_note_has_german_inputs_and_preview(german, index, client, admin):
    event = make_event(index)
    RegistrationFactory(event=event, language="de", status="confirmed")
    client.force_login(admin)
    url = reverse("messaging_admin:write", args=[event.pk])

    form = client.get(url).content.decode()
    preview = client.post(
        url,
        {
            "statuses": ["confirmed"],
            "subject_en": "Bus to the venue",
            "body_en": "The bus leaves at 08:15.",
            "subject_de": "Bus zum Tagungsort",
            "body_de": "Der Bus fährt um 08:15 ab.",
            "preview": "1",
        },
    )
    soup = BeautifulSoup(preview.content, "html.parser")

    assert 'name="subject_de"' in form
    assert 'name="body_de"' in form
    section = soup.select_one('section[lang="de"]')
    assert section is not None
    assert "Bus zum Tagungsort" in section.h3.get_text()
    assert "Der Bus fährt um 08:15 ab." in section.get_text()


def test_the_demo_makes_the_german_content_locale(german):
    locales = demo.ensure_locales()

    assert locales["de"] == Locale.objects.get(language_code="de")


# --- the migrations that made the room for it keep the existing texts and documents -----


@pytest.mark.django_db(transaction=True)
def test_per_language_columns_move_to_rows_and_maps_and_back():
    """Forward: the en/ru/uk columns become document rows and {language: text} maps (a
    draft revision's papers too); backward: the columns again."""

    before = [
        ("cms", "0005_eventpage_badge_language"),
        ("reports", "0002_languages_from_settings"),
        ("messaging", "0001_initial"),
    ]
    after = [
        ("cms", "0006_paper_documents_per_language"),
        ("reports", "0003_survey_texts_per_language"),
        ("messaging", "0002_organiser_message_texts_per_language"),
    ]
    home = HomePageFactory()
    event = make_event(_index_under(home))
    document = make_document("Concept RU", b"%PDF-1.4 ru", "concept-ru.pdf")
    revision = event.save_revision()  # a draft, kept as the event was before the upgrade
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    paper = old.get_model("cms", "BackgroundPaper").objects.create(
        page_id=event.pk, title="Concept note", document_ru_id=document.pk, sort_order=0
    )
    old.get_model("wagtailcore", "Revision").objects.filter(pk=revision.pk).update(
        content={**revision.content, "papers": [{"pk": paper.pk, "document_ru": document.pk}]}
    )
    survey = old.get_model("reports", "Survey").objects.create(
        event_id=event.pk, title_en="Feedback", title_uk="Відгук"
    )
    old.get_model("reports", "Question").objects.create(
        survey=survey,
        kind="single",
        text_en="Length?",
        choices_en="Short\nLong",
        choices_ru="",
        sort_order=0,
    )
    old.get_model("messaging", "OrganiserMessage").objects.create(
        event_id=event.pk, subject_en="Bus", body_en="At 8.", subject_ru="Автобус", body_ru="В 8."
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = new.get_model("cms", "BackgroundPaperDocument").objects.values_list(
        "paper_id", "language", "document_id"
    )
    content = new.get_model("wagtailcore", "Revision").objects.get(pk=revision.pk).content
    moved_survey = new.get_model("reports", "Survey").objects.get(pk=survey.pk)
    question = new.get_model("reports", "Question").objects.get(survey_id=survey.pk)
    note = new.get_model("messaging", "OrganiserMessage").objects.get()

    assert list(rows) == [(paper.pk, "ru", document.pk)]
    assert content["papers"][0]["language_documents"][0]["language"] == "ru"
    assert "document_ru" not in content["papers"][0]
    assert moved_survey.title_i18n == {"en": "Feedback", "uk": "Відгук"}
    assert (question.text_i18n, question.choices_i18n) == ({"en": "Length?"}, {"en": "Short\nLong"})
    assert (note.subject_i18n, note.body_i18n) == (
        {"en": "Bus", "ru": "Автобус"},
        {"en": "At 8.", "ru": "В 8."},
    )

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps
    assert back.get_model("cms", "BackgroundPaper").objects.get().document_ru_id == document.pk
    assert back.get_model("reports", "Survey").objects.get().title_uk == "Відгук"
    assert back.get_model("messaging", "OrganiserMessage").objects.get().subject_ru == "Автобус"

    MigrationExecutor(connection).migrate(latest)


def _index_under(home) -> EventIndexPage:
    index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
    home.add_child(instance=index)
    return index
