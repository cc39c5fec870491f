"""The event report's nomination stages (``registration/reports``): nominated → approved →
registered → attended, by sex and by delegation, with the share of women and the event's
gender-balance target, on the admin page and in the DOCX, XLSX and PDF files."""

from __future__ import annotations

import io
import itertools

import pytest
from django.urls import reverse
from django.utils import translation

from registration.nominations.models import Delegation, Nomination, NominationStatus
from registration.reports.exporters import report_docx, report_xlsx
from registration.reports.selectors import report_build
from registration.reports.services.reports import report_export_file
from tests.factories import RegistrationFactory, StaffUserFactory
from tests.registration.reports.report_fixtures import check_in, past_event

pytestmark = pytest.mark.django_db

A, N, R, D = (
    NominationStatus.APPROVED,
    NominationStatus.NOMINATED,
    NominationStatus.REPLACEMENT_ASKED,
    NominationStatus.WITHDRAWN,
)


_numbers = itertools.count(1)


def _delegation(event, country: str, name: str) -> Delegation:
    return Delegation.objects.create(
        event=event,
        country=country,
        name=name,
        quota=4,
        focal_name="Focal",
        focal_email=f"focal@{country.lower()}.example.org",
    )


def _nominate(delegation, sex, status, *, registered=None, attended=False):
    n = next(_numbers)
    registration = None
    if registered:
        registration = RegistrationFactory(event=delegation.event, sex=sex, status=registered)
        if attended:
            check_in(registration, delegation.event.start_date)
    return Nomination.objects.create(
        event=delegation.event,
        delegation=delegation,
        status=status,
        given_name=f"P{n}",
        family_name="X",
        email=f"p{n}@example.org",
        email_normalised=f"p{n}@example.org",
        sex=sex,
        organisation="Ministry",
        registration=registration,
    )


def _populate(event, size: int = 1) -> None:
    """Kyrgyzstan: 2 women + 2 men nominated, 1 woman and 2 men approved, the woman and a man
    registered, the woman attended; one withdrawn man (not counted). Tajikistan: nothing.
    ``size`` more delegations like Kyrgyzstan for the query-count test."""
    kg = _delegation(event, "KG", "Kyrgyzstan")
    _delegation(event, "TJ", "Tajikistan")
    for delegation in [kg, *(_delegation(event, c, c) for c in ["KZ", "UZ", "TM"][: size - 1])]:
        _nominate(delegation, "female", A, registered="confirmed", attended=True)
        _nominate(delegation, "female", R)
        _nominate(delegation, "male", A, registered="confirmed")
        _nominate(delegation, "male", A, registered="awaiting_email")
        _nominate(delegation, "male", D)


@pytest.fixture
def event():
    event = past_event(gender_balance_target=50)
    _populate(event)
    return event


def test_stages_by_sex_and_delegation(event):
    with translation.override("en"):
        stages = report_build(event=event).nominations

    assert stages.target == 50
    by_stage = {s.key: (s.split.total, s.split.women, s.split.men) for s in stages.stages}
    assert by_stage == {
        "nominated": (4, 2, 2),
        "approved": (3, 1, 2),
        "registered": (2, 1, 1),
        "attended": (1, 1, 0),
    }
    assert [s.label for s in stages.stages] == ["Nominated", "Approved", "Registered", "Attended"]
    assert stages.stages[0].split.women_share == 0.5
    rows = {row.label: row for row in stages.rows}
    assert list(rows) == ["Kyrgyzstan", "Tajikistan"]
    assert rows["Kyrgyzstan"].approved.total == 3
    assert rows["Tajikistan"].nominated.total == 0


def test_event_without_delegations_has_no_nomination_section(client):
    event = past_event()
    assert report_build(event=event).nominations is None
    client.force_login(StaffUserFactory(roles=["reporter"], roles__event=event))
    page = client.get(reverse("reports_admin:detail", args=[event.pk]))
    assert page.status_code == 200
    assert 'data-section="nominations"' not in page.content.decode()


def test_admin_page_shows_stages_and_target(client, event):
    client.force_login(StaffUserFactory(roles=["reporter"], roles__event=event))
    with translation.override("en"):
        page = client.get(reverse("reports_admin:detail", args=[event.pk]))
    html = page.content.decode()
    assert "Gender-balance target: 50% women" in html
    assert "Nominations by delegation" in html
    assert (
        '<tr data-nomination-stage="approved"><th scope="row">Approved</th>'
        "<td>3</td><td>1</td><td>2</td><td>0</td><td>33%</td></tr>"
    ) in html


def test_docx_and_xlsx_have_the_tables(event):
    from docx import Document
    from openpyxl import load_workbook

    with translation.override("en"):
        report = report_build(event=event)
        doc = Document(io.BytesIO(report_docx(report)))
        book = load_workbook(io.BytesIO(report_xlsx(report)))

    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    stage_table = next(t for t in tables if t[1][0] == "Nominated")
    assert stage_table[1] == ["Nominated", "4", "2", "2", "0", "50%"]
    assert stage_table[-1][0] == "Gender-balance target"
    assert stage_table[-1][-1] == "50%"
    by_delegation = next(t for t in tables if t[0][0] == "Delegation")
    assert by_delegation[1][:3] == ["Kyrgyzstan", "4", "50%"]

    assert "Nomination stages" in book.sheetnames
    rows = list(book["Nomination stages"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Nominated", 4, 2, 2, 0, 0.5)
    assert rows[-1] == ("Gender-balance target", None, None, None, None, 0.5)
    assert book["Nomination stages"]["F2"].number_format == "0%"
    delegations = list(book["Nominations by delegation"].iter_rows(min_row=2, values_only=True))
    assert delegations[0] == ("Kyrgyzstan", 4, 0.5, 3, 0.3333, 2, 0.5, 1, 1.0)
    assert book["Nominations by delegation"]["C2"].number_format == "0%"


def test_pdf_has_the_stages_in_russian(event):
    import pypdfium2

    _name, data = report_export_file(event=event, fmt="pdf", language="ru")
    text = "\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(data))
    assert "Выдвинуты" in text
    assert "Kyrgyzstan" in text


@pytest.mark.parametrize("size", [1, 3])
def test_report_build_constant_queries(size, django_assert_num_queries):
    event = past_event(gender_balance_target=40)
    _populate(event, size)
    report_build(event=event)  # warm the process-wide caches
    # 7 (no survey, no organisers): one of them reads the nomination stages, whatever the
    # number of delegations and nominees.
    with django_assert_num_queries(7):
        report = report_build(event=event)
    assert report.nominations.stages[0].split.total == 4 * size
