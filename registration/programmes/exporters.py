"""The programme report's files: DOCX with charts, XLSX data annex, PDF.

Each writer takes a ``ProgrammeReport`` (``selectors/report.py``) and returns bytes; call it
inside ``translation.override(language)`` (``services/report.py`` does). The approach is the
event report's (``registration.reports.exporters``), whose pieces are reused: python-docx with
tables whose columns fit their words, bar charts drawn with Pillow (each picture carries its
numbers as alternative text, and the same numbers are in the table above it), the XLSX through
``registration.spreadsheets`` (one named sheet per table, text never a formula), and the PDF
rendered by WeasyPrint from the same HTML as the admin page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from conference.l10n import format_date
from registration.programmes.selectors.report import ProgrammeReport
from registration.reports.exporters import (
    A4_MM,
    DOCX_FONT,
    MARGIN_MM,
    change,
    chart_png,
    docx_fonts,
    html_blocks,
    mean,
    pct,
    table_layout,
)
from registration.spreadsheets import XlsxSheet, column_widths, xlsx_add_sheet

Progress = Callable[[int], None]


def hours(value: Decimal | float | None) -> str:
    """Hours as the active language writes numbers (``1 234,5``), or a dash."""
    if value is None:
        return "—"
    return formats.number_format(round(Decimal(value), 1), 1, use_l10n=True, force_grouping=True)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def headline(report: ProgrammeReport) -> list[tuple[str, str, str]]:
    """The key figures: (key, label, value as text)."""
    t = report.totals
    return [
        ("enrolled", pgettext("programme report", "Enrolled"), str(t.enrolled)),
        ("attended", _("Attended at least one session"), str(t.attended)),
        ("completed", pgettext("programme report", "Completed"), str(t.completed)),
        ("completion_rate", _("Completion rate"), pct(t.completion_rate)),
        ("hours_attended", _("Hours attended (all participants)"), hours(t.hours_attended)),
        ("hours_planned", _("Hours scheduled × participants"), hours(t.hours_planned)),
        (
            "sessions_held",
            _("Sessions held"),
            _("%(held)s of %(planned)s")
            % {"held": report.sessions_held, "planned": len(report.sessions)},
        ),
        ("hours_delivered", _("Hours of training delivered"), hours(report.hours_delivered)),
        ("survey_responses", _("Survey responses"), str(report.survey_responses)),
        ("withdrawn", _("Withdrawn"), str(report.withdrawn)),
    ]


def breakdown_header() -> list[str]:
    return [
        pgettext("programme report", "Enrolled"),
        _("Attended"),
        pgettext("programme report", "Completed"),
        _("Completion rate"),
        _("Hours attended"),
    ]


def _bar(value: float, biggest: float) -> int:
    """A bar's length in percent of the biggest value (0–100)."""
    return max(0, min(100, round(100 * value / biggest))) if biggest else 0


def tables(report: ProgrammeReport) -> list[dict]:
    """Every table of the report: ``key``, ``title``, ``header``, ``rows`` (cells as text,
    first cell the row's label). The page, DOCX and PDF show them; the XLSX writes numbers."""
    out = [
        {
            "key": "headline",
            "title": _("Key figures"),
            "header": [_("Figure"), _("Value")],
            "rows": [[label, value] for _key, label, value in headline(report)],
        }
    ]
    for b in report.breakdowns:
        out.append(
            {
                "key": b.key,
                "title": b.title,
                "header": [b.title, *breakdown_header()],
                "bars": [_bar(r.trained.enrolled, b.max_enrolled) for r in b.rows],
                "rows": [
                    [
                        r.label,
                        str(r.trained.enrolled),
                        str(r.trained.attended),
                        str(r.trained.completed),
                        pct(r.trained.completion_rate),
                        hours(r.trained.hours_attended),
                    ]
                    for r in b.rows
                ],
            }
        )
    out.append(
        {
            "key": "cities",
            "title": _("Sessions held per city"),
            "header": [_("City"), _("Sessions held"), _("Sessions planned"), _("Attendances")],
            "rows": [
                [c.label, str(c.held), str(c.planned), str(c.attended)] for c in report.cities
            ],
            "bars": [
                _bar(c.held, max((x.held for x in report.cities), default=0)) for c in report.cities
            ],
        }
    )
    out.append(
        {
            "key": "sessions",
            "title": _("Sessions"),
            "header": [
                _("Session"),
                _("Dates"),
                _("City"),
                _("Format"),
                _("Hours"),
                _("Expected"),
                _("Attended"),
                _("Held"),
            ],
            "rows": [
                [
                    s.title,
                    s.date,
                    s.city or "—",
                    s.format_label,
                    hours(s.hours),
                    str(s.expected),
                    str(s.attended),
                    yes_no(s.held),
                ]
                for s in report.sessions
            ],
        }
    )
    out.append(
        {
            "key": "surveys",
            "title": _("Surveys"),
            "header": [_("Session"), _("Survey"), _("Responses")],
            "rows": [[s.event_title, s.title, str(s.responses)] for s in report.surveys],
        }
    )
    out.append(
        {
            "key": "before_after",
            "title": _("Before and after (mean, scale 1–5)"),
            "header": [_("Question"), _("Before"), _("After"), _("Change"), _("Respondents")],
            "rows": [
                [
                    ba.text,
                    mean(ba.before_mean),
                    mean(ba.after_mean),
                    change(ba.change),
                    f"{ba.before_respondents} / {ba.after_respondents}",
                ]
                for ba in report.before_after
            ],
        }
    )
    return out


