"""Badges print names in every script: Arabic joined and right to left, Hebrew in order,
Chinese, Japanese and Korean with real glyphs; every font embedded; long text never crosses
the badge's cut line.

The PDF is read back with pypdfium2 (text, per-character fonts and boxes) and poppler's
``pdffonts``; Arabic shaping is checked against a rendering made by another path (Pillow with
libraqm, which shapes with HarfBuzz and FriBiDi itself).
"""

import ctypes
import io
import secrets
import subprocess
from collections import deque

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont

from registration.checkin.badges import (
    MM,
    NOTO,
    BadgeData,
    BadgeFontsMissing,
    badge_pdf_for,
    badges_pdf,
    fit_size,
    fonts_check,
)
from tests.registration.checkin.checkin_factories import aigerim, event_today

NAMES = {
    "arabic": "محمد عبد الله الحسيني",
    "hebrew": "דוד בן-גוריון",
    "chinese": "王小明",
    "japanese": "山田 さくら",
    "korean": "김민준",
    "russian": "Айгерим Садыкова",
    "kazakh": "Әлия Жұмабаева",
    "latin": "Aigerim Sadykova",
}
#: The font each script's letters must be drawn with (part of the embedded font's name).
FONTS = {
    "arabic": "Noto-Sans-Arabic",
    "hebrew": "Noto-Sans-Hebrew",
    "chinese": "Noto-Sans-CJK-SC",
    "japanese": "Noto-Sans-CJK-JP",
    "korean": "Noto-Sans-CJK-KR",
    "russian": "Noto-Sans",
    "kazakh": "Noto-Sans",
    "latin": "Noto-Sans",
}
LONG_ORGANISATION = (
    "Department for International Police Cooperation and Capacity Building of the Ministry "
    "of Internal Affairs of the Republic of Kazakhstan, Astana office, Unit 7 for Gender Policy"
)[:150]
LONG_TITLE = (
    "Regional Conference on Women in Law Enforcement and Gender-Responsive Policing in "
    "Central Asia, the South Caucasus and Eastern Europe: Cooperation, Capacity and Community "
    "Trust, with Workshops for Trainers"
)[:200]


def badge(name: str, **fields) -> BadgeData:
    values = {
        "token": secrets.token_urlsafe(24),
        "name": name,
        "organisation": "Ministry of Internal Affairs",
        "country": "Kazakhstan",
        "role": "Participant",
        "role_code": "participant",
        "event_title": "Regional Conference on Women in Law Enforcement",
        "event_dates": "12–13 May 2026",
        "event_place": "Almaty, Kazakhstan",
        "language": "en",
    }
    values.update(fields)
    return BadgeData(**values)


def pdf_of(badges: list[BadgeData], layout: str = "a6") -> bytes:
    out = io.BytesIO()
    badges_pdf(badges, out, layout=layout)
    return out.getvalue()


def chars_of(page) -> list[tuple[str, tuple[float, float, float, float], str]]:
    """Each drawn character of the page: the character, its box (points), its font's name."""
    textpage = page.get_textpage()
    result = []
    buffer = (ctypes.c_char * 256)()
    flags = ctypes.c_int()
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if pdfium_c.FPDFText_IsGenerated(textpage, index) or not char.strip():
            continue
        length = pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(flags))
        font = bytes(buffer[: max(length - 1, 0)]).decode()
        result.append((char, textpage.get_charbox(index), font))
    return result


def text_of(page) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def pdffonts(pdf: bytes, tmp_path) -> list[dict[str, str]]:
    path = tmp_path / "badge.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, rule = lines[0], lines[1]
    # Columns are as wide as the dashes under their names.
    spans, start = [], 0
    for dashes in rule.split(" "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 1
    names = [header[a:b].strip() for a, b in spans]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans)} for line in lines[2:]]


