"""Reading a roster file (XLSX or CSV, the way institutions send lists of people) into rows.

Columns are found by their header, in any order, written in any of the site's languages
(English, Russian, Ukrainian, Kazakh) or a common synonym: "Given name", "Имя", "Ім'я",
"First name" all name ``given_name``. Headers compare caselessly, ignoring punctuation.

The file is hostile until read:

- its size is capped (``ROSTER_MAX_BYTES``) before anything is parsed, and its rows
  (``ROSTER_MAX_ROWS``): reading stops at the first row over the cap, so a 100,000-row file
  is refused after reading ``ROSTER_MAX_ROWS + 1`` rows, never loaded whole; an XLSX whose
  unpacked parts are larger than ``ROSTER_MAX_UNPACKED`` (a zip bomb) is refused unread;
- XLSX is read with openpyxl in read-only mode and ``data_only=False``: a formula cell gives
  its formula text (``=HYPERLINK(...)``), never a computed value; such a cell is flagged on
  its row (and anything written back goes through ``registration.spreadsheets``);
- CSV is decoded line by line: UTF-8 (with or without a byte-order mark), else Windows-1251
  (what Excel writes in Russian and Ukrainian Windows); a line neither decodes is an error
  naming its number; a file that mixes both gets a warning;
- anything else (a PDF renamed ``.csv``, an old ``.xls``, an image) is refused with a
  sentence.

Every error is a ``RosterFileError`` with a translated message and a code.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def max_bytes() -> int:
    """The largest file accepted (settings.ROSTER_MAX_BYTES, default 10 MB)."""
    return settings.ROSTER_MAX_BYTES


def max_rows() -> int:
    """The most people in one file (settings.ROSTER_MAX_ROWS, default 5,000)."""
    return settings.ROSTER_MAX_ROWS


def max_unpacked() -> int:
    """The largest unpacked XLSX (settings.ROSTER_MAX_UNPACKED, default 200 MB)."""
    return settings.ROSTER_MAX_UNPACKED


#: This many empty rows in a row end the sheet (Excel keeps formatted empty rows).
EMPTY_ROWS_END = 1000


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy: the header in the staff member's language
    required: bool
    aliases: tuple[str, ...] = ()


#: The roster's columns, in the template's order. ``aliases``: synonyms beside the label's
#: translation in every language of the site.
COLUMNS: tuple[Column, ...] = (
    Column(
        "given_name",
        _("given name"),
        True,
        ("first name", "name", "имя", "ім'я", "імя", "аты", "есімі"),
    ),
    Column(
        "family_name",
        _("family name"),
        True,
        ("surname", "last name", "фамилия", "прізвище", "тегі"),
    ),
    Column(
        "email",
        _("e-mail"),
        True,
        (
            "email",
            "e-mail address",
            "email address",
            "mail",
            "электронная почта",
            "эл. почта",
            "почта",
            "електронна пошта",
            "ел. пошта",
            "пошта",
            "электрондық пошта",
        ),
    ),
    Column("sex", _("sex"), True, ("gender", "пол", "стать", "жынысы")),
    Column(
        "organisation",
        _("organisation"),
        True,
        ("organization", "institution", "организация", "учреждение", "організація", "установа"),
    ),
    Column("position", _("position"), False, ("job title", "должность", "посада", "лауазымы")),
    Column("region", _("region"), False, ("oblast", "регион", "область", "регіон", "өңір")),
    Column(
        "cohort",
        _("cohort code"),
        True,
        ("cohort", "group", "группа", "код группы", "когорта", "група", "код групи", "топ"),
    ),
    Column("role", _("role"), False, ("роль", "рөлі")),
    Column("language", _("language"), False, ("язык", "мова", "тілі")),
    Column("country", _("country"), False, ("страна", "країна", "ел")),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class RosterFileError(Exception):
    """The file as a whole cannot be read. ``code`` says why; the message says it to staff."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass
class RosterRow:
    """One data row: its number in the file (the header is row 1), its values by column key
    (text, stripped), and the columns whose cell held a formula."""

    number: int
    values: dict[str, str]
    formulas: list[str] = field(default_factory=list)


@dataclass
class RosterFile:
    """What was read: the rows (empty ones left out), unknown header names, and warnings
    (translated sentences) about the file as a whole."""

    rows: list[RosterRow]
    ignored_headers: list[str]
    warnings: list[str]
    kind: str  # "xlsx" or "csv"


def header_key(text: Any) -> str:
    """A header as compared: caseless, punctuation and spacing as one space."""
    text = str(text or "").replace("ё", "е").replace("Ё", "Е")
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def header_aliases() -> dict[str, str]:
    """Every accepted header (as ``header_key`` gives it) → column key."""
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        names = [column.key, *column.aliases]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.append(str(column.label))
        for name in names:
            aliases.setdefault(header_key(name), column.key)
    return aliases


def template_headers() -> list[str]:
    """The template's header row, in the active language."""
    return [capfirst(str(column.label)) for column in COLUMNS]


def expected_headers_sentence() -> str:
    required = ", ".join(f"“{capfirst(str(c.label))}”" for c in COLUMNS if c.required)
    optional = ", ".join(f"“{capfirst(str(c.label))}”" for c in COLUMNS if not c.required)
    return str(
        _(
            "The first row must name the columns. Required: %(required)s. "
            "Optional: %(optional)s. Download the template to see them."
        )
    ) % {"required": required, "optional": optional}


# --- the file as a whole ----------------------------------------------------------------