def notes(report: ProgrammeReport) -> list[str]:
    """How each figure is counted, printed at the end of every export."""
    return [
        _("Enrolled: every enrolment that was not withdrawn."),
        _("Attended: present at least once (a check-in, a self check-in or a roster mark)."),
        report.completion_rule,
        _("Completion rate: those who completed divided by those enrolled."),
        _(
            "Hours attended: the hours each participant attended, summed; a late arrival or an "
            "early leave counts the hours present."
        ),
        _(
            "Hours scheduled × participants: the hours of each participant's sessions, summed "
            "over the participants."
        ),
        _("A session is held once its first day has come or check-ins were recorded for it."),
        _(
            "Before and after: the same scale question (or a 'before' and 'after' pair) in the "
            "programme's surveys; 'before' is taken from the earliest survey that asks it, "
            "'after' from the latest."
        ),
        _("Sex is given by the participants themselves."),
    ]


def chart_rows(report: ProgrammeReport) -> dict[str, tuple[str, list[tuple[str, float, str]]]]:
    """The charts of the report: key → (title, [(label, value, value as text)])."""
    out: dict[str, tuple[str, list[tuple[str, float, str]]]] = {}
    for key, title in (
        ("region", _("Enrolled / completed, by region")),
        ("sex", _("Enrolled / completed, by sex")),
        ("role", _("Enrolled / completed, by role")),
    ):
        rows = [
            (r.label, r.trained.enrolled, f"{r.trained.enrolled} / {r.trained.completed}")
            for r in report.breakdown(key).rows[:15]
        ]
        out[key] = (title, rows)
    out["cohort"] = (
        _("Completion rate per cohort"),
        [
            (r.label, (r.trained.completion_rate or 0) * 100, pct(r.trained.completion_rate))
            for r in report.breakdown("cohort").rows[:30]
        ],
    )
    out["cities"] = (
        _("Sessions held per city"),
        [(c.label, c.held, str(c.held)) for c in report.cities],
    )
    before_after = []
    for ba in report.before_after:
        before_after.append(
            (f"{ba.text} — {_('Before')}", ba.before_mean or 0, mean(ba.before_mean))
        )
        before_after.append((f"{ba.text} — {_('After')}", ba.after_mean or 0, mean(ba.after_mean)))
    if before_after:
        out["before_after"] = (_("Before and after (mean, scale 1–5)"), before_after)
    return out


def chart_alt(title: str, rows: list[tuple[str, float, str]]) -> str:
    """A chart's text alternative: its title and every bar's label and number."""
    return f"{title}: " + "; ".join(f"{label}: {text}" for label, _v, text in rows) + "."


# --- DOCX ------------------------------------------------------------------------------


