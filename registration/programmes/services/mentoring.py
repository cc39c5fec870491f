"""Mentor–mentee pairs within a cohort: made by staff (one by one or from a file), and each
side's consent to share their contact details with the other.

Rules of a pair (``pair_create`` and ``pairs_import`` apply the same ones): both people are
enrolled in the pair's cohort; the mentor's role in the programme is mentor or trainer, the
mentee's is mentee; nobody mentors themself; a mentee has one mentor (a constraint of the
table), a mentor may have several mentees.

Contact details (e-mail, phone) are shown to the other side only once both have consented
(``MentorPair.contact_shared``); withdrawing a consent hides them again.

The pairs file is read here, by a small reader of our own (two columns: the mentor's e-mail,
the mentee's e-mail; CSV or XLSX), with limits on its size, its unpacked size and its rows;
XLSX through openpyxl in read-only mode, which parses with defusedxml when it is installed
(it is), so an entity bomb is refused, and ``data_only`` so a formula is never evaluated or
kept as one (only the value the spreadsheet saved, as text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import ProgrammePage
from registration.models.registrations import normalise_email
from registration.programmes.models import Cohort, Enrolment, EnrolmentStatus, MentorPair
from registration.programmes.selectors.mentoring import MENTEE_ROLES, MENTOR_ROLES

#: Limits of a pairs file: a programme pairs tens or hundreds of people, never thousands.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # an XLSX is a zip: refuse a zip bomb before opening it
MAX_ROWS = 2000
MAX_COLUMNS = 20
#: A cell longer than this is not an e-mail address; it is cut for the report.
MAX_CELL = 254


class MentoringError(Exception):
    """A rule of mentoring said no. ``code`` says which rule (the views and tests branch on
    it); the message is a translated sentence for the person who asked."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


# --- the rules of a pair ----------------------------------------------------------------------


def _enrolled_in(enrolment: Enrolment, cohort: Cohort) -> bool:
    return (
        enrolment.cohort_id == cohort.pk
        and enrolment.status == EnrolmentStatus.ENROLLED
        and enrolment.anonymised_at is None
    )


def _pair_problem(
    *,
    cohort: Cohort,
    mentor: Enrolment,
    mentee: Enrolment,
    mentees_mentor_id: int | None,
) -> MentoringError | None:
    """What stops ``mentor`` and ``mentee`` from being paired in ``cohort`` (None: nothing).

    ``mentees_mentor_id`` is the mentor the mentee has already (None if none).
    """
    if mentor.pk == mentee.pk:
        return MentoringError(_("A person cannot be their own mentor."), code="self")
    if not _enrolled_in(mentor, cohort):
        return MentoringError(
            _("The mentor is not enrolled in this cohort."), code="mentor_not_in_cohort"
        )
    if not _enrolled_in(mentee, cohort):
        return MentoringError(
            _("The mentee is not enrolled in this cohort."), code="mentee_not_in_cohort"
        )
    if mentor.role not in MENTOR_ROLES:
        return MentoringError(
            _("Only a person enrolled as a mentor or a trainer can be a mentor."),
            code="mentor_role",
        )
    if mentee.role not in MENTEE_ROLES:
        return MentoringError(
            _("Only a person enrolled as a mentee can be a mentee."), code="mentee_role"
        )
    if mentees_mentor_id == mentor.pk:
        return MentoringError(_("These two are paired already."), code="already_paired")
    if mentees_mentor_id is not None:
        return MentoringError(
            _("This mentee has a mentor already. Remove that pair first."),
            code="mentee_has_mentor",
        )
    return None


def pair_create(*, cohort: Cohort, mentor: Enrolment, mentee: Enrolment, by=None) -> MentorPair:
    """Pair ``mentor`` with ``mentee`` in ``cohort``; raises ``MentoringError`` when a rule
    says no (codes: self, mentor_not_in_cohort, mentee_not_in_cohort, mentor_role,
    mentee_role, already_paired, mentee_has_mentor).

    Side effects: one ``MentorPair`` row (no consent yet), in one transaction; the mentee's
    row is locked while the rules are checked, so two staff pairing the same mentee at once
    make one pair and get one error.
    """
    with transaction.atomic():
        people = {
            e.pk: e
            for e in Enrolment.objects.select_for_update().filter(pk__in=[mentor.pk, mentee.pk])
        }
        mentor, mentee = people.get(mentor.pk, mentor), people.get(mentee.pk, mentee)
        existing = (
            MentorPair.objects.filter(mentee=mentee).values_list("mentor_id", flat=True).first()
        )
        problem = _pair_problem(
            cohort=cohort, mentor=mentor, mentee=mentee, mentees_mentor_id=existing
        )
        if problem is not None:
            raise problem
        try:
            with transaction.atomic():
                return MentorPair.objects.create(
                    cohort=cohort, mentor=mentor, mentee=mentee, created_by=_user(by)
                )
        except IntegrityError as exc:  # paired by someone else since the check
            raise MentoringError(
                _("This mentee has a mentor already. Remove that pair first."),
                code="mentee_has_mentor",
            ) from exc