def _too_large() -> RosterFileError:
    megabytes = max(1, max_bytes() // (1024 * 1024))
    return RosterFileError(
        _("The file is larger than %(size)s MB. Split it into smaller files.")
        % {"size": megabytes},
        code="too_large",
    )


def _too_many_rows() -> RosterFileError:
    return RosterFileError(
        _(
            "The file has more than %(limit)s rows. Split it into files of at most "
            "%(limit)s people each."
        )
        % {"limit": max_rows()},
        code="too_many_rows",
    )


def _not_a_spreadsheet() -> RosterFileError:
    return RosterFileError(
        _("This is not a roster file: upload an Excel workbook (.xlsx) or a CSV file."),
        code="not_spreadsheet",
    )


def roster_read(upload: IO[bytes], *, filename: str = "", size: int | None = None) -> RosterFile:
    """Read the roster in ``upload`` (XLSX or CSV, told apart by content, not by name).

    Raises ``RosterFileError`` (too_large, not_spreadsheet, old_excel, damaged, encoding,
    no_rows, wrong_columns, too_many_rows). Side effects: none (reads ``upload``).
    """
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes():
        raise _too_large()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head:
        raise RosterFileError(_("The file is empty."), code="no_rows")
    if head.startswith(b"PK"):
        return _read_xlsx(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload it again."),
            code="old_excel",
        )
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise RosterFileError(
            _("The file is named .xlsx but is not an Excel workbook, or it is damaged."),
            code="damaged",
        )
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large()
    if b"\x00" in data[:65536] or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8")):
        raise _not_a_spreadsheet()
    return _read_csv(data)


def _columns(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    aliases = header_aliases()
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, text in enumerate(header):
        key = aliases.get(header_key(text))
        if key and key not in found:
            found[key] = index
        elif str(text or "").strip():
            ignored.append(str(text).strip()[:60])
    missing = [c for c in COLUMNS if c.required and c.key not in found]
    if missing:
        names = ", ".join(f"“{capfirst(str(c.label))}”" for c in missing)
        raise RosterFileError(
            str(_("The file lacks these columns: %(missing)s.")) % {"missing": names}
            + " "
            + expected_headers_sentence(),
            code="wrong_columns",
        )
    return found, ignored


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return " ".join(str(value).replace("\x00", "").split())


def _collect(lines: Iterator[tuple[int, list[Any]]], kind: str, warnings: list[str]) -> RosterFile:
    """Header and data rows from ``lines`` ((row number, cells)), capped at ``max_rows()``."""
    header: list[Any] | None = None
    columns: dict[str, int] = {}
    ignored: list[str] = []
    rows: list[RosterRow] = []
    empty_run = 0
    for number, cells in lines:
        if not any(_text(c) for c in cells):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_END:
                break
            continue
        empty_run = 0
        if header is None:
            header = list(cells)
            columns, ignored = _columns(header)
            continue
        if len(rows) >= max_rows():
            raise _too_many_rows()
        values: dict[str, str] = {}
        formulas: list[str] = []
        for key, index in columns.items():
            raw = cells[index] if index < len(cells) else None
            text = _text(raw)
            if isinstance(raw, str) and raw.lstrip().startswith("="):
                formulas.append(key)
            values[key] = text
        rows.append(RosterRow(number=number, values=values, formulas=formulas))
    if header is None:
        raise RosterFileError(_("The file is empty."), code="no_rows")
    if not rows:
        raise RosterFileError(
            _("The file has a header row but no people under it."), code="no_rows"
        )
    return RosterFile(rows=rows, ignored_headers=ignored, warnings=warnings, kind=kind)


def _read_xlsx(upload: IO[bytes]) -> RosterFile:
    # Heavy library (openpyxl, STYLE rule 9): only where a workbook is read.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RosterFileError(
            _("The file looks like a workbook but cannot be opened: it may be damaged."),
            code="damaged",
        ) from exc
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()
    if unpacked > max_unpacked():
        raise _too_large()
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise RosterFileError(
            _("The file looks like a workbook but cannot be opened: it may be damaged."),
            code="damaged",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        lines = (
            (number, list(cells))
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _collect(lines, "xlsx", [])
    finally:
        workbook.close()


def _decode_lines(data: bytes, warnings: list[str]) -> Iterator[str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    fallback: list[int] = []
    utf8 = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
            if any(b > 0x7F for b in raw):
                utf8 += 1
        except UnicodeDecodeError:
            try:
                line = raw.decode("cp1251")
            except UnicodeDecodeError as exc:
                raise RosterFileError(
                    _(
                        "Line %(line)s cannot be read as UTF-8 or Windows-1251 text. Save the "
                        "file as “CSV UTF-8” and upload it again."
                    )
                    % {"line": number},
                    code="encoding",
                ) from exc
            fallback.append(number)
        yield line + "\n"
    if fallback and utf8:
        warnings.append(
            str(
                ngettext(
                    "The file mixes encodings: %(count)s line was read as Windows-1251, "
                    "the others as UTF-8. Check the names in the report.",
                    "The file mixes encodings: %(count)s lines were read as Windows-1251, "
                    "the others as UTF-8. Check the names in the report.",
                    len(fallback),
                )
            )
            % {"count": len(fallback)}
        )


def _delimiter(data: bytes) -> str:
    first = data.split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> RosterFile:
    warnings: list[str] = []
    delimiter = _delimiter(data.removeprefix(b"\xef\xbb\xbf"))
    reader = csv.reader(_decode_lines(data, warnings), delimiter=delimiter)

    def lines() -> Iterator[tuple[int, list[Any]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise RosterFileError(
                _("Line %(line)s of the file is not valid CSV.") % {"line": reader.line_num},
                code="damaged",
            ) from exc

    return _collect(lines(), "csv", warnings)
