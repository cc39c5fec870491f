"""Badges: a QR code that holds only the registration's random badge token, printed on a PDF.

A6 portrait (one badge per page) for phones and badge printers, or an A4 sheet of four for
office printers. Each badge is drawn in its participant's language (role and country names,
dates, the event's title when the event is translated into that language).

Names, organisations and titles come in any script, so the text is laid out by WeasyPrint:
Pango shapes it with HarfBuzz (Arabic letters joined, right-to-left runs in visual order, mixed
with Latin as the Unicode bidi algorithm says) and picks each character's font from Debian's
Noto families (Latin, Cyrillic, Greek, Arabic, Hebrew and the other scripts of
``fonts-noto-core``; Chinese, Japanese and Korean from ``fonts-noto-cjk``). Every font is
embedded as a subset. reportlab was the previous engine: it neither reorders right-to-left
text nor falls back between fonts, and it cannot embed the CFF outlines of Noto CJK.

Long text never reaches the cut line: it is first made smaller (down to a minimum size), then
wrapped at word boundaries over a fixed number of lines, and the last line ends with an
ellipsis; the badge box also hides anything that would still overflow.

The QR code is not drawn by WeasyPrint (its SVG path parser added about 70 % to the time of
a batch): the page leaves an empty zone with an id, and the modules are written into the page
as filled PDF rectangles (vectors) where WeasyPrint placed that zone (``Page.anchors``).

WeasyPrint, fontTools and qrcode are imported inside the functions that use them (heavy, and
only the badge views and the worker need them).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cms.models import EventPage
from conference.l10n import format_date_range

if TYPE_CHECKING:
    from cms.models import EventPage
    from registration.models import Registration

TEMPLATE = "registration/badge/badges.html"
STYLESHEET = settings.BASE_DIR / "templates/registration/badge/badges.css"

MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)
A4 = (210 * MM, 297 * MM)
#: The text column: the badge's width less 7 mm on each side (points).
INNER_WIDTH = 91 * MM

#: The fonts the badges need, by the Debian package that installs them
#: (``.ci/system-deps.sh`` installs them; :func:`fonts_check` says which are missing).
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
SYSTEM_FONTS = {
    "fonts-noto-core": [
        NOTO / f"NotoSans{script}-{weight}.ttf"
        for script in ("", "Arabic", "Hebrew")
        for weight in ("Regular", "Bold")
    ],
    "fonts-noto-cjk": [NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc"],
}

#: Role band colours: each dark enough for white text at 4.5:1 or more, and the role's name
#: is always written on the band, so colour is never the only signal.
ROLE_COLOURS = {
    "participant": "#1f4e79",
    "speaker": "#9b1c1c",
    "expert": "#5b2a86",
    "mentor": "#0b6e4f",
    "mentee": "#7a4f00",
    "organiser": "#222222",
    "interpreter": "#005f73",
}
DEFAULT_COLOUR = "#444444"

#: (largest, smallest) font size in points and the number of lines for each shrinking field.
#: A name is made smaller until it fits on one line; a title or an organisation only when it
#: would not fit in its lines at the largest size.
SIZES = {
    "title": (10.5, 8.5, 3),
    "name": (22.0, 15.0, 1),
    "organisation": (11.0, 9.0, 2),
    "role": (20.0, 10.0, 1),
}
QR_LARGEST = 42 * MM
QR_SMALLEST = 24 * MM


class BadgeFontsMissing(RuntimeError):
    """The Debian font packages the badges need are not installed (``code``: fonts_missing)."""

    def __init__(self, packages: list[str]):
        self.code = "fonts_missing"
        self.packages = packages
        super().__init__(
            _(
                "Badges cannot be printed: the fonts for names in every script are missing. "
                "Install the Debian packages %(packages)s (bash .ci/system-deps.sh does it)."
            )
            % {"packages": " ".join(packages)}
        )


def fonts_check(*, fonts: dict[str, list[Path]] | None = None) -> None:
    """Raise :class:`BadgeFontsMissing` unless every font file the badges use is installed.

    Without this, fontconfig would quietly substitute another font and names would print as
    empty boxes. ``fonts`` (package → files) defaults to ``SYSTEM_FONTS``.
    Side effects: none (reads the file system).
    """
    missing = [
        package
        for package, paths in (SYSTEM_FONTS if fonts is None else fonts).items()
        if not all(path.is_file() for path in paths)
    ]
    if missing:
        raise BadgeFontsMissing(missing)


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR code's modules for ``token`` (no quiet zone; the badge leaves white around it)."""
    # Heavy library (qrcode, STYLE rule 9): only badges and the benchmark draw QR codes.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(token)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(token: str, *, box_size: int = 8):
    """The QR code for ``token`` as a PIL image (what the benchmark compares the PDF with)."""
    # Heavy library (qrcode, STYLE rule 9): only badges and the benchmark draw QR codes.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(token)
    code.make(fit=True)
    return code.make_image()