def pair_delete(*, pair: MentorPair, by=None) -> None:
    """Undo a pair. Side effects: the ``MentorPair`` row and both consents are gone; the two
    people no longer see each other on their personal pages."""
    MentorPair.objects.filter(pk=pair.pk).delete()


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


# --- consent ---------------------------------------------------------------------------------


def _consent_field(pair: MentorPair, enrolment: Enrolment) -> str:
    if enrolment.pk == pair.mentor_id:
        return "mentor_consent_at"
    if enrolment.pk == pair.mentee_id:
        return "mentee_consent_at"
    raise MentoringError(_("You are not part of this mentoring pair."), code="not_in_pair")


def pair_consent(
    *, pair: MentorPair, enrolment: Enrolment, now: dt.datetime | None = None
) -> MentorPair:
    """Record that ``enrolment`` (the pair's mentor or mentee) agrees to share their e-mail and
    phone with the other. Their contact is shown only once both have agreed. Raises
    ``MentoringError`` (code not_in_pair) for anyone else.

    Side effects: the pair's ``mentor_consent_at`` or ``mentee_consent_at`` (the first time
    only: agreeing again keeps the original time), under a row lock.
    """
    with transaction.atomic():
        pair = MentorPair.objects.select_for_update().get(pk=pair.pk)
        name = _consent_field(pair, enrolment)
        if getattr(pair, name) is None:
            setattr(pair, name, now or timezone.now())
            pair.save(update_fields=[name])
    return pair


def pair_consent_withdraw(*, pair: MentorPair, enrolment: Enrolment) -> MentorPair:
    """``enrolment`` no longer shares their contact with the other side: neither sees the
    other's e-mail and phone until both agree again. Raises ``MentoringError`` (code
    not_in_pair) for anyone else.

    Side effects: the pair's consent time of that side is cleared, under a row lock.
    """
    with transaction.atomic():
        pair = MentorPair.objects.select_for_update().get(pk=pair.pk)
        name = _consent_field(pair, enrolment)
        if getattr(pair, name) is not None:
            setattr(pair, name, None)
            pair.save(update_fields=[name])
    return pair


# --- reading a pairs file --------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\x00", "")
    # Zero-width and no-break spaces come with addresses copied from web pages and e-mails.
    for char in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xa0"):
        text = text.replace(char, "")
    return text.strip()[:MAX_CELL]


