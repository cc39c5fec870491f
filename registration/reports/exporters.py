"""The report's files: DOCX (python-docx), XLSX data annex (openpyxl), PDF (WeasyPrint).

Each writer takes a ``Report`` from ``registration.reports.selectors.report_build`` and returns
bytes; call it inside ``translation.override(language)`` (``report_export_file`` does). Charts
in the DOCX are PNG bar charts drawn with Pillow (already installed for QR codes) rather than
matplotlib, which would add ~40 MB for a few bars; the PDF and the admin page draw the same bars
as inline SVG next to the numbers, so the numbers stay text. Heavy libraries are imported inside
the function that uses them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from registration.reports.selectors import Report, Split, date_text
from registration.spreadsheets import XlsxSheet, column_widths, xlsx_add_sheet

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
#: The font the DOCX names for all its text. Arial is on every Windows and Mac computer, and
#: LibreOffice sets it in Liberation Sans, drawn to Arial's widths; so column widths measured
#: with Liberation Sans are the widths every reader sees. Where Liberation Sans is missing,
#: they are measured with DejaVu Sans, which is wider: columns come out wider, never narrower.
DOCX_FONT = "Arial"
DOCX_METRIC_FONTS = {
    False: (
        Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        FONT_DIR / "DejaVuSans.ttf",
    ),
    True: (
        Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
        FONT_DIR / "DejaVuSans-Bold.ttf",
    ),
}
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
    out += nomination_tables(report)
    return out


def nomination_target_line(report: Report) -> str:
    """The event's gender-balance target as a sentence ("" without one)."""
    stages = report.nominations
    if stages is None or stages.target is None:
        return ""
    return _("Gender-balance target: %(target)s%% women") % {"target": stages.target}