@dataclass(frozen=True)
class BadgeData:
    """What is printed on one badge, already translated; built once per registration."""

    token: str
    name: str
    organisation: str
    country: str
    role: str
    role_code: str
    event_title: str
    event_dates: str
    event_place: str
    #: The participant's language (the badge's ``lang``); empty: the active language.
    language: str = ""


def event_dates(start: dt.date, end: dt.date) -> str:
    """``12–13 May 2026`` in the active language (month names in the right case)."""
    return format_date_range(start, end)


def event_titles(event: EventPage) -> dict[str, str]:
    """The event's title in each language it is translated into (one query)."""
    rows = EventPage.objects.filter(translation_key=event.translation_key).values_list(
        "locale__language_code", "title"
    )
    return dict(rows)


def badge_data(
    registration: Registration, *, event: EventPage, titles: dict[str, str] | None = None
) -> BadgeData:
    """The badge's text for one registration, in the participant's language."""
    titles = titles if titles is not None else {}
    with translation.override(registration.language or "en"):
        return BadgeData(
            token=registration.badge_token,
            name=registration.name_on_badge,
            organisation=registration.organisation,
            country=str(registration.country.name) if registration.country else "",
            role=str(registration.get_role_display()),
            role_code=registration.role,
            event_title=titles.get(registration.language, event.title),
            event_dates=event_dates(event.start_date, event.end_date),
            event_place=", ".join(
                p for p in [event.city, str(event.country.name) if event.country else ""] if p
            ),
            language=registration.language or "en",
        )


# --- Text measurement ----------------------------------------------------------------------


