"""The report's files: DOCX (python-docx), XLSX data annex (openpyxl), PDF (WeasyPrint).

Each writer takes a ``Report`` from ``registration.reports.selectors.report_build`` and returns
bytes; call it inside ``translation.override(language)`` (``report_export_file`` does). Charts
in the DOCX are PNG bar charts drawn with Pillow (already installed for QR codes) rather than
matplotlib, which would add ~40 MB for a few bars; the PDF and the admin page draw the same bars
as inline SVG next to the numbers, so the numbers stay text. Heavy libraries are imported inside
the function that uses them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from registration.reports.selectors import Report, Split
from registration.spreadsheets import xlsx_cells

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BRAND = (11, 79, 138)
INK = (27, 31, 36)
Progress = Callable[[int], None]


def pct(value: float | None) -> str:
    """A share as a whole percentage (``37%``), or a dash when it cannot be computed."""
    if value is None:
        return "—"
    return f"{formats.number_format(round(value * 100), 0)}%"


def mean(value: float | None) -> str:
    return "—" if value is None else formats.number_format(value, 1)


def change(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{formats.number_format(value, 1)}"


def split_headers() -> list[str]:
    return [_("Total"), _("Women"), _("Men"), _("Not disclosed"), _("Share of women")]


def split_cells(split: Split) -> list:
    return [split.total, split.women, split.men, split.undisclosed, pct(split.women_share)]


def notes() -> list[str]:
    """How each figure is counted, printed at the end of every export."""
    return [
        _("Registered: every registration whose e-mail address was confirmed."),
        _("Attended: checked in on at least one day of the event."),
        _("No-shows: confirmed participants who never checked in."),
        _(
            "Survey response rate: responses divided by the participants who attended (or by "
            "those confirmed, when no check-ins were recorded)."
        ),
        _(
            "Sex is given by the participants themselves; “Not disclosed” counts those who chose "
            "not to say."
        ),
    ]


def tables(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the report as (title, header, rows): the DOCX, XLSX and PDF share them."""
    out = [
        (
            _("Participation"),
            [_("Stage"), *split_headers()],
            [[s.label, *split_cells(s.split)] for s in report.stages]
            + [[_("No-shows"), *split_cells(report.no_shows)]],
        ),
        (
            _("Attendance per day"),
            [_("Day"), pgettext("report", "Attended"), _("Women"), _("Share of confirmed")],
            [
                [d.label, d.attended.total, d.attended.women, pct(d.share_of_confirmed)]
                for d in report.attendance
            ],
        ),
    ]
    for breakdown in report.breakdowns:
        out.append(
            (
                breakdown.title,
                [
                    "",
                    pgettext("report", "Registered"),
                    pgettext("report", "Confirmed"),
                    pgettext("report", "Attended"),
                    _("Women attended"),
                    _("Share of women attending"),
                ],
                [
                    [
                        row.label,
                        row.registered.total,
                        row.confirmed.total,
                        row.attended.total,
                        row.attended.women,
                        pct(row.attended.women_share),
                    ]
                    for row in breakdown.rows
                ],
            )
        )
    return out


def survey_summary(report: Report) -> str:
    survey = report.survey
    if survey is None:
        return _("No survey was held.")
    return ngettext(
        "%(responses)s response from %(audience)s participants (response rate %(rate)s).",
        "%(responses)s responses from %(audience)s participants (response rate %(rate)s).",
        survey.responses,
    ) % {
        "responses": survey.responses,
        "audience": survey.audience,
        "rate": pct(survey.response_rate),
    }


def respondent_name(name: str | None) -> str:
    return name or _("Anonymous")


# --- Charts (PNG) ------------------------------------------------------------------------


