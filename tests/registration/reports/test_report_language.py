"""The report in the reader's language: the event's title and texts from its copy in that
language (the source page's where the copy has none, marked with their language), organisers,
fields of work and rooms named as their translations name them; DOCX table headings never
break inside a word in the font the document names. Read back as a reader would: python-docx,
openpyxl, poppler's pdftotext and pdffonts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from PIL import ImageFont
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from cms.models import EventOrganiser, EventPage, FieldOfWork, Organiser, Session
from registration.permissions import event_role_assign
from registration.reports.exporters import tables
from registration.reports.models import Recommendation
from registration.reports.selectors import report_build
from registration.reports.services.reports import report_export_file
from tests.factories import EventPageFactory, RegistrationFactory, RoomFactory, session_create
from tests.registration.reports.report_fixtures import check_in

pytestmark = pytest.mark.django_db

POPPLER = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)
#: Fonts whose widths are those of the fonts a DOCX may name (metric-compatible), to check
#: the columns independently of the code that sized them.
METRIC_FILES = {
    "Arial": (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    "DejaVu Sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",),
}
#: The table style's cell margins: 108 twentieths of a point on each side.
CELL_MARGINS_PT = 2 * 108 / 20


def _translate(snippet, code: str, name: str):
    copy = snippet.copy_for_translation(Locale.objects.get(language_code=code))
    copy.name = name
    copy.save()
    return copy


def _copy(event, code: str, **texts) -> EventPage:
    """Publish ``event``'s copy in ``code`` with ``texts`` (a blank text is left untranslated)."""
    copy = event.copy_for_translation(Locale.objects.get(language_code=code), copy_parents=True)
    for name, value in texts.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return EventPage.objects.get(pk=copy.pk)


@pytest.fixture
def event():
    """Training of mentors (27–28 November 2026, Kyiv) with Russian and Kazakh copies; OSCE
    translated into both, the National Police into neither; the plenary hall and gender
    equality translated into Russian and Kazakh; a recommendation on a session in that hall."""
    event = EventPageFactory(
        today=dt.date(2026, 11, 27),
        starts_in_days=0,
        title="Training of mentors",
        subtitle="First stage of a pilot mentoring programme",
        venue_name="Police training centre",
        city="Kyiv",
        country="UA",
        objectives="<ul><li>Prepare mentors in mentoring techniques</li></ul>",
    )
    osce = Organiser.objects.create(name="OSCE")
    police = Organiser.objects.create(name="National Police of Ukraine")
    _translate(osce, "ru", "ОБСЕ")
    _translate(osce, "kk", "ЕҚЫҰ")
    EventOrganiser.objects.create(page=event, organiser=osce, role="organiser", sort_order=0)
    EventOrganiser.objects.create(page=event, organiser=police, role="co_organiser", sort_order=1)
    gender = FieldOfWork.objects.create(name="Gender equality", slug="gender-equality")
    _translate(gender, "ru", "Гендерное равенство")
    _translate(gender, "kk", "Гендерлік теңдік")
    event.fields_of_work.add(gender)
    event.save_revision().publish()
    hall = RoomFactory(name="Plenary hall")
    _translate(hall, "ru", "Пленарный зал")
    _translate(hall, "kk", "Пленарлық зал")
    session = session_create(event, title="Mentoring in practice", room=hall)
    Recommendation.objects.create(
        event=event, text="Pair every new mentor with a peer.", order=0, session=session
    )
    event = EventPage.objects.get(pk=event.pk)
    _copy(
        event,
        "ru",
        title="Подготовка наставников",
        subtitle="",  # not translated yet: the English one is shown, marked as English
        venue_name="Учебный центр полиции",
        city="Киев",
        objectives="<ul><li>Обучить наставников методам наставничества</li></ul>",
    )
    Session.objects.filter(page__locale__language_code="ru", title="Mentoring in practice").update(
        title="Наставничество на практике"
    )
    _copy(
        event,
        "kk",
        title="Тәлімгерлерді даярлау",
        subtitle="Тәлімгерлік бағдарламаның бірінші кезеңі",
        objectives="<ul><li>Тәлімгерлерді тәлімгерлік әдістерге үйрету</li></ul>",
    )
    for i, sex in enumerate(["female", "male", "female"]):
        registration = RegistrationFactory(
            event=event, sex=sex, status="confirmed", organisation_type="police", given_name=f"P{i}"
        )
        check_in(registration, event.start_date)
    return event


def _docx(event, language: str):
    return Document(io.BytesIO(report_export_file(event=event, fmt="docx", language=language)[1]))


def _pdf(event, language: str, tmp_path) -> bytes:
    data = report_export_file(event=event, fmt="pdf", language=language)[1]
    (tmp_path / "report.pdf").write_bytes(data)
    return data


