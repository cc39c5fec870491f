"""The visa invitation letter as PDF: one A4 page on the organiser's letterhead, in the
letter's language.

The page prints the letterhead image, the reference number and the day it was issued, the
template's body with its placeholders filled ({name} {nationality} {passport_number}
{date_of_birth} {event} {dates} {venue} {city} {purpose} {reference}), the signatory, and a
QR code of the public verification page (the code holds only the letter's random token).
Dates are written the CLDR way and country names come from CLDR, both in the letter's language
(``conference.l10n``).

The engine is the certificates' and the badges': WeasyPrint with Debian's Noto fonts, so
Cyrillic and Kazakh letters are shaped and embedded (``fonts_check`` refuses to print with
missing fonts rather than print empty boxes). One letter is one small page, so the QR code is
an embedded PNG image rather than the batches' vector drawing.
"""

from __future__ import annotations

import base64
import io
import string
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from conference.l10n import country_name, format_date, format_date_range
from registration.nominations.models import VisaLetter, VisaLetterTemplate, VisaRequest
from registration.selectors.registrations import event_in_language

TEMPLATE = "nominations/visa/letter.html"
STYLESHEET = settings.BASE_DIR / "templates/nominations/visa/letter.css"
LETTERHEAD_RENDITION = "max-1400x300"

#: The placeholders a letter's body may use.
PLACEHOLDERS = (
    "name",
    "nationality",
    "passport_number",
    "date_of_birth",
    "event",
    "dates",
    "venue",
    "city",
    "purpose",
    "reference",
)


def body_fill(body: str, values: dict[str, str]) -> str:
    """``body`` with its placeholders replaced by ``values`` (missing ones empty). Raises
    ``KeyError`` for a placeholder that is not offered, ``ValueError`` for a stray brace."""
    for _text, name, _spec, _conv in string.Formatter().parse(body):
        if name is not None and name not in PLACEHOLDERS:
            raise KeyError(name)
    return body.format_map({key: values.get(key, "") for key in PLACEHOLDERS})


def verification_url(token: str, *, language: str) -> str:
    """The public verification page of the letter ``token`` (absolute, ``SITE_URL``)."""
    with translation.override(language):
        path = reverse("nominations:visa_verify", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class LetterText:
    """What one letter prints, already in its language."""

    language: str
    reference: str
    issued: str
    letterhead: str
    paragraphs: list[str]
    signatory_name: str
    signatory_title: str
    verify_url: str
    qr: str


def _image_uri(image) -> str:
    """The letterhead as a data: URI (through its storage); empty when it cannot be read."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(LETTERHEAD_RENDITION)
        with rendition.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    mime = "image/jpeg" if rendition.file.name.lower().endswith((".jpg", ".jpeg")) else "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _qr_uri(url: str) -> str:
    # The badges' QR code (one engine for every printed code of the site), as a PNG.
    from registration.checkin.badges import qr_image  # heavy library (qrcode) loaded on use

    out = io.BytesIO()
    qr_image(url, box_size=6).save(out, format="PNG")
    return f"data:image/png;base64,{base64.b64encode(out.getvalue()).decode('ascii')}"


def letter_values(
    *, letter: VisaLetter, request: VisaRequest, template: VisaLetterTemplate
) -> dict[str, str]:
    """The placeholders' values in the active language."""
    event = letter.registration.event
    local = event_in_language(event, translation.get_language())
    return {
        "name": request.name_in_passport,
        "nationality": country_name(str(request.nationality)),
        "passport_number": request.passport_number,
        "date_of_birth": format_date(request.date_of_birth),
        "event": local.title,
        "dates": format_date_range(event.start_date, event.end_date),
        "venue": local.venue_name or event.venue_name,
        "city": local.city or event.city,
        "purpose": template.purpose,
        "reference": letter.reference,
    }


def letter_text(*, letter: VisaLetter, template: VisaLetterTemplate) -> LetterText:
    """The letter's texts in its language (the template's)."""
    request = letter.registration.visa_request
    with translation.override(template.language):
        values = letter_values(letter=letter, request=request, template=template)
        body = body_fill(template.body, values)
        url = verification_url(letter.token, language=template.language)
        return LetterText(
            language=template.language,
            reference=letter.reference,
            issued=format_date(letter.issued_at.astimezone(letter.registration.event.tz).date()),
            letterhead=_image_uri(template.letterhead),
            paragraphs=[part.strip() for part in body.split("\n\n") if part.strip()],
            signatory_name=template.signatory_name,
            signatory_title=template.signatory_title,
            verify_url=url,
            qr=_qr_uri(url),
        )


def visa_letter_pdf(*, letter: VisaLetter, template: VisaLetterTemplate) -> bytes:
    """The letter as PDF bytes. Raises ``BadgeFontsMissing`` without the Noto fonts.
    Side effects: a Wagtail rendition of the letterhead."""
    # Heavy library (WeasyPrint, STYLE rule 9): only the downloads load it.
    from weasyprint import CSS, HTML

    from registration.checkin.badges import fonts_check  # with WeasyPrint: same fonts

    fonts_check()
    text = letter_text(letter=letter, template=template)
    with translation.override(text.language):
        html = render_to_string(TEMPLATE, {"letter": text})
    out = io.BytesIO()
    HTML(string=html).write_pdf(
        out, stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))]
    )
    return out.getvalue()
