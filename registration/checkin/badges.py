"""Badges: a QR code that holds only the registration's random badge token, printed on a PDF.

A6 portrait (one badge per page) for phones and badge printers, or an A4 sheet of four for
office printers. The event's badge language setting (``EventPage.badge_language``) says which
language the translatable lines (role, event title, dates, city and country) are in: each
participant's own, the event's main working language (the first of its working languages) for
every badge, or the main language with the participant's below it, smaller ("stacked"; a line
that reads the same in both is printed once). The event's title and city come from its page
in that language (Wagtail's translation; the source page when there is none).

Names, organisations and titles come in any script, so the text is laid out by WeasyPrint:
Pango shapes it with HarfBuzz (Arabic letters joined, right-to-left runs in visual order, mixed
with Latin as the Unicode bidi algorithm says) and picks each character's font from Debian's
Noto families (Latin, Cyrillic, Greek, Arabic, Hebrew and the other scripts of
``fonts-noto-core``; Chinese, Japanese and Korean from ``fonts-noto-cjk``). Every font is
embedded as a subset. reportlab was the previous engine: it neither reorders right-to-left
text nor falls back between fonts, and it cannot embed the CFF outlines of Noto CJK.

Long text never reaches the cut line: it is first made smaller (down to a minimum size, the
lines counted by wrapping the words as the badge will), then wrapped at word boundaries over
a fixed number of lines, and the last line ends with an ellipsis; the badge box also hides
anything that would still overflow. An event title of any length a page allows (255
characters) fits whole: it is never cut, and never broken inside a word.

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
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cms.models import BadgeLanguage, EventPage
from conference.l10n import country_name, format_date_range
from conference.languages import language_codes

if TYPE_CHECKING:
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
    "title": (10.5, 7.0, 4),
    "title_below": (8.5, 6.5, 4),
    "name": (22.0, 15.0, 1),
    "organisation": (11.0, 9.0, 2),
    "role": (20.0, 10.0, 1),
}
#: Lines a title may take when it does not fit in its lines at the smallest size: the
#: longest title a page holds (255 characters, long Kazakh words) then still fits whole.
MOST_LINES = {"title": 5, "title_below": 5}
#: The participant's language under the main one (stacked badges): one size, on the band.
ROLE_BELOW_SIZE = 9.0
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
    #: The language of the lines above (the badge's ``lang``); empty: the active language.
    language: str = ""
    #: Stacked badges: the same lines in the participant's language, printed smaller under
    #: the main language's; each empty where it reads the same (or the badge is not stacked).
    language_below: str = ""
    role_below: str = ""
    event_title_below: str = ""
    event_when_below: str = ""

    @property
    def event_when(self) -> str:
        """The dates and the place on one line."""
        return " · ".join(p for p in [self.event_dates, self.event_place] if p)


def event_dates(start: dt.date, end: dt.date) -> str:
    """``12–13 May 2026`` in the active language (month names in the right case)."""
    return format_date_range(start, end)


@dataclass(frozen=True)
class EventText:
    """An event's printed lines in one language: from its page in that language, else from
    the source page (field by field: an empty city on a translation is the source's)."""

    language: str
    title: str
    dates: str
    city: str
    country: str
    venue: str

    @property
    def place(self) -> str:
        return ", ".join(p for p in [self.city, self.country] if p)

    @property
    def when(self) -> str:
        return " · ".join(p for p in [self.dates, self.place] if p)


@dataclass(frozen=True)
class BadgeTexts:
    """Which languages an event's badges and sheets are printed in, and its lines in each.

    Built once per print job (one query for the pages), then asked per registration.
    """

    mode: str
    #: The event's main working language: the first of its languages the site speaks.
    main: str
    #: The working languages the site speaks, main first (a stacked sheet's second).
    working: tuple[str, ...]
    texts: dict[str, EventText]

    def languages_for(self, participant: str) -> tuple[str, str]:
        """(the badge's language, the language stacked below it or ``""``)."""
        own = participant if participant in self.texts else self.main
        if self.mode == BadgeLanguage.PARTICIPANT:
            return own, ""
        if self.mode == BadgeLanguage.STACKED and own != self.main:
            return self.main, own
        return self.main, ""

    def sheet_languages(self) -> tuple[str, str]:
        """A sign-in sheet is one page for everyone: no participant's language. It is in the
        main language; stacked, with the event's second working language below."""
        if self.mode == BadgeLanguage.STACKED:
            return self.main, next((code for code in self.working if code != self.main), "")
        return self.main, ""


def badge_texts(event: EventPage) -> BadgeTexts:
    """The event's badge language setting and its printed lines in every site language.

    Registrations belong to the source page: its settings, dates and country decide; titles,
    cities and venues come from each published translation. Side effects: none (one query).
    """
    source = event.source
    pages = {
        page.locale.language_code: page
        for page in EventPage.objects.filter(translation_key=source.translation_key, live=True)
        .select_related("locale")
        .only("title", "city", "venue_name", "locale__language_code")
    }
    spoken = language_codes()
    working = tuple(code for code in (source.languages or []) if code in spoken)
    texts = {}
    for code in spoken:
        page = pages.get(code, source)
        with translation.override(code):
            dates = event_dates(source.start_date, source.end_date)
        texts[code] = EventText(
            language=code,
            title=page.title or source.title,
            dates=dates,
            city=page.city or source.city,
            country=country_name(source.country.code if source.country else "", code),
            venue=page.venue_name or source.venue_name,
        )
    return BadgeTexts(
        mode=source.badge_language,
        main=working[0] if working else settings.LANGUAGE_CODE,
        working=working,
        texts=texts,
    )


def _differs(below: str, above: str) -> str:
    """``below`` unless it reads the same as ``above`` (a line is never printed twice)."""
    return below if below.casefold() != above.casefold() else ""


def badge_data(
    registration: Registration, *, event: EventPage, texts: BadgeTexts | None = None
) -> BadgeData:
    """The badge's text for one registration, in the languages the event's setting gives.

    ``texts`` (``badge_texts(event)``) is built once for a batch; without it, here.
    """
    texts = texts if texts is not None else badge_texts(event)
    language, below = texts.languages_for(registration.language or "")
    line = texts.texts[language]
    with translation.override(language):
        role = str(registration.get_role_display())
        # What the participant typed for the badge is printed as typed; otherwise the name
        # with its title in the badge's language, which starts the line ("Г-жа", "Mx").
        name = registration.badge_name or capfirst(registration.name_with_title)
    country = country_name(registration.country.code if registration.country else "", language)
    data = {
        "token": registration.badge_token,
        "name": name,
        "organisation": registration.organisation,
        "country": country,
        "role": role,
        "role_code": registration.role,
        "event_title": line.title,
        "event_dates": line.dates,
        "event_place": line.place,
        "language": language,
    }
    if below:
        other = texts.texts[below]
        with translation.override(below):
            role_below = str(registration.get_role_display())
        data.update(
            language_below=below,
            role_below=_differs(role_below, role),
            event_title_below=_differs(other.title, line.title),
            event_when_below=_differs(other.when, line.when),
        )
    return BadgeData(**data)


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


def wrapped_lines(text: str, *, size: float, bold: bool, width: float) -> int:
    """How many lines ``text`` takes when its words are wrapped as a browser wraps them
    (greedy, breaking only between words). A word wider than the line counts the lines it
    would need; only such a word is ever broken on the badge."""
    space = text_width(" ", size=size, bold=bold)
    lines, used = 0, 0.0
    for word in text.split():
        word_width = text_width(word, size=size, bold=bold)
        if lines and used + space + word_width <= width:
            used += space + word_width
            continue
        lines += 1
        while word_width > width:  # a word alone wider than the line
            lines += 1
            word_width -= width
        used = word_width
    return lines


def fit_size(text: str, *, field: str, bold: bool = True, width: float = INNER_WIDTH) -> float:
    """The largest size (in half points) at which ``text`` fits in its field's lines.

    The words are wrapped as the badge wraps them, with 4 % of the line kept for the
    difference between this estimate and the shaped text. Never below the field's smallest
    size: a title then takes more lines (``fit_lines``), other text ends with an ellipsis.
    """
    largest, smallest, lines = SIZES[field]
    if lines == 1:
        natural = text_width(text, size=1, bold=bold)
        if natural * largest <= width * 0.97:
            return largest
        return max(smallest, int(width * 0.97 / natural * 2) / 2)
    size = largest
    while size > smallest:
        if wrapped_lines(text, size=size, bold=bold, width=width * 0.96) <= lines:
            return size
        size -= 0.5
    return smallest


def fit_lines(text: str, *, field: str, size: float, bold: bool = True) -> int:
    """How many lines the badge gives ``text`` at ``size``: its field's lines, or more (up to
    ``MOST_LINES``) for a title that needs them even at the smallest size."""
    lines = SIZES[field][2]
    needed = wrapped_lines(text, size=size, bold=bold, width=INNER_WIDTH * 0.96)
    return max(lines, min(needed, MOST_LINES.get(field, lines)))


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
    title_size = fit_size(data.event_title, field="title")
    below_size = fit_size(data.event_title_below, field="title_below", bold=False)
    return {
        "data": data,
        "index": index,
        "language": data.language,
        "when": data.event_when,
        "role": role,
        "role_below": data.role_below.upper(),
        "title_pt": _size_class(title_size),
        "title_lines": fit_lines(data.event_title, field="title", size=title_size),
        "title_below_pt": _size_class(below_size),
        "title_below_lines": fit_lines(
            data.event_title_below, field="title_below", size=below_size, bold=False
        ),
        "name_pt": _size_class(fit_size(data.name, field="name")),
        "organisation_pt": _size_class(
            fit_size(data.organisation, field="organisation", bold=False)
        ),
        "role_pt": _size_class(
            min(fit_size(role, field="role"), 16.0)
            if data.role_below
            else fit_size(role, field="role")
        ),
        "role_below_pt": _size_class(ROLE_BELOW_SIZE),
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
    """One participant's badge as PDF bytes: A6, or on an A4 sheet to cut out; in the
    languages the event's badge language setting gives (the same badge as in a batch)."""
    event = registration.event
    data = badge_data(registration, event=event, texts=badge_texts(event))
    out = io.BytesIO()
    with translation.override(data.language):
        badges_pdf(
            [data],
            out,
            layout=layout,
            title=_("Badge: %(event)s") % {"event": data.event_title},
        )
    return out.getvalue()


def badge_batch_pdf(
    *,
    event: EventPage,
    registrations: Iterable[Registration],
    out: IO[bytes],
    layout: str,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """A batch's badges as one PDF into ``out``; return how many were drawn.

    One language setting for the whole file: the event's (see ``BadgeTexts``); the file's
    own words (its title, "No badges to print.") are in the main working language.
    Side effects: writes to ``out`` only.
    """
    texts = badge_texts(event)
    badges = (badge_data(r, event=event, texts=texts) for r in registrations)
    with translation.override(texts.main):
        return badges_pdf(
            badges,
            out,
            layout=layout,
            title=texts.texts[texts.main].title,
            on_progress=on_progress,
        )