def _font(size: int, *, bold: bool = False):
    # Heavy library (Pillow, STYLE rule 9): only charts in exports draw images.
    from PIL import ImageFont

    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def chart_png(title: str, rows: list[tuple[str, float, str]]) -> bytes:
    """A horizontal bar chart: one bar per (label, value, value as text), with the text shown."""
    # Heavy library (Pillow, STYLE rule 9): only charts in exports draw images.
    from PIL import Image, ImageDraw

    scale = 2  # drawn at twice the size so it prints sharply at 16 cm
    label_font, title_font = _font(13 * scale), _font(15 * scale, bold=True)
    row_h, top, left_pad = 28 * scale, 40 * scale, 10 * scale
    width = 800 * scale
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_w = max((probe.textlength(label, font=label_font) for label, _v, _t in rows), default=0)
    label_w = min(int(label_w) + 2 * left_pad, width // 2)
    height = top + row_h * max(len(rows), 1) + 10 * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left_pad, 8 * scale), title, fill=INK, font=title_font)
    biggest = max((value for _l, value, _t in rows), default=0) or 1
    bar_space = width - label_w - 80 * scale
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        shown = label
        while probe.textlength(shown, font=label_font) > label_w - 2 * left_pad and len(shown) > 4:
            shown = shown[:-2] + "…"
        draw.text((left_pad, y + 4 * scale), shown, fill=INK, font=label_font)
        bar = int(bar_space * value / biggest)
        draw.rectangle(
            [label_w, y + 4 * scale, label_w + max(bar, 1), y + row_h - 6 * scale], fill=BRAND
        )
        draw.text((label_w + bar + 6 * scale, y + 4 * scale), text, fill=INK, font=label_font)
    if not rows:
        draw.text((left_pad, top), _("No data"), fill=INK, font=label_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def charts(report: Report) -> dict[str, bytes]:
    """The charts the DOCX shows, by section."""
    stages = [(s.label, s.split.total, str(s.split.total)) for s in report.stages]
    women = [
        (s.label, (s.split.women_share or 0) * 100, pct(s.split.women_share)) for s in report.stages
    ]
    days = [(d.label, d.attended.total, str(d.attended.total)) for d in report.attendance]
    country = next(b for b in report.breakdowns if b.key == "country")
    countries = [(r.label, r.attended.total, str(r.attended.total)) for r in country.rows[:15]]
    out = {
        "stages": chart_png(_("Participants at each stage"), stages),
        "women": chart_png(_("Share of women at each stage"), women),
        "days": chart_png(_("Attendance per day"), days),
        "country": chart_png(_("Attended, by country"), countries),
    }
    if report.survey:
        for q in report.survey.questions:
            if q.distribution:
                out[f"q{q.id}"] = chart_png(
                    _("Question %(number)s") % {"number": q.number},
                    [(c.label, c.count, str(c.count)) for c in q.distribution],
                )
    return out


# --- DOCX ------------------------------------------------------------------------------


def report_docx(report: Report, *, progress: Progress | None = None) -> bytes:
    """The report as a Word document a donor can receive after light editing."""
    # Heavy library (python-docx, STYLE rule 9): only DOCX exports need it.
    from docx import Document
    from docx.shared import Cm

    progress = progress or (lambda p: None)
    doc = Document()
    doc.core_properties.title = _("Report: %(event)s") % {"event": report.title}
    doc.core_properties.language = report.language
    doc.add_heading(_("Report: %(event)s") % {"event": report.title}, level=0)
    doc.add_paragraph(" · ".join(part for part in (report.dates, report.place) if part))
    images = charts(report)
    progress(40)

    def picture(key: str) -> None:
        if key in images:
            doc.add_picture(io.BytesIO(images[key]), width=Cm(16))

    def table(header: list[str], rows: list[list]) -> None:
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Light Grid Accent 1"
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)

    all_tables = tables(report)
    doc.add_heading(all_tables[0][0], level=1)
    table(all_tables[0][1], all_tables[0][2])
    picture("stages")
    picture("women")
    doc.add_heading(all_tables[1][0], level=1)
    table(all_tables[1][1], all_tables[1][2])
    picture("days")
    doc.add_heading(_("Participants"), level=1)
    for title, header, rows in all_tables[2:]:
        doc.add_heading(title, level=2)
        table(header, rows)
        if title == report.breakdowns[0].title:
            picture("country")
    progress(60)

    doc.add_heading(_("Follow-up survey"), level=1)
    doc.add_paragraph(survey_summary(report))
    survey = report.survey
    if survey:
        if survey.anonymous:
            doc.add_paragraph(_("The survey was anonymous."))
        if survey.pre_post:
            doc.add_heading(_("Self-assessment before and after the training"), level=2)
            table(*pre_post_table(report))
        for q in survey.questions:
            doc.add_heading(f"{q.number}. {q.text}", level=2)
            doc.add_paragraph(question_line(q))
            if q.distribution:
                table(
                    [_("Answer"), _("Count"), _("Share")],
                    [[c.label, c.count, pct(c.share)] for c in q.distribution],
                )
                picture(f"q{q.id}")
            for answer in q.open_answers:
                text = answer.text if answer.name is None else f"{answer.name}: {answer.text}"
                doc.add_paragraph(text, style="List Bullet")
    progress(80)

    doc.add_heading(_("Recommendations"), level=1)
    if not report.recommendations:
        doc.add_paragraph(_("No recommendations have been written yet."))
    for rec in report.recommendations:
        paragraph = doc.add_paragraph(rec.text, style="List Number")
        if rec.session:
            paragraph.add_run(f" ({_('Session')}: {rec.session})").italic = True

    doc.add_heading(_("Notes"), level=1)
    for line in notes():
        doc.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    progress(100)
    return out.getvalue()


def question_line(q) -> str:
    text = ngettext("%(count)s respondent", "%(count)s respondents", q.respondents) % {
        "count": q.respondents
    }
    if q.mean is not None:
        text += " · " + _("mean %(mean)s on a scale from 1 to 5") % {"mean": mean(q.mean)}
    return text


def pre_post_table(report: Report) -> tuple[list[str], list[list]]:
    header = [_("Self-assessment"), _("Before"), _("After"), _("Change")]
    rows = [
        [p.post_text, mean(p.pre_mean), mean(p.post_mean), change(p.change)]
        for p in report.survey.pre_post
    ]
    return header, rows


# --- XLSX ------------------------------------------------------------------------------


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, i = clean, 2
    while name in used:
        suffix = f" ({i})"
        name, i = clean[: 31 - len(suffix)] + suffix, i + 1
    used.add(name)
    return name


