"""The report's files read back: DOCX with python-docx, XLSX with openpyxl, PDF with pypdfium2."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from registration.reports.exporters import report_docx, report_xlsx
from registration.reports.models import Recommendation
from registration.reports.selectors import report_build
from registration.reports.services.reports import report_export_file
from tests.factories import session_create
from tests.registration.reports.report_fixtures import (
    hand_counted_event,
    hand_counted_survey,
    past_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event, people = hand_counted_event()
    hand_counted_survey(event, people)
    session = session_create(event, title="Mentoring in practice")
    Recommendation.objects.create(
        event=event, text="Pair every new mentor with a peer.", order=0, session=session
    )
    Recommendation.objects.create(event=event, text="Repeat the training in 2027.", order=1)
    return event


def docx_text(data: bytes):
    from docx import Document

    doc = Document(io.BytesIO(data))
    return doc, "\n".join(p.text for p in doc.paragraphs)


def docx_tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_docx_has_headings_figures_charts_and_recommendations(event):
    with translation.override("en"):
        data = report_docx(report_build(event=event))

    doc, text = docx_text(data)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:4] == [
        "Report: Training of Mentors",
        "Key objectives",
        "Participation",
        "Attendance per day",
    ]
    assert "Recommendations" in headings
    participation = docx_tables(doc)[0]
    assert participation[0] == ["Stage", "Total", "Women", "Men", "Not disclosed", "Share of women"]
    assert participation[1] == ["Registered", "6", "2", "3", "1", "33%"]
    assert participation[3] == ["Attended (at least one day)", "3", "2", "1", "0", "67%"]
    assert participation[5] == ["No-shows", "1", "0", "0", "1", "0%"]
    assert "2 responses from 3 participants (response rate 67%)." in text
    assert "Pair every new mentor with a peer. (Session: Mentoring in practice" in text
    assert "Aida Test: More practice, please" in text  # the survey is not anonymous
    pre_post = next(t for t in docx_tables(doc) if t[0][0] == "Self-assessment")
    assert pre_post[1][1:] == ["2.5", "4.5", "+2.0"]
    assert len(doc.inline_shapes) >= 4  # charts as PNG


def test_docx_in_russian(event):
    name, data = report_export_file(event=event, fmt="docx", language="ru")

    doc, text = docx_text(data)
    assert name == f"report-{event.slug}-ru.docx"
    assert doc.paragraphs[0].text == "Отчёт: Training of Mentors"
    assert "Участие" in text
    assert "Рекомендации" in text
    assert docx_tables(doc)[0][1][0] == "Зарегистрировались"


def test_anonymous_survey_hides_names_in_every_export(event):
    survey = event.survey
    survey.anonymous = True
    survey.save()

    _doc, text = docx_text(report_export_file(event=event, fmt="docx", language="en")[1])
    book = xlsx(report_export_file(event=event, fmt="xlsx", language="en")[1])
    pdf = pdf_text(report_export_file(event=event, fmt="pdf", language="en")[1])

    assert "More practice, please" in text
    assert "Aida" not in text
    assert "Bohdana" not in text
    open_answers = [[c.value for c in row] for row in book["Open answers"].iter_rows()]
    assert open_answers[1][1:] == ["More practice, please", "en", "Anonymous"]
    assert "Aida" not in str(open_answers)
    assert "More practice, please" in pdf
    assert "Aida" not in pdf


def test_xlsx_one_sheet_per_table_with_the_figures(event):
    with translation.override("en"):
        book = xlsx(report_xlsx(report_build(event=event)))

    assert book.sheetnames == [
        "Event",
        "Participation",
        "Attendance per day",
        "By country",
        "By type of organisation",
        "By role",
        "By interpretation language",
        "Survey",
        "Before and after",
        "Open answers",
        "Recommendations",
    ]
    rows = [[c.value for c in row] for row in book["Participation"].iter_rows()]
    assert rows[1] == ["Registered", 6, 2, 3, 1, pytest.approx(0.3333)]
    assert book["Participation"]["F2"].number_format == "0%"
    days = [[c.value for c in row] for row in book["Attendance per day"].iter_rows(min_row=2)]
    assert [(r[2], r[3]) for r in days] == [(2, 2), (2, 1)]
    country = {r[0]: r[1:] for r in book["By country"].iter_rows(min_row=2, values_only=True)}
    assert country["Ukraine"] == (3, 1, 2, 1, 2, 1)
    survey = list(book["Survey"].iter_rows(min_row=2, values_only=True))
    assert ("3. Was the length right?", "Too short", 1, 0.5, 2, None) in survey
    assert list(book["Before and after"].iter_rows(min_row=2, values_only=True)) == [
        ("After the training, how well do you know mentoring methods?", 2.5, 4.5, 2.0)
    ]
    recs = list(book["Recommendations"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in recs] == [
        (1, "Pair every new mentor with a peer."),
        (2, "Repeat the training in 2027."),
    ]


def test_pdf_text_has_the_figures_in_ukrainian(event):
    _name, data = report_export_file(event=event, fmt="pdf", language="uk")

    text = pdf_text(data)
    assert data.startswith(b"%PDF")
    assert "Звіт: Training of Mentors" in text
    assert "Участь" in text
    assert "Рекомендації" in text
    assert "Pair every new mentor with a peer." in text
    assert "2 відповіді від 3 учасників" in text


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_exports_of_an_empty_event_do_not_crash(fmt):
    event = past_event()

    _name, data = report_export_file(event=event, fmt=fmt, language="en")

    assert len(data) > 1000
    if fmt == "docx":
        _doc, text = docx_text(data)
        assert "No survey was held." in text
        assert "No recommendations have been written yet." in text