def nomination_tables(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """The nomination stages (events with delegations only): by sex, then by delegation."""
    stages = report.nominations
    if stages is None:
        return []
    by_stage = [[s.label, *split_cells(s.split)] for s in stages.stages]
    if stages.target is not None:
        by_stage.append([_("Gender-balance target"), "", "", "", "", f"{stages.target}%"])
    labels = [s.label for s in stages.stages]
    return [
        (_("Nomination stages"), [_("Stage"), *split_headers()], by_stage),
        (
            _("Nominations by delegation"),
            [
                _("Delegation"),
                *(
                    item
                    for label in labels
                    for item in (label, _("Share of women: %(stage)s") % {"stage": label})
                ),
            ],
            [
                [
                    row.label,
                    *(
                        item
                        for split in (row.nominated, row.approved, row.registered, row.attended)
                        for item in (split.total, pct(split.women_share))
                    ),
                ]
                for row in stages.rows
            ],
        ),
    ]


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


def wrap_words(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces only: a word is never cut
    or shortened (a word wider than ``width`` has a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and measure(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines or [""]


def chart_png(title: str, rows: list[tuple[str, float, str]]) -> bytes:
    """A horizontal bar chart: one bar per (label, value, value as text), with the text shown.

    Labels and the title wrap at spaces, never cut: the label column is as wide as the
    longest label up to 40% of the chart (and never narrower than its longest word), and a
    row grows by a line for each line its label needs.
    """
    # Heavy library (Pillow, STYLE rule 9): only charts in exports draw images.
    from PIL import Image, ImageDraw

    scale = 2  # drawn at twice the size so it prints sharply at 16 cm
    label_font, title_font = _font(13 * scale), _font(15 * scale, bold=True)
    line_h, bar_h, top_pad, left_pad = 18 * scale, 16 * scale, 10 * scale, 10 * scale
    width = 800 * scale
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def measure(text: str) -> float:
        return probe.textlength(text, font=label_font)

    widest = max((measure(label) for label, _v, _t in rows), default=0)
    longest_word = max(
        (measure(word) for label, _v, _t in rows for word in label.split()), default=0
    )
    text_w = min(max(widest, 1), width * 0.4)
    text_w = max(text_w, min(longest_word, width * 0.6))
    label_w = int(text_w) + 2 * left_pad
    labels = [wrap_words(label, text_w, measure) for label, _v, _t in rows]
    title_lines = wrap_words(
        title, width - 2 * left_pad, lambda t: probe.textlength(t, font=title_font)
    )
    top = top_pad + len(title_lines) * 20 * scale + 10 * scale
    heights = [max(len(lines) * line_h, bar_h) + 12 * scale for lines in labels]
    height = top + (sum(heights) if rows else line_h) + 10 * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(title_lines):
        draw.text((left_pad, top_pad + i * 20 * scale), line, fill=INK, font=title_font)
    biggest = max((value for _l, value, _t in rows), default=0) or 1
    bar_space = width - label_w - 80 * scale
    y = top
    for (_label, value, text), lines, row_h in zip(rows, labels, heights, strict=True):
        for j, line in enumerate(lines):
            draw.text((left_pad, y + 4 * scale + j * line_h), line, fill=INK, font=label_font)
        bar = int(bar_space * value / biggest)
        draw.rectangle(
            [label_w, y + 4 * scale, label_w + max(bar, 1), y + 4 * scale + bar_h], fill=BRAND
        )
        draw.text((label_w + bar + 6 * scale, y + 4 * scale), text, fill=INK, font=label_font)
        y += row_h
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


#: A4 in millimetres, and the DOCX margins: 170 mm of text width.
A4_MM = (210, 297)
MARGIN_MM = 20
#: Point sizes of table text in the DOCX; headings start smaller and shrink further (to
#: ``HEADER_PT_MIN``) until every column holds its longest word on one line.
BODY_PT, BODY_PT_MIN, HEADER_PT, HEADER_PT_MIN = 9.0, 7.5, 8.5, 6.5
#: What a cell takes besides its text, in points: the table style's cell margins (108
#: twentieths of a point each side), its 1-point inner border, and a point to spare.
CELL_PAD_PT = 2 * 5.4 + 1.0 + 1.0


def docx_metric_font(*, bold: bool = False) -> Path:
    """The font file whose widths stand for ``DOCX_FONT`` (see there)."""
    for path in DOCX_METRIC_FONTS[bold]:
        if path.exists():
            return path
    raise FileNotFoundError("no font to measure the DOCX tables with (install fonts-dejavu)")


@functools.lru_cache(maxsize=4)
def _advances(path: Path) -> tuple[dict[int, int], int, int]:
    """(code point → advance width, the missing glyph's advance, units per em) of a font."""
    # Heavy library (fontTools, which WeasyPrint brings; STYLE rule 9): only DOCX exports.
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, metrics[font.getGlyphOrder()[0]][0], font["head"].unitsPerEm


def _text_width_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    """How wide ``text`` is set in ``DOCX_FONT`` at ``size_pt``: the sum of its characters'
    advance widths in the font's own metrics (no kerning, which Word leaves off by default)."""
    widths, missing, units = _advances(docx_metric_font(bold=bold))
    return sum(widths.get(ord(ch), missing) for ch in str(text)) * size_pt / units


def _longest_word_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    return max((_text_width_pt(w, size_pt, bold=bold) for w in str(text).split()), default=0)


def table_layout(
    header: list[str], rows: list[list], *, usable_pt: float
) -> tuple[list[float], float, float]:
    """Column widths (points), the heading size and the cell size for one DOCX table.

    Every column is at least as wide as its longest word (heading or cell), so Word breaks
    lines at spaces only and never inside a word; the rest of the width goes first to columns
    whose cells would otherwise wrap, then to the first (label) column. When the longest words
    alone do not fit, the heading size steps down to ``HEADER_PT_MIN``, then the cell size to
    ``BODY_PT_MIN``.
    """
    columns = list(zip(header, *rows, strict=True))

    def minimum_at(header_pt: float, body_pt: float) -> list[float]:
        # The table style sets the heading row and the first column in bold.
        return [
            max(
                _longest_word_pt(col[0], header_pt, bold=True),
                *(_longest_word_pt(v, body_pt, bold=i == 0) for v in col[1:]),
                0,
            )
            + CELL_PAD_PT
            for i, col in enumerate(columns)
        ]

    header_pt, body_pt = HEADER_PT, BODY_PT
    minimum = minimum_at(header_pt, body_pt)
    while sum(minimum) > usable_pt and body_pt > BODY_PT_MIN:
        if header_pt > HEADER_PT_MIN:
            header_pt -= 0.5
        else:
            body_pt -= 0.5
        minimum = minimum_at(header_pt, body_pt)
    natural = [
        max(m, *(_text_width_pt(str(v), body_pt, bold=i == 0) + CELL_PAD_PT for v in col[1:]), 0)
        for i, (m, col) in enumerate(zip(minimum, columns, strict=True))
    ]
    spare = usable_pt - sum(minimum)
    widths = list(minimum)
    wanted = sum(n - m for n, m in zip(natural, minimum, strict=True))
    if spare > 0 and wanted > 0:
        give = min(spare, wanted)
        widths = [m + give * (n - m) / wanted for n, m in zip(natural, minimum, strict=True)]
        spare -= give
    if spare > 0:
        widths[0] += spare
    return widths, header_pt, body_pt


def html_blocks(html: str) -> list[tuple[str, str]]:
    """Rich text as (kind, text) blocks for the DOCX: ``p``, ``li`` or ``h`` (a heading)."""

    class Blocks(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.blocks: list[tuple[str, str]] = []
            self.kind, self.parts = "p", []

        def flush(self) -> None:
            text = " ".join("".join(self.parts).split())
            if text:
                self.blocks.append((self.kind, text))
            self.kind, self.parts = "p", []

        def handle_starttag(self, tag, attrs) -> None:
            if tag in ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote"):
                self.flush()
                self.kind = "li" if tag == "li" else "h" if tag.startswith("h") else "p"
            elif tag == "br":
                self.parts.append(" ")

        def handle_endtag(self, tag) -> None:
            if tag in ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol"):
                self.flush()

        def handle_data(self, data) -> None:
            self.parts.append(data)

    parser = Blocks()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return parser.blocks


def cover_lines(report: Report) -> list[str]:
    """The organisers by role and the fields of work, a line each ("Co-organiser: …")."""
    lines = [f"{group.role}: {', '.join(group.names)}" for group in report.organisers]
    if report.fields_of_work:
        lines.append(f"{_('Fields of work')}: {', '.join(report.fields_of_work)}")
    return lines


def docx_fonts(doc, *, font: str, language: str) -> None:
    """Name ``font`` for every text of ``doc`` (body, headings, tables) instead of the
    template's theme fonts, so the widths ``table_layout`` measures are the ones set, and
    make ``language`` the document's language (spelling, hyphenation)."""
    # Heavy library (python-docx, STYLE rule 9): only DOCX exports need it.
    from docx.oxml.ns import qn

    styles = doc.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), font)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)


def run_language(run, language: str | None) -> None:
    """Mark a DOCX run as written in ``language`` (a text that falls back to the source
    page's); nothing when ``language`` is empty."""
    if not language:
        return
    # Heavy library (python-docx, STYLE rule 9): only DOCX exports need it.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    run._r.get_or_add_rPr().append(lang)


def report_docx(report: Report, *, progress: Progress | None = None) -> bytes:
    """The report as a Word document a donor can receive after light editing: A4, a cover
    with the event's objectives, tables whose columns fit their words, charts as PNG."""
    # Heavy library (python-docx, STYLE rule 9): only DOCX exports need it.
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Mm, Pt

    progress = progress or (lambda p: None)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    usable_pt = (A4_MM[0] - 2 * MARGIN_MM) * 72 / 25.4
    doc.core_properties.title = _("Report: %(event)s") % {"event": report.title}
    doc.core_properties.language = report.language
    docx_fonts(doc, font=DOCX_FONT, language=report.language)
    fallback = report.fallback_languages
    before, _placeholder, after = _("Report: %(event)s").partition("%(event)s")
    heading = doc.add_heading(before, level=0)
    run_language(heading.add_run(report.title), fallback.get("title"))
    heading.add_run(after)
    if report.subtitle:
        subtitle = doc.add_paragraph(style="Subtitle")
        run_language(subtitle.add_run(report.subtitle), fallback.get("subtitle"))
    facts = doc.add_paragraph(report.dates)
    if report.place:
        facts.add_run(" · ")
        run_language(facts.add_run(report.place), fallback.get("place"))
    doc.add_paragraph(_("Prepared on %(date)s") % {"date": date_text(report.generated_at)})
    for line in cover_lines(report):
        doc.add_paragraph(line)
    doc.add_heading(_("Key objectives"), level=1)
    blocks = html_blocks(report.objectives)
    if not blocks:
        doc.add_paragraph(_("The event's concept note gives no objectives."))
    for kind, text in blocks:
        if kind == "li":
            paragraph = doc.add_paragraph(text, style="List Bullet")
        elif kind == "h":
            paragraph = doc.add_heading(text, level=2)
        else:
            paragraph = doc.add_paragraph(text)
        for run in paragraph.runs:
            run_language(run, fallback.get("objectives"))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    images = charts(report)
    progress(40)

    def picture(key: str) -> None:
        if key in images:
            doc.add_picture(io.BytesIO(images[key]), width=Cm(16))

    def table(header: list[str], rows: list[list]) -> None:
        widths, header_pt, body_pt = table_layout(header, rows, usable_pt=usable_pt)
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Light Grid Accent 1"
        t.autofit = False  # a fixed layout: Word and LibreOffice keep the widths below
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(header_pt)
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(body_pt)
        for column, width in zip(t.columns, widths, strict=True):
            column.width = Pt(width)
            for cell in column.cells:
                cell.width = Pt(width)

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


def _percent_headers() -> set[str]:
    """Headers of the columns of shares, written as fractions in a percent format so that
    sums and charts work in Excel."""
    return {str(_("Share of women")), str(_("Share of confirmed")), str(_("Share"))}


def report_xlsx(report: Report, *, progress: Progress | None = None) -> bytes:
    """The data annex: one named sheet per table (frozen bold header, column widths: the
    shared ``registration.spreadsheets.xlsx_workbook``), numbers as numbers, shares as
    percentages, text never a formula."""
    # Heavy library (openpyxl, STYLE rule 9): only XLSX exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    progress = progress or (lambda p: None)
    workbook = Workbook(write_only=True)
    workbook.properties.title = _("Report: %(event)s") % {"event": report.title}
    workbook.properties.language = report.language
    used: set[str] = set()
    percent = _percent_headers()

    def sheet(title: str, header: list[str], rows: list[list]) -> None:
        shares = {i for i, h in enumerate(header) if str(h) in percent}

        def cells():
            # Run by ``xlsx_add_sheet`` after it made the sheet: the newest one is this one.
            worksheet = workbook.worksheets[-1]
            for row in rows:
                out = []
                for i, value in enumerate(row):
                    value = _xlsx_value(value)
                    if i in shares and isinstance(value, float):
                        value = WriteOnlyCell(worksheet, value=value)
                        value.number_format = "0%"
                    out.append(value)
                yield out

        widths = column_widths(header, [[_xlsx_value(v) for v in row] for row in rows])
        widths[0] = max(widths[0], 40.0) if widths else 40.0
        xlsx_add_sheet(workbook, XlsxSheet(title, header, cells(), widths=widths), used)

    about = [
        [_("Subtitle"), report.subtitle],
        [_("Dates"), report.dates],
        [_("Place"), report.place],
        *([group.role, ", ".join(group.names)] for group in report.organisers),
        [_("Fields of work"), ", ".join(report.fields_of_work)],
        [_("Key objectives"), "\n".join(text for _kind, text in html_blocks(report.objectives))],
    ]
    prepared = [_("Prepared on %(date)s") % {"date": date_text(report.generated_at)}, ""]
    sheet(_("Event"), [_("Event"), report.title], [*(row for row in about if row[1]), prepared])
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
    nominations = report.nominations
    if nominations is not None:
        (stage_title, stage_header, _rows), (by_title, by_header, _rows) = nomination_tables(report)
        percent.update(str(h) for h in by_header[2::2])
        sheet(
            stage_title,
            stage_header,
            [
                [
                    s.label,
                    s.split.total,
                    s.split.women,
                    s.split.men,
                    s.split.undisclosed,
                    _frac(s.split.women_share),
                ]
                for s in nominations.stages
            ]
            + (
                [[_("Gender-balance target"), None, None, None, None, nominations.target / 100]]
                if nominations.target is not None
                else []
            ),
        )
        sheet(
            by_title,
            by_header,
            [
                [
                    row.label,
                    *(
                        item
                        for split in (row.nominated, row.approved, row.registered, row.attended)
                        for item in (split.total, _frac(split.women_share))
                    ),
                ]
                for row in nominations.rows
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
    out = io.BytesIO()
    workbook.save(out)
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
    language = report.fallback_languages.get("title")
    return {
        "title_html": (
            format_html('<span lang="{}">{}</span>', language, report.title)
            if language
            else report.title
        ),
        "survey_summary": survey_summary(report),
        "pre_post": pre_post_table(report) if report.survey and report.survey.pre_post else None,
        "max_stage": max((s.split.total for s in report.stages), default=0),
        "max_day": max((d.attended.total for d in report.attendance), default=0),
        "generated_on": date_text(report.generated_at),
    }