def report_xlsx(report: Report, *, progress: Progress | None = None) -> bytes:
    """The data annex: one sheet per table, numbers as numbers, shares as percentages."""
    # Heavy library (openpyxl, STYLE rule 9): only XLSX exports need it.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    progress = progress or (lambda p: None)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list]) -> None:
        ws = wb.create_sheet(_sheet_title(title, used))
        ws.append(xlsx_cells(ws, [str(h) for h in header]))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            # Answers and names are text, never formulas (``registration.spreadsheets``).
            ws.append(xlsx_cells(ws, [_xlsx_value(v) for v in row]))
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(str(h)) + 4))
        ws.column_dimensions["A"].width = 40
        ws.freeze_panes = "A2"

    # Shares are written as fractions with a percent format, so sums and charts work in Excel.
    summary_rows = [
        [
            s.label,
            s.split.total,
            s.split.women,
            s.split.men,
            s.split.undisclosed,
            _frac(s.split.women_share),
        ]
        for s in report.stages
    ]
    summary_rows.append(
        [
            _("No-shows"),
            report.no_shows.total,
            report.no_shows.women,
            report.no_shows.men,
            report.no_shows.undisclosed,
            _frac(report.no_shows.women_share),
        ]
    )
    sheet(_("Participation"), [_("Stage"), *split_headers()], summary_rows)
    sheet(
        _("Attendance per day"),
        [
            _("Day"),
            _("Date"),
            pgettext("report", "Attended"),
            _("Women"),
            _("Men"),
            _("Not disclosed"),
            _("Share of confirmed"),
        ],
        [
            [
                d.label,
                d.day,
                d.attended.total,
                d.attended.women,
                d.attended.men,
                d.attended.undisclosed,
                _frac(d.share_of_confirmed),
            ]
            for d in report.attendance
        ],
    )
    for breakdown in report.breakdowns:
        sheet(
            breakdown.title,
            [
                "",
                pgettext("report", "Registered"),
                _("Women registered"),
                pgettext("report", "Confirmed"),
                _("Women confirmed"),
                pgettext("report", "Attended"),
                _("Women attended"),
            ],
            [
                [
                    r.label,
                    r.registered.total,
                    r.registered.women,
                    r.confirmed.total,
                    r.confirmed.women,
                    r.attended.total,
                    r.attended.women,
                ]
                for r in breakdown.rows
            ],
        )
    progress(50)
    survey = report.survey
    if survey:
        sheet(
            _("Survey"),
            [_("Question"), _("Answer"), _("Count"), _("Share"), _("Respondents"), _("Mean")],
            [
                [f"{q.number}. {q.text}", c.label, c.count, _frac(c.share), q.respondents, q.mean]
                for q in survey.questions
                for c in q.distribution
            ]
            + [
                [f"{q.number}. {q.text}", "", None, None, q.respondents, None]
                for q in survey.questions
                if not q.distribution
            ],
        )
        sheet(
            _("Before and after"),
            [_("Self-assessment"), _("Before"), _("After"), _("Change")],
            [[p.post_text, p.pre_mean, p.post_mean, p.change] for p in survey.pre_post],
        )
        sheet(
            _("Open answers"),
            [_("Question"), _("Answer"), _("Language"), _("Participant")],
            [
                [f"{q.number}. {q.text}", a.text, a.language, respondent_name(a.name)]
                for q in survey.questions
                for a in q.open_answers
            ],
        )
    sheet(
        _("Recommendations"),
        ["#", _("Recommendation"), _("Session")],
        [[r.order, r.text, r.session] for r in report.recommendations],
    )
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float) and ws.cell(1, cell.column).value in (
                    str(_("Share of women")),
                    str(_("Share of confirmed")),
                    str(_("Share")),
                ):
                    cell.number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    progress(100)
    return out.getvalue()


def _frac(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _xlsx_value(value):
    if value is None or isinstance(value, int | float):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)


# --- PDF -------------------------------------------------------------------------------


def report_pdf(report: Report, *, progress: Progress | None = None) -> bytes:
    """The report as PDF, rendered by WeasyPrint from the same HTML as the admin page."""
    # Heavy library (WeasyPrint, STYLE rule 9): only PDF exports need it.
    from weasyprint import CSS, HTML

    progress = progress or (lambda p: None)
    html = render_to_string(
        "registration/report/pdf.html",
        {"report": report, "tables": tables(report), "notes": notes(), **report_context(report)},
    )
    progress(40)
    css = CSS(filename=finders.find("css/report.css"))
    data = HTML(string=html).write_pdf(stylesheets=[css])
    progress(100)
    return data


def report_context(report: Report) -> dict:
    """What the HTML templates (admin page and PDF) need beyond the report itself."""
    return {
        "survey_summary": survey_summary(report),
        "pre_post": pre_post_table(report) if report.survey and report.survey.pre_post else None,
        "max_stage": max((s.split.total for s in report.stages), default=0),
        "max_day": max((d.attended.total for d in report.attendance), default=0),
    }