def _decode(data: bytes) -> str:
    """CSV text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
    text"), else Windows-1251 (what Excel in Russian or Ukrainian saves as "CSV")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data).replace("\x00", "")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [_cell(c) for c in cells[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise MentoringError(
            _("The CSV file cannot be read. Save it again as CSV (UTF-8) and upload it."),
            code="unreadable",
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    # Heavy library (openpyxl, STYLE rule 9): only when a workbook is uploaded.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = MentoringError(
        _("The XLSX file cannot be read. Save it again as an Excel workbook and upload it."),
        code="unreadable",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise MentoringError(
            _("The file is too large. A pairs file holds two columns of e-mail addresses."),
            code="too_large",
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        SyntaxError,
        TypeError,
        ValueError,
    ) as exc:
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in values]
    except (KeyError, SyntaxError, TypeError, ValueError, zipfile.BadZipFile) as exc:
        raise unreadable from exc
    finally:
        workbook.close()


@dataclass(frozen=True)
class FileRow:
    line: int  # as the spreadsheet numbers it (the header is line 1)
    mentor_email: str
    mentee_email: str


def _columns(header: list[str]) -> tuple[int, int]:
    """The mentor's and the mentee's column, from a header row naming them (else 0 and 1)."""
    lowered = [h.lower() for h in header]
    mentee = next((i for i, h in enumerate(lowered) if "mentee" in h), None)
    mentor = next((i for i, h in enumerate(lowered) if "mentor" in h), None)
    if mentor is not None and mentee is not None and mentor != mentee:
        return mentor, mentee
    return 0, 1


def pairs_file_read(file: IO[bytes]) -> list[FileRow]:
    """The rows of a pairs file (CSV or XLSX): the mentor's and the mentee's e-mail per row,
    with its line number. A first row without an ``@`` is a header; a header naming the
    "mentor" and "mentee" columns picks them (else the first two columns). Empty rows are
    left out. Raises ``MentoringError`` (codes file_type, too_large, too_many_rows,
    unreadable, empty) for a file that is not a readable pairs file.
    """
    name = (getattr(file, "name", "") or "").lower()
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _too_large()
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    if data.startswith(b"PK\x03\x04"):
        rows: Iterable[list[str]] = _xlsx_rows(data)
    elif name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise MentoringError(
            _("The file is not an XLSX workbook. Save it as XLSX or CSV and upload it again."),
            code="file_type",
        )
    elif name.endswith((".csv", ".txt")) or "." not in name:
        rows = _csv_rows(data)
    else:
        raise MentoringError(_("Upload the pairs as a CSV or an XLSX file."), code="file_type")

    result: list[FileRow] = []
    mentor_col, mentee_col = 0, 1
    first = True
    for line, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        if first:
            first = False
            if not any("@" in c for c in cells):
                mentor_col, mentee_col = _columns(cells)
                continue
        if len(result) >= MAX_ROWS:
            raise MentoringError(
                _("The file has more than %(max)s rows. Split it and import each part.")
                % {"max": MAX_ROWS},
                code="too_many_rows",
            )
        padded = [*cells, "", ""]
        result.append(FileRow(line, padded[mentor_col], padded[mentee_col]))
    if not result:
        raise MentoringError(
            _(
                "The file has no rows. Put the mentor's e-mail in the first column and the "
                "mentee's in the second."
            ),
            code="empty",
        )
    return result


def _too_large() -> MentoringError:
    return MentoringError(
        _("The file is too large. A pairs file holds two columns of e-mail addresses."),
        code="too_large",
    )


# --- importing pairs ---------------------------------------------------------------------------

#: What happens to a row: made (or would be, in a dry run), already there, or refused.
CREATE, SKIP, ERROR = "create", "skip", "error"


@dataclass
class ImportRow:
    line: int
    mentor_email: str
    mentee_email: str
    status: str  # CREATE, SKIP or ERROR
    reason: str = ""
    code: str = ""
    cohort: Cohort | None = None


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), row by row. ``problem`` is a sentence
    about the whole file (unreadable, too large); ``written`` says whether pairs were made."""

    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    problem: str = ""
    problem_code: str = ""
    written: bool = False
    lines: list[FileRow] = field(default_factory=list)  # as read, to confirm a dry run

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def skipped(self) -> int:
        return self.count(SKIP)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def valid(self) -> bool:
        """Whether the file may be imported: readable, and no row is refused."""
        return not self.problem and self.errors == 0


def pairs_import(
    *,
    file: IO[bytes] | None = None,
    cohort: Cohort | None = None,
    programme: ProgrammePage | None = None,
    by=None,
    dry_run: bool = True,
    rows: list[FileRow] | None = None,
) -> ImportReport:
    """Pairs from a file of two columns (mentor's e-mail, mentee's e-mail), for one cohort or
    for a whole programme (each row's cohort is the one both people are enrolled in).

    Every row is checked against the same rules as ``pair_create`` and gets a status: create,
    skip (paired so already, or repeated in the file) or error (with a sentence why). Nothing
    is written in a dry run, nor unless every row is valid; a file imported twice makes
    nothing new the second time.

    ``rows`` instead of ``file``: the rows of a file read before (``pairs_file_read``), as
    when staff confirm a dry run they saw.

    Side effects (not a dry run, every row valid): one ``MentorPair`` per row to create, all in
    one transaction.
    """
    if cohort is None and programme is None:
        raise TypeError("pairs_import needs a cohort or a programme")
    if (file is None) == (rows is None):
        raise TypeError("pairs_import needs a file or rows")
    programme = (cohort.programme if cohort is not None else programme).source
    report = ImportReport(dry_run=dry_run)
    try:
        lines = rows if rows is not None else pairs_file_read(file)
    except MentoringError as exc:
        report.problem, report.problem_code = exc.message, exc.code
        return report
    report.lines = lines

    with transaction.atomic():
        to_create = _import_check(lines, programme=programme, cohort=cohort, report=report)
        if dry_run or not report.valid or not to_create:
            return report
        try:
            with transaction.atomic():
                MentorPair.objects.bulk_create(
                    [
                        MentorPair(cohort=c, mentor=m, mentee=e, created_by=_user(by))
                        for c, m, e in to_create
                    ]
                )
        except IntegrityError:
            report.problem = _(
                "Someone changed these pairs while the file was imported. Nothing was "
                "imported; run the import again."
            )
            report.problem_code = "conflict"
            return report
        report.written = True
    return report