def _poppler(tool: str, tmp_path) -> str:
    return subprocess.run(
        [tool, str(tmp_path / "report.pdf"), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


# --- texts and snippets in the report's language --------------------------------------


def test_russian_report_has_the_russian_title_texts_and_snippet_names(event):
    with translation.override("ru"):
        report = report_build(event=event)

    assert report.title == "Подготовка наставников"
    assert report.place == "Учебный центр полиции, Киев, Украина"
    assert "Обучить наставников методам наставничества" in report.objectives
    assert [(g.role, g.names) for g in report.organisers] == [
        ("Организатор", ["ОБСЕ"]),
        ("Соорганизатор", ["National Police of Ukraine"]),  # no Russian name: the original
    ]
    assert report.fields_of_work == ["Гендерное равенство"]
    [recommendation] = report.recommendations
    assert recommendation.session.startswith("Наставничество на практике (")
    assert recommendation.session.endswith(", Пленарный зал)")


def test_untranslated_text_falls_back_to_the_source_and_is_marked_with_its_language(event):
    with translation.override("ru"):
        report = report_build(event=event)

    assert report.subtitle == "First stage of a pilot mentoring programme"
    assert report.fallback_languages == {"subtitle": "en"}


def test_report_page_in_russian_marks_the_english_subtitle(client, event):
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    event_role_assign(user=user, event=event, role="reporter")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"
    profile.save()
    client.force_login(user)

    page = client.get(reverse("reports_admin:detail", args=[event.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Подготовка наставников" in html
    assert (
        '<p class="report-subtitle" lang="en">First stage of a pilot mentoring programme</p>'
        in html
    )
    assert "<dd>ОБСЕ</dd>" in html
    assert "<dd>Гендерное равенство</dd>" in html
    assert '<div class="rich-text">' in html  # Russian objectives: no lang of their own


@pytest.mark.parametrize(
    ("language", "title", "organiser", "room"),
    [
        ("ru", "Подготовка наставников", "ОБСЕ", "Пленарный зал"),
        ("kk", "Тәлімгерлерді даярлау", "ЕҚЫҰ", "Пленарлық зал"),
    ],
)
def test_docx_title_paragraph_and_cover_in_the_reports_language(
    event, language, title, organiser, room
):
    doc = _docx(event, language)

    lines = [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text.endswith(f": {title}")
    assert "Training of mentors" not in "\n".join(lines)
    assert any(line.endswith(f": {organiser}") for line in lines)
    assert any(room in line for line in lines)  # the recommendation's session
    assert doc.core_properties.language == language


def test_docx_marks_the_english_subtitle_of_the_russian_report_as_english(event):
    doc = _docx(event, "ru")

    [subtitle] = [p for p in doc.paragraphs if p.style.name == "Subtitle"]
    assert subtitle.text == "First stage of a pilot mentoring programme"
    assert [r._r.rPr.find(qn("w:lang")).get(qn("w:val")) for r in subtitle.runs] == ["en"]


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Подготовка наставников"), ("kk", "Тәлімгерлерді даярлау")],
)
def test_xlsx_carries_the_translated_title(event, language, title):
    data = report_export_file(event=event, fmt="xlsx", language=language)[1]

    book = load_workbook(io.BytesIO(data))
    about = book.worksheets[0]
    assert about["B1"].value == title
    assert book.properties.title.endswith(title)
    values = [cell.value for row in about.iter_rows() for cell in row]
    assert "Training of mentors" not in values


@POPPLER
@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Подготовка наставников"), ("kk", "Тәлімгерлерді даярлау")],
)
def test_pdf_carries_the_translated_title_with_every_font_embedded(
    event, language, title, tmp_path
):
    _pdf(event, language, tmp_path)

    text = _poppler("pdftotext", tmp_path)
    fonts = _poppler("pdffonts", tmp_path).splitlines()[2:]
    assert title in " ".join(text.split())
    assert "Training of mentors" not in text
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), "\n".join(fonts)  # emb column


# --- DOCX table headings ------------------------------------------------------------------


def _named_font(doc) -> str:
    """The font the document names for its text (the Normal style's, else the defaults')."""
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    return fonts.get(qn("w:hAnsi"))


@pytest.mark.parametrize("language", ["ru", "uk", "kk"])
def test_docx_every_heading_column_is_as_wide_as_its_longest_word_in_the_named_font(
    event, language
):
    doc = _docx(event, language)
    with translation.override(language):
        expected = [header for _title, header, _rows in tables(report_build(event=event))]

    name = _named_font(doc)
    path = next((p for p in METRIC_FILES.get(name, ()) if Path(p).exists()), None)
    # .ci/system-deps.sh installs fonts-liberation2 (Arial's widths): never skipped.
    assert path is not None, f"no font with the widths of {name}: run `make setup`"
    font = ImageFont.truetype(path, 1000, layout_engine=ImageFont.Layout.BASIC)
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert headers[: len(expected)] == expected
    for table in doc.tables:
        for cell, column in zip(table.rows[0].cells, table.columns, strict=True):
            if not cell.text.strip():
                continue
            size = cell.paragraphs[0].runs[0].font.size.pt
            widest = max(font.getlength(word) * size / 1000 for word in cell.text.split())
            assert widest + CELL_MARGINS_PT <= column.width.pt, (
                f"{cell.text!r} would break inside a word"
            )
