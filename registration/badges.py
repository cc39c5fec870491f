"""Badges: a QR code that holds only the registration's random badge token, drawn on a PDF.

A6 portrait (one badge per page) for phones and badge printers, or an A4 sheet of four for
office printers. DejaVu Sans (shipped in ``registration/fonts/`` with its licence) is embedded
so names, organisations and countries in Latin and Cyrillic print as written. Each badge is
drawn in its participant's language (role and country names, dates, the event's title when
the event is translated into that language).

reportlab and qrcode are imported inside the functions that use them (heavy, and only the
badge views and the worker need them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from cms.models import EventPage
    from registration.models import Registration

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)
A4 = (210 * MM, 297 * MM)

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

_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    _fonts_registered = True


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR code's modules for ``token`` (no quiet zone; the badge leaves white around it)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(token)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(token: str, *, box_size: int = 8):
    """The QR code for ``token`` as a PIL image (what the benchmark compares the PDF with)."""
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


def event_dates(start: dt.date, end: dt.date) -> str:
    """``12–13 May 2026`` in the active language (month names in the right case)."""
    full = formats.date_format(end, "j E Y")
    if start == end:
        return full
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{full}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'j E')} – {full}"
    return f"{formats.date_format(start, 'j E Y')} – {full}"


def event_titles(event: EventPage) -> dict[str, str]:
    """The event's title in each language it is translated into (one query)."""
    from cms.models import EventPage

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
        )


def _fit_size(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 1
    return size


def _lines(text: str, font: str, size: float, width: float, limit: int) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    lines = simpleSplit(text, font, size, width) or [""]
    if len(lines) > limit:
        lines = [*lines[: limit - 1], " ".join(lines[limit - 1 :])]
        lines[-1] = _ellipsis(lines[-1], font, size, width)
    return lines


def _ellipsis(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_qr(canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw the modules as filled runs (vector, crisp at any print resolution)."""
    count = len(matrix)
    module = size / count
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + start * module, top, (col - start) * module, module)
                start = None
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, fill=1, stroke=0)


def _draw_badge(canvas, data: BadgeData, x: float, y: float, width: float, height: float):
    """One badge with its lower-left corner at (x, y)."""
    from reportlab.lib.colors import HexColor

    margin = 7 * MM
    inner = width - 2 * margin
    top = y + height - margin
    centre = x + width / 2

    # Event title and dates.
    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    title_size = 10.5
    for line in _lines(data.event_title, FONT_BOLD, title_size, inner, 3):
        top -= title_size * 1.2
        canvas.setFont(FONT_BOLD, title_size)
        canvas.drawCentredString(centre, top, line)
    top -= 11
    canvas.setFont(FONT, 8.5)
    place = " · ".join(p for p in [data.event_dates, data.event_place] if p)
    canvas.drawCentredString(centre, top, _ellipsis(place, FONT, 8.5, inner))
    top -= 6 * MM

    # Name, organisation, country.
    name_size = _fit_size(data.name, FONT_BOLD, inner, 22, 15)
    for line in _lines(data.name, FONT_BOLD, name_size, inner, 2):
        top -= name_size * 1.15
        canvas.setFont(FONT_BOLD, name_size)
        canvas.drawCentredString(centre, top, line)
    top -= 3 * MM
    canvas.setFont(FONT, 11)
    for line in _lines(data.organisation, FONT, 11, inner, 2):
        top -= 13
        canvas.drawCentredString(centre, top, line)
    if data.country:
        top -= 14
        canvas.setFont(FONT, 10.5)
        canvas.drawCentredString(centre, top, _ellipsis(data.country, FONT, 10.5, inner))

    # Role band at the bottom, the QR code above it.
    band = 17 * MM
    canvas.setFillColor(HexColor(ROLE_COLOURS.get(data.role_code, DEFAULT_COLOUR)))
    canvas.rect(x, y, width, band, fill=1, stroke=0)
    canvas.setFillColorRGB(1, 1, 1)
    role_size = _fit_size(data.role.upper(), FONT_BOLD, inner, 20, 10)
    canvas.setFont(FONT_BOLD, role_size)
    canvas.drawCentredString(centre, y + band / 2 - role_size * 0.35, data.role.upper())

    space = top - (y + band)
    qr_size = max(min(42 * MM, space - 8 * MM), 24 * MM)
    qr_y = y + band + max((space - qr_size) / 2, 3 * MM)
    _draw_qr(canvas, qr_matrix(data.token), centre - qr_size / 2, qr_y, qr_size)


def _cut_marks(canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    canvas.line(A4[0] / 2, 0, A4[0] / 2, A4[1])
    canvas.line(0, A4[1] / 2, A4[0], A4[1] / 2)
    canvas.restoreState()


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
    ``on_progress(count)`` is called every ``progress_every`` badges and at the end.
    Side effects: writes to ``out`` only.
    """
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    pagesize = A4 if layout == "a4" else A6
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title or _("Badges"))
    canvas.setCreator("Regional Events")
    width, height = A6
    # A4 holds a 2 × 2 grid of A6 badges: top-left, top-right, bottom-left, bottom-right.
    slots = [(0, A4[1] / 2), (A4[0] / 2, A4[1] / 2), (0, 0), (A4[0] / 2, 0)]
    count = 0
    for data in badges:
        if layout == "a4":
            slot = count % 4
            if slot == 0 and count:
                canvas.showPage()
            if slot == 0:
                _cut_marks(canvas)
            sx, sy = slots[slot]
            _draw_badge(canvas, data, sx, sy + (A4[1] / 2 - height) / 2, width, height)
        else:
            if count:
                canvas.showPage()
            _draw_badge(canvas, data, 0, 0, width, height)
        count += 1
        if on_progress and count % progress_every == 0:
            on_progress(count)
    if count == 0:
        canvas.setFont(FONT, 12)
        canvas.drawString(20 * MM, pagesize[1] - 30 * MM, _("No badges to print."))
    canvas.showPage()
    canvas.save()
    if on_progress:
        on_progress(count)
    return count


def badge_pdf_for(registration: Registration, *, layout: str = "a6") -> bytes:
    """One participant's badge as PDF bytes: A6, or on an A4 sheet to cut out."""
    import io

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