def _import_check(
    lines: list[FileRow],
    *,
    programme: ProgrammePage,
    cohort: Cohort | None,
    report: ImportReport,
) -> list[tuple[Cohort, Enrolment, Enrolment]]:
    """Fill ``report`` with a status per row; return the pairs to create (three queries)."""
    emails = {normalise_email(r.mentor_email) for r in lines} | {
        normalise_email(r.mentee_email) for r in lines
    }
    people = {
        e.email_normalised: e
        for e in Enrolment.objects.filter(
            programme=programme, email_normalised__in=emails, anonymised_at__isnull=True
        ).select_related("cohort")
    }
    mentors_of = dict(
        MentorPair.objects.select_for_update()
        .filter(mentee__in=[e.pk for e in people.values()])
        .values_list("mentee_id", "mentor_id")
    )
    planned: dict[int, tuple[int, int]] = {}  # mentee id -> (mentor id, line)
    to_create = []
    for line in lines:
        row = ImportRow(line.line, line.mentor_email, line.mentee_email, ERROR)
        report.rows.append(row)
        problem, mentor, mentee = _row_people(line, people)
        if problem is None:
            row_cohort = cohort or mentor.cohort
            row.cohort = row_cohort
            if row_cohort is None:
                problem = MentoringError(
                    _("The mentor is not enrolled in any cohort."), code="mentor_not_in_cohort"
                )
            elif cohort is None and mentor.cohort_id != mentee.cohort_id:
                problem = MentoringError(
                    _("The mentor and the mentee are enrolled in different cohorts."),
                    code="different_cohorts",
                )
            elif mentee.pk in planned:
                problem = _repeat_problem(planned[mentee.pk], mentor)
            else:
                problem = _pair_problem(
                    cohort=row_cohort,
                    mentor=mentor,
                    mentee=mentee,
                    mentees_mentor_id=mentors_of.get(mentee.pk),
                )
        if problem is None:
            row.status = CREATE
            planned[mentee.pk] = (mentor.pk, line.line)
            to_create.append((row.cohort, mentor, mentee))
        elif problem.code in ("already_paired", "repeated"):
            row.status, row.reason, row.code = SKIP, problem.message, problem.code
        else:
            row.reason, row.code = problem.message, problem.code
    return to_create


def _row_people(
    line: FileRow, people: dict[str, Enrolment]
) -> tuple[MentoringError | None, Enrolment | None, Enrolment | None]:
    found = []
    for email, missing_email, unknown in (
        (
            line.mentor_email,
            _("The mentor's e-mail is missing."),
            _("Nobody is enrolled in this programme with the mentor's e-mail."),
        ),
        (
            line.mentee_email,
            _("The mentee's e-mail is missing."),
            _("Nobody is enrolled in this programme with the mentee's e-mail."),
        ),
    ):
        if not email:
            return MentoringError(missing_email, code="missing_email"), None, None
        try:
            validate_email(email)
        except ValidationError:
            return (
                MentoringError(
                    _("“%(email)s” is not an e-mail address.") % {"email": email},
                    code="bad_email",
                ),
                None,
                None,
            )
        person = people.get(normalise_email(email))
        if person is None:
            return MentoringError(unknown, code="not_enrolled"), None, None
        found.append(person)
    return None, found[0], found[1]


def _repeat_problem(planned: tuple[int, int], mentor: Enrolment) -> MentoringError:
    mentor_id, line = planned
    if mentor_id == mentor.pk:
        return MentoringError(
            _("The same pair is on line %(line)s.") % {"line": line}, code="repeated"
        )
    return MentoringError(
        _("This mentee is paired with another mentor on line %(line)s.") % {"line": line},
        code="mentee_has_mentor",
    )