def report_docx(report: ProgrammeReport, *, progress: Progress | None = None) -> bytes:
    """The report as a Word document: cover, key figures, breakdowns with charts, sessions
    per city, before/after, recommendations and notes."""
    # Heavy library (python-docx, STYLE rule 9): only DOCX exports need it.
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    progress = progress or (lambda p: None)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    usable_pt = (A4_MM[0] - 2 * MARGIN_MM) * 72 / 25.4
    title = _("Programme report: %(programme)s") % {"programme": report.title}
    doc.core_properties.title = title
    doc.core_properties.language = report.language
    docx_fonts(doc, font=DOCX_FONT, language=report.language)
    doc.add_heading(title, level=0)
    if report.subtitle:
        doc.add_paragraph(report.subtitle, style="Subtitle")
    doc.add_paragraph(f"{report.kind_label} · {report.dates}")
    doc.add_paragraph(_("Prepared on %(date)s") % {"date": format_date(report.generated_at)})
    for role, name in report.organisers:
        doc.add_paragraph(f"{role}: {name}")
    blocks = html_blocks(report.objectives)
    if blocks:
        doc.add_heading(_("Key objectives"), level=1)
        for kind, text in blocks:
            doc.add_paragraph(text, style="List Bullet" if kind == "li" else None)

    def table(header: list[str], rows: list[list]) -> None:
        if not rows:
            doc.add_paragraph(_("No data"))
            return
        widths, header_pt, body_pt = table_layout(header, rows, usable_pt=usable_pt)
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Light Grid Accent 1"
        t.autofit = False
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(header_pt)
        for row in rows:
            for cell, value in zip(t.add_row().cells, row, strict=True):
                cell.text = str(value)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(body_pt)
        for column, width in zip(t.columns, widths, strict=True):
            column.width = Pt(width)
            for cell in column.cells:
                cell.width = Pt(width)

    charts = chart_rows(report)
    progress(20)

    def picture(key: str) -> None:
        if key not in charts or not charts[key][1]:
            return
        chart_title, rows = charts[key]
        shape = doc.add_picture(io.BytesIO(chart_png(chart_title, rows)), width=Cm(16))
        # The picture's alternative text (Word's "Alt Text"): screen readers read the numbers.
        shape._inline.docPr.set("descr", chart_alt(chart_title, rows))
        shape._inline.docPr.set("title", chart_title)

    all_tables = tables(report)
    for spec in all_tables:
        level = 1 if spec["key"] in ("headline", "cities", "sessions", "surveys") else 2
        if spec["key"] == "region":
            doc.add_heading(_("Trained people"), level=1)
        if spec["key"] == "before_after":
            doc.add_heading(spec["title"], level=2)
        else:
            doc.add_heading(spec["title"], level=level)
        table(spec["header"], spec["rows"])
        picture(spec["key"])
    progress(70)

    doc.add_heading(_("Recommendations"), level=1)
    if not report.recommendations:
        doc.add_paragraph(_("No recommendations have been written yet."))
    for rec in report.recommendations:
        paragraph = doc.add_paragraph(rec.text, style="List Number")
        source = rec.event_title + (f", {rec.session}" if rec.session else "")
        paragraph.add_run(f" ({source})").italic = True
    doc.add_heading(_("Notes"), level=1)
    for line in notes(report):
        doc.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    progress(100)
    return out.getvalue()