@functools.cache
def _advances(bold: bool) -> dict[int, float]:
    """Each character's advance in em, from the first Noto font that has it."""
    # Heavy library (fontTools): only badge layout measures text.
    from fontTools.ttLib import TTFont

    weight = "Bold" if bold else "Regular"
    merged: dict[int, float] = {}
    for script in ("Hebrew", "Arabic", ""):  # later fonts win: Noto Sans first
        with TTFont(NOTO / f"NotoSans{script}-{weight}.ttf", lazy=True) as font:
            per_em = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            merged.update(
                {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
            )
    return merged


def text_width(text: str, *, size: float, bold: bool) -> float:
    """The width of ``text`` on one line in points, close enough to choose a font size.

    Characters outside the Noto Sans fonts (CJK, all full width) count as one em. Shaping
    moves Arabic widths a little; the wrap and the ellipsis take care of the rest.
    """
    advances = _advances(bold)
    total = 0.0
    for char in text:
        advance = advances.get(ord(char))
        if advance is None:
            advance = 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6
        total += advance
    return total * size


def fit_size(text: str, *, field: str, bold: bool = True, width: float = INNER_WIDTH) -> float:
    """The largest size (in half points) at which ``text`` fits in its field's lines.

    Wrapping wastes part of each line, so several lines count as 85 % full. Never below the
    field's smallest size: what still does not fit wraps and ends with an ellipsis.
    """
    largest, smallest, lines = SIZES[field]
    room = width * (0.97 if lines == 1 else 0.85 * lines)
    natural = text_width(text, size=1, bold=bold)
    if natural * largest <= room:
        return largest
    return max(smallest, int(room / natural * 2) / 2)


def cjk_language(text: str) -> str:
    """``ja``, ``ko`` or ``zh`` when ``text`` is written in Japanese, Korean or Chinese.

    Han characters share code points across the three languages but are drawn differently;
    kana only occur in Japanese and Hangul only in Korean, so they decide.
    """
    han = False
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "ko"
        han = han or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000
    return "zh" if han else ""


# --- Rendering -----------------------------------------------------------------------------


def _size_class(size: float) -> str:
    return str(round(size * 10))


@functools.cache
def _generated_css() -> str:
    """Font-size classes and role colours: the values live in Python (``SIZES``, colours)."""
    sizes = sorted(
        {
            s / 2
            for largest, smallest, _lines in SIZES.values()
            for s in range(int(smallest * 2), int(largest * 2) + 1)
        }
    )
    rules = [f".pt-{_size_class(s)} {{ font-size: {s}pt; }}" for s in sizes]
    rules.append(f".band {{ background: {DEFAULT_COLOUR}; }}")
    rules += [f".role-{code} {{ background: {colour}; }}" for code, colour in ROLE_COLOURS.items()]
    return "\n".join(rules)


def _badge_context(data: BadgeData, index: int) -> dict:
    role = data.role.upper()
    # Kanji alone cannot tell Japanese from Chinese: a badge whose name has kana (or Hangul)
    # draws the Han characters of its other lines the same way.
    fields = {
        "title": data.event_title,
        "name": data.name,
        "organisation": data.organisation,
    }
    languages = {field: cjk_language(text) for field, text in fields.items()}
    decided = next((lang for lang in languages.values() if lang in ("ja", "ko")), "")
    languages = {
        field: decided if lang == "zh" and decided else lang for field, lang in languages.items()
    }
    return {
        "data": data,
        "index": index,
        "language": data.language,
        "when": " · ".join(p for p in [data.event_dates, data.event_place] if p),
        "role": role,
        "title_pt": _size_class(fit_size(data.event_title, field="title")),
        "name_pt": _size_class(fit_size(data.name, field="name")),
        "organisation_pt": _size_class(
            fit_size(data.organisation, field="organisation", bold=False)
        ),
        "role_pt": _size_class(fit_size(role, field="role")),
        "title_lang": languages["title"],
        "name_lang": languages["name"],
        "organisation_lang": languages["organisation"],
    }


def _qr_operators(matrix: list[list[bool]], x: float, y: float, size: float) -> str:
    """PDF operators filling the dark modules as runs of rectangles (lower-left at x, y)."""
    count = len(matrix)
    module = size / count
    parts = []
    for row_index, row in enumerate(matrix):
        bottom = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                parts.append(
                    f"{x + start * module:.3f} {bottom:.3f} {(col - start) * module:.3f} "
                    f"{module:.3f} re"
                )
                start = None
    parts.append("f")
    return "\n".join(parts)


def _qr_placement(marker: tuple, band: tuple, page_height: float) -> tuple[float, float, float]:
    """Where the QR code goes: centred between the text (``marker``, an empty block after it)
    and the role band, 42 mm at most, never under 24 mm.

    The rectangles are WeasyPrint's anchors (CSS pixels, y down); the result is x, y of the
    lower-left corner and the size, in PDF points with y up.
    """
    x1, top, x2, _ = (value * 0.75 for value in marker)
    bottom = band[1] * 0.75
    space = bottom - top
    size = max(min(QR_LARGEST, space - 8 * MM, x2 - x1), QR_SMALLEST)
    qr_top = top + max((space - size) / 2, 3 * MM)
    return (x1 + x2) / 2 - size / 2, page_height * 0.75 - qr_top - size, size


def _chunks(badges: Iterable[BadgeData], size: int) -> Iterator[list[BadgeData]]:
    iterator = iter(badges)
    while chunk := list(islice(iterator, size)):
        yield chunk


def badges_pdf(
    badges: Iterable[BadgeData],
    out: IO[bytes],
    *,
    layout: str = "a6",
    title: str = "",
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 50,
) -> int:
    """Write the badges as one PDF into ``out``; return how many were drawn.

    ``layout`` is ``a6`` (one per page) or ``a4`` (four per sheet, with cut marks).
    ``on_progress(count)`` is called after each group of about ``progress_every`` badges
    (rounded up to whole A4 sheets) is laid out, and at the end.
    Raises :class:`BadgeFontsMissing` before any work when the Debian fonts are missing.
    Side effects: writes to ``out`` only.
    """
    # Heavy library (WeasyPrint, STYLE rule 9): only the badge worker lays out PDFs.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts_check()
    layout = "a4" if layout == "a4" else "a6"
    per_sheet = 4 if layout == "a4" else 1
    font_config = FontConfiguration()
    stylesheets = [
        CSS(filename=str(STYLESHEET), font_config=font_config),
        CSS(string=_generated_css(), font_config=font_config),
    ]
    group = max(per_sheet, -(-progress_every // 4) * 4)
    base = {"layout": layout, "title": title or _("Badges"), "language": translation.get_language()}
    documents = []
    tokens: dict[str, str] = {}
    count = 0
    for chunk in _chunks(badges, group):
        cards = [_badge_context(data, count + i) for i, data in enumerate(chunk)]
        tokens.update({f"qr-{card['index']}": card["data"].token for card in cards})
        sheets = [cards[i : i + per_sheet] for i in range(0, len(cards), per_sheet)]
        html = render_to_string(TEMPLATE, {**base, "sheets": sheets})
        documents.append(HTML(string=html).render(stylesheets=stylesheets, font_config=font_config))
        count += len(chunk)
        if on_progress:
            on_progress(count)
    if not documents:
        html = render_to_string(
            TEMPLATE, {**base, "sheets": [], "nothing": _("No badges to print.")}
        )
        documents.append(HTML(string=html).render(stylesheets=stylesheets, font_config=font_config))
    pages = [page for document in documents for page in document.pages]
    placements = [
        [
            (_qr_placement(rect, page.anchors[f"band-{name[3:]}"], page.height), tokens[name])
            for name, rect in page.anchors.items()
            if name in tokens
        ]
        for page in pages
    ]

    def draw_qr_codes(document, pdf) -> None:
        # Each page's content becomes [cut lines + q, WeasyPrint's content, Q + QR codes]:
        # the QR codes are drawn in default PDF space whatever state WeasyPrint leaves behind.
        import pydyf

        # Light dashed cut lines through the middle of each A4 sheet, under the badges.
        cut_lines = (
            f"0.75 G 0.3 w [2 3] 0 d {A4[0] / 2:.3f} 0 m {A4[0] / 2:.3f} {A4[1]:.3f} l S "
            f"0 {A4[1] / 2:.3f} m {A4[0]:.3f} {A4[1] / 2:.3f} l S"
            if layout == "a4" and count
            else ""
        )
        save = pydyf.Stream([f"q {cut_lines} Q q"])
        pdf.add_object(save)
        for page_number, qr_codes in zip(pdf.pages["Kids"][::3], placements, strict=True):
            operators = ["Q", "0 0 0 rg"] + [
                _qr_operators(qr_matrix(token), *placement) for placement, token in qr_codes
            ]
            stream = pydyf.Stream(operators, compress=True)
            pdf.add_object(stream)
            page = pdf.objects[page_number]
            page["Contents"] = pydyf.Array([save.reference, page["Contents"], stream.reference])

    documents[0].copy(pages).write_pdf(out, finisher=draw_qr_codes)
    if on_progress and not count:
        on_progress(count)
    return count


def badge_pdf_for(registration: Registration, *, layout: str = "a6") -> bytes:
    """One participant's badge as PDF bytes: A6, or on an A4 sheet to cut out."""
    event = registration.event
    data = badge_data(registration, event=event, titles=event_titles(event))
    out = io.BytesIO()
    with translation.override(registration.language or "en"):
        badges_pdf(
            [data],
            out,
            layout=layout,
            title=_("Badge: %(event)s") % {"event": data.event_title},
        )
    return out.getvalue()