def components(image: Image.Image) -> int:
    """How many separate pieces of ink (8-connected dark pixels) the image holds."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    seen = set()
    count = 0
    for y in range(height):
        for x in range(width):
            if pixels[x, y] > 128 or (x, y) in seen:
                continue
            count += 1
            queue = deque([(x, y)])
            seen.add((x, y))
            while queue:
                cx, cy = queue.popleft()
                for nx in (cx - 1, cx, cx + 1):
                    for ny in (cy - 1, cy, cy + 1):
                        if (
                            0 <= nx < width
                            and 0 <= ny < height
                            and (nx, ny) not in seen
                            and pixels[nx, ny] <= 128
                        ):
                            seen.add((nx, ny))
                            queue.append((nx, ny))
    return count


def test_badge_pdf_names_in_every_script_extract_as_written_with_their_fonts():
    badges = [badge(name) for name in NAMES.values()]

    pdf = pdf_of(badges)

    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == len(NAMES)
    for (script, name), page in zip(NAMES.items(), document, strict=True):
        # Logical order: Arabic and Hebrew read back as typed, not reversed.
        assert name in text_of(page), script
        letters = [(char, font) for char, _box, font in chars_of(page) if char in name]
        assert letters, script
        for char, font in letters:
            if char.isalpha():
                assert FONTS[script] in font, (script, char, font)


def test_badge_pdf_japanese_korean_chinese_pick_their_own_han_shapes():
    # 警察庁 alone could be Chinese: on a badge whose name has kana it is drawn as Japanese.
    pdf = pdf_of(
        [
            badge("山田 さくら", organisation="警察庁"),
            badge("王小明", organisation="公安部"),
            badge("김민준 金", organisation="警察庁"),
        ]
    )

    fonts = [
        {
            font.split("+")[-1]
            for char, _box, font in chars_of(page)
            if char in "山田王小明金警察庁公安部"
        }
        for page in pypdfium2.PdfDocument(pdf)
    ]

    assert fonts == [
        {"Noto-Sans-CJK-JP-Bold", "Noto-Sans-CJK-JP"},
        {"Noto-Sans-CJK-SC-Bold", "Noto-Sans-CJK-SC"},
        {"Noto-Sans-CJK-KR-Bold", "Noto-Sans-CJK-KR"},
    ]


def test_badge_pdf_arabic_letters_are_joined_like_a_harfbuzz_rendering():
    name = NAMES["arabic"]
    pdf = pdf_of([badge(name)])
    page = pypdfium2.PdfDocument(pdf)[0]
    scale = 4
    boxes = [box for char, box, _font in chars_of(page) if char in name]
    left = min(b[0] for b in boxes) - 2
    right = max(b[2] for b in boxes) + 2
    bottom = min(b[1] for b in boxes) - 4
    top = max(b[3] for b in boxes) + 4
    height = page.get_height()
    image = page.render(scale=scale).to_pil()
    printed = image.crop(
        (
            int(left * scale),
            int((height - top) * scale),
            int(right * scale),
            int((height - bottom) * scale),
        )
    )

    size = fit_size(name, field="name") * scale
    font_path = str(NOTO / "NotoSansArabic-Bold.ttf")
    shaped_font = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.RAQM)
    basic_font = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.BASIC)

    def reference(font) -> Image.Image:
        canvas = Image.new("L", (int(size * 20), int(size * 3)), 255)
        ImageDraw.Draw(canvas).text((size, size), name, font=font, fill=0)
        return canvas

    shaped, unshaped = components(reference(shaped_font)), components(reference(basic_font))
    # Joined letters make far fewer pieces of ink than the same letters drawn one by one.
    assert shaped < unshaped - 5
    # Anti-aliasing may merge or split a dot at a different position: allow two.
    assert abs(components(printed) - shaped) <= 2


def test_badge_pdf_every_font_embedded_no_base14(tmp_path):
    pdf = pdf_of([badge(name) for name in NAMES.values()], layout="a4")

    fonts = pdffonts(pdf, tmp_path)

    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert not [f for f in fonts if "Helvetica" in f["name"] or f["type"] == "Type 1"]
    names = " ".join(font["name"] for font in fonts)
    for expected in ("Noto-Sans-Arabic", "Noto-Sans-Hebrew", "Noto-Sans-CJK", "Noto-Sans-Bold"):
        assert expected in names


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_badge_pdf_long_organisation_and_title_stay_inside_the_badge(layout):
    badges = [
        badge(
            "Maria-Alexandra Konstantinopolskaya-Vasilievna Dobrovolskaya-Zakharchenko",
            organisation=LONG_ORGANISATION,
            event_title=LONG_TITLE,
            country="Kazakhstan",
        ),
        badge(NAMES["arabic"], organisation="و" * 3 + " " + "وزارة الداخلية " * 10),
        badge("王小明" * 12, organisation="中华人民共和国公安部国际合作局" * 10),
        badge("Averyveryveryveryveryverylongwordwithoutanybreakingopportunityatall"),
    ]
    assert (len(LONG_ORGANISATION), len(LONG_TITLE)) == (150, 200)

    pdf = pdf_of(badges, layout=layout)

    document = pypdfium2.PdfDocument(pdf)
    # The badge rectangles (points, y up) the text must stay in, 3 mm inside the cut line.
    if layout == "a4":
        page_height = 297 * MM
        slots = [(0, page_height / 2), (105 * MM, page_height / 2), (0, 0), (105 * MM, 0)]
        cells = [(document[0], x, y) for x, y in slots]
    else:
        cells = [(page, 0, 0) for page in document]
    assert len(cells) == len(badges)
    for (page, x, y), data in zip(cells, badges, strict=True):
        inside = (x + 3 * MM, y + 0.25 * MM, x + 102 * MM, y + 148.25 * MM)
        # A character belongs to the badge its centre is on; its whole box must be inside.
        chars = [
            (char, box)
            for char, box, _font in chars_of(page)
            if x <= (box[0] + box[2]) / 2 <= x + 105 * MM
            and y <= (box[1] + box[3]) / 2 <= y + 148.5 * MM
        ]
        assert chars
        for char, (left, bottom, right, top) in chars:
            assert inside[0] <= left <= right <= inside[2], (data.name, char, left, right)
            assert inside[1] <= bottom <= top <= inside[3], (data.name, char, bottom, top)
    text = text_of(document[0])
    assert LONG_ORGANISATION[:40] in text
    assert "…" in text  # what did not fit ends with an ellipsis
    assert LONG_ORGANISATION not in text


def test_badge_pdf_long_texts_keep_the_qr_code_readable():
    badges = [
        badge(NAMES["arabic"] * 3, organisation=LONG_ORGANISATION, event_title=LONG_TITLE),
        badge("김민준" * 10, organisation=LONG_ORGANISATION, event_title=LONG_TITLE),
    ]

    document = pypdfium2.PdfDocument(pdf_of(badges, layout="a4"))

    found = sorted(r.text for r in zxingcpp.read_barcodes(document[0].render(scale=2).to_pil()))
    assert found == sorted(b.token for b in badges)


@pytest.mark.django_db
def test_badge_pdf_for_participant_with_arabic_name_and_hebrew_organisation():
    event = event_today(title="Regional Conference on Women in Law Enforcement")
    registration = aigerim(
        event, given_name="محمد", family_name="الحسيني", organisation="משטרת ישראל"
    )

    page = pypdfium2.PdfDocument(badge_pdf_for(registration))[0]

    text = text_of(page)
    assert "محمد الحسيني" in text
    assert "משטרת ישראל" in text
    assert registration.email not in text


def test_fonts_check_names_the_missing_debian_package(tmp_path):
    present = tmp_path / "present.ttf"
    present.write_bytes(b"")

    with pytest.raises(BadgeFontsMissing) as error:
        fonts_check(fonts={"fonts-noto-core": [present], "fonts-noto-cjk": [tmp_path / "x.ttc"]})

    assert error.value.code == "fonts_missing"
    assert error.value.packages == ["fonts-noto-cjk"]
    assert "fonts-noto-cjk" in str(error.value)
    assert "fonts-noto-core" not in str(error.value)
    with translation.override("ru"), pytest.raises(BadgeFontsMissing) as russian:
        fonts_check(fonts={"fonts-noto-cjk": [tmp_path / "x.ttc"]})
    assert "Установите пакеты Debian fonts-noto-cjk" in str(russian.value)
    fonts_check()  # the machine running the tests has them