# --- XLSX ------------------------------------------------------------------------------


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def report_xlsx(report: ProgrammeReport, *, progress: Progress | None = None) -> bytes:
    """The data annex: one named sheet per breakdown and table, numbers as numbers, shares as
    fractions in a percent format, text never a formula (``registration.spreadsheets``)."""
    # Heavy library (openpyxl, STYLE rule 9): only XLSX exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    progress = progress or (lambda p: None)
    workbook = Workbook(write_only=True)
    workbook.properties.title = _("Programme report: %(programme)s") % {"programme": report.title}
    workbook.properties.language = report.language
    used: set[str] = set()

    def sheet(title: str, header: list[str], rows: list[list], percent: tuple[int, ...] = ()):
        rows = [[_number(v) for v in row] for row in rows]

        def cells():
            worksheet = workbook.worksheets[-1]  # ``xlsx_add_sheet`` made it just now
            for row in rows:
                out = list(row)
                for i in percent:
                    if isinstance(out[i], float):
                        cell = WriteOnlyCell(worksheet, value=round(out[i], 4))
                        cell.number_format = "0%"
                        out[i] = cell
                yield out

        widths = column_widths(header, rows)
        xlsx_add_sheet(workbook, XlsxSheet(title, header, cells(), widths=widths), used)

    t = report.totals
    sheet(
        _("Key figures"),
        [_("Figure"), _("Value")],
        [
            [_("Programme"), report.title],
            [_("Dates"), report.dates],
            [pgettext("programme report", "Enrolled"), t.enrolled],
            [_("Attended at least one session"), t.attended],
            [pgettext("programme report", "Completed"), t.completed],
            [_("Completion rate"), t.completion_rate],
            [_("Hours attended (all participants)"), t.hours_attended],
            [_("Hours scheduled × participants"), t.hours_planned],
            [_("Sessions held"), report.sessions_held],
            [_("Sessions planned"), len(report.sessions)],
            [_("Hours of training delivered"), report.hours_delivered],
            [_("Survey responses"), report.survey_responses],
            [_("Withdrawn"), report.withdrawn],
        ],
        percent=(1,),
    )
    for b in report.breakdowns:
        sheet(
            b.title,
            [b.title, *breakdown_header(), _("Hours scheduled × participants")],
            [
                [
                    r.label,
                    r.trained.enrolled,
                    r.trained.attended,
                    r.trained.completed,
                    r.trained.completion_rate,
                    r.trained.hours_attended,
                    r.trained.hours_planned,
                ]
                for r in b.rows
            ],
            percent=(4,),
        )
    progress(50)
    sheet(
        _("Sessions held per city"),
        [_("City"), _("Sessions held"), _("Sessions planned"), _("Attendances")],
        [[c.label, c.held, c.planned, c.attended] for c in report.cities],
    )
    sheet(
        _("Sessions"),
        [
            _("Session"),
            _("First day"),
            _("City"),
            _("Format"),
            _("Hours"),
            _("Expected"),
            _("Attended"),
            _("Held"),
        ],
        [
            [
                s.title,
                s.start_date,
                s.city,
                s.format_label,
                s.hours,
                s.expected,
                s.attended,
                yes_no(s.held),
            ]
            for s in report.sessions
        ],
    )
    sheet(
        _("Surveys"),
        [_("Session"), _("Survey"), _("Responses")],
        [[s.event_title, s.title, s.responses] for s in report.surveys],
    )
    sheet(
        _("Before and after"),
        [
            _("Question"),
            _("Before"),
            _("After"),
            _("Change"),
            _("Respondents before"),
            _("Respondents after"),
            _("Asked before at"),
            _("Asked after at"),
        ],
        [
            [
                ba.text,
                ba.before_mean,
                ba.after_mean,
                ba.change,
                ba.before_respondents,
                ba.after_respondents,
                ba.before_event,
                ba.after_event,
            ]
            for ba in report.before_after
        ],
    )
    sheet(
        _("Recommendations"),
        ["#", _("Recommendation"), _("Session")],
        [
            [r.number, r.text, r.event_title + (f", {r.session}" if r.session else "")]
            for r in report.recommendations
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    progress(100)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------


def report_context(report: ProgrammeReport) -> dict:
    """What the HTML templates (admin page and PDF) need beyond the report itself."""
    charts = chart_rows(report)
    return {
        "report": report,
        "tables": [
            {
                **t,
                "lines": list(
                    zip(t["rows"], t.get("bars") or [None] * len(t["rows"]), strict=True)
                ),
            }
            for t in tables(report)
        ],
        "notes": notes(report),
        "headline": headline(report),
        "chart_alts": {key: chart_alt(title, rows) for key, (title, rows) in charts.items()},
        "generated_on": format_date(report.generated_at),
    }


def report_pdf(report: ProgrammeReport, *, progress: Progress | None = None) -> bytes:
    """The report as PDF, rendered by WeasyPrint from the same HTML as the admin page."""
    # Heavy library (WeasyPrint, STYLE rule 9): only PDF exports need it.
    from weasyprint import CSS, HTML

    progress = progress or (lambda p: None)
    html = render_to_string("programmes/report/pdf.html", report_context(report))
    progress(40)
    css = CSS(filename=finders.find("css/report.css"))
    data = HTML(string=html).write_pdf(stylesheets=[css])
    progress(100)
    return data
