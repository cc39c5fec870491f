"""The report's cover, dates and DOCX layout: A4, columns as wide as their words, charts whose
labels wrap at spaces and are never cut, dates written the way each language writes them."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.shared import Mm
from PIL import Image, ImageFont

from cms.models import EventPage
from registration.permissions import event_role_assign
from registration.reports.exporters import chart_png, tables, wrap_words
from registration.reports.selectors import report_build
from registration.reports.services.reports import report_export_file
from tests.factories import EventPageFactory, RegistrationFactory, session_create
from tests.registration.reports.report_fixtures import check_in

pytestmark = pytest.mark.django_db

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture
def event():
    """27–28 November 2026 in Kyiv, with a Russian copy whose objectives are in Russian."""
    event = EventPageFactory(
        today=dt.date(2026, 11, 27),
        starts_in_days=0,
        title="Training of Mentors",
        objectives="<ul><li>Prepare mentors in mentoring techniques</li>"
        "<li>Prevention of discrimination in the workplace</li></ul>",
        translations=("ru",),
    )
    ru = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="ru")
    ru.title = "Подготовка наставников"
    ru.objectives = "<ul><li>Обучить наставников методам наставничества</li></ul>"
    ru.save_revision().publish()
    for i, sex in enumerate(["female", "male", "female"]):
        reg = RegistrationFactory(
            event=event,
            sex=sex,
            status="confirmed",
            organisation_type="police",
            given_name=f"P{i}",
        )
        check_in(reg, event.start_date)
    session_create(event, title="Mentoring in practice")
    return event


def docx_of(event, language: str):
    _name, data = report_export_file(event=event, fmt="docx", language=language)
    return Document(io.BytesIO(data))


def all_text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "dates", "day"),
    [
        ("en", "27–28 November 2026", "Day 1 (27 November 2026)"),
        ("ru", "27–28 ноября 2026", "День 1 (27 ноября 2026)"),
    ],
)
def test_dates_follow_the_reports_language(event, lang, dates, day):
    with translation.override(lang):
        report = report_build(event=event)

    assert report.dates == dates
    assert report.attendance[0].label == day


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_numeric_dates_in_docx_or_pdf(event, lang):

    doc = docx_of(event, lang)
    _name, pdf = report_export_file(event=event, fmt="pdf", language=lang)
    pdf_text = "\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))

    text = all_text(doc)
    assert not NUMERIC_DATE.search(text)
    assert not NUMERIC_DATE.search(pdf_text)
    if lang == "ru":
        assert "27 ноября 2026" in text
        assert "27 ноября 2026" in pdf_text


# --- cover ---------------------------------------------------------------------------


def test_cover_has_the_objectives_in_the_reports_language(event):
    en, ru = docx_of(event, "en"), docx_of(event, "ru")

    en_lines = [p.text for p in en.paragraphs]
    ru_lines = [p.text for p in ru.paragraphs]
    start = en_lines.index("Key objectives")
    assert en_lines[start + 1 : start + 3] == [
        "Prepare mentors in mentoring techniques",
        "Prevention of discrimination in the workplace",
    ]
    assert en.paragraphs[start + 1].style.name == "List Bullet"
    assert ru_lines[0] == "Отчёт: Подготовка наставников"
    assert "Обучить наставников методам наставничества" in ru_lines
    assert "Prepare mentors in mentoring techniques" not in ru_lines


def test_cover_objectives_on_the_page_and_in_the_pdf(client, event):

    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    event_role_assign(user=user, event=event, role="reporter")
    client.force_login(user)

    page = client.get(reverse("reports_admin:detail", args=[event.pk]))
    _name, pdf = report_export_file(event=event, fmt="pdf", language="ru")
    first_page = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()

    assert '<h2 id="objectives">Key objectives</h2>' in page.text
    assert "<li>Prevention of discrimination in the workplace</li>" in page.text
    assert "Обучить наставников методам наставничества" in first_page
    assert "Участие" not in first_page  # the figures start on the next page


# --- DOCX layout ---------------------------------------------------------------------


def test_docx_is_a4_with_every_table_column_width_set(event):
    doc = docx_of(event, "ru")

    section = doc.sections[0]
    # stored in twentieths of a point: A4 to a hundredth of a millimetre
    assert section.page_width.mm == pytest.approx(210, abs=0.01)
    assert section.page_height.mm == pytest.approx(297, abs=0.01)
    usable = section.page_width - section.left_margin - section.right_margin
    assert doc.tables
    for table in doc.tables:
        widths = [col.width for col in table.columns]
        assert all(widths), "every column has a width"
        assert sum(widths) <= usable + Mm(1)
        for row in table.rows:
            assert [c.width for c in row.cells] == widths


def test_docx_headers_are_unchanged_and_no_header_word_is_wider_than_its_column(event):
    doc = docx_of(event, "ru")
    with translation.override("ru"):
        expected = [header for _title, header, _rows in tables(report_build(event=event))]

    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert headers[: len(expected)] == expected
    for table in doc.tables:
        for cell, column in zip(table.rows[0].cells, table.columns, strict=True):
            size = cell.paragraphs[0].runs[0].font.size.pt if cell.text else 8
            font = ImageFont.truetype(DEJAVU_BOLD, 100)
            widest = max((font.getlength(w) * size / 100 for w in cell.text.split()), default=0)
            assert widest < column.width.pt, f"{cell.text!r} breaks inside a word"


# --- charts --------------------------------------------------------------------------


def test_wrap_words_breaks_at_spaces_only_and_keeps_every_word():
    text = "Police or other law enforcement body of the Republic"
    lines = wrap_words(text, 100, measure=lambda s: len(s) * 10)

    assert " ".join(lines) == text
    assert all(len(line) * 10 <= 100 or " " not in line for line in lines)
    assert len(lines) > 1


def test_chart_grows_for_long_labels_instead_of_cutting_them():
    short = Image.open(io.BytesIO(chart_png("Title", [("A", 1, "1"), ("B", 2, "2")])))
    long_label = "Министерство или другой государственный орган исполнительной власти " * 2
    tall = Image.open(io.BytesIO(chart_png("Title", [(long_label, 1, "1"), ("B", 2, "2")])))

    assert short.width == tall.width == 1600
    assert tall.height > short.height
