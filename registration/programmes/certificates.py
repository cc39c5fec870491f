"""Certificates of completion as PDF: one A4 landscape page per person, in their language.

A page prints the person's name, the programme or course (its title from the programme page
in the person's language, Wagtail's translation; the source page when there is none), the
hours on the certificate, the programme's dates (CLDR month names in the right case,
``conference.l10n``), the cohort and region, the organisers' logos and names (the organiser
snippets in that language), the signatory, the day it was issued, and a QR code of the public
verification page. The QR code and the page's address hold only the certificate's random
token: no name, no id.

The engine is the badges' (``registration.checkin.badges``): WeasyPrint lays the page out
with Pango and HarfBuzz and picks each character's font from Debian's Noto families, so
Cyrillic (Russian, Ukrainian) and Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) are shaped and
embedded as subsets; the QR code is drawn afterwards as PDF vector rectangles where the page
left its zone (WeasyPrint's own SVG path would slow a batch down). A batch renders in chunks
whose pages are joined into one PDF, each page in its own person's language.

WeasyPrint and qrcode are imported inside the functions that use them (heavy, and only the
download views and the worker need them).
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import IO

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cms.models import Organiser, OrganiserRole, ProgrammeKind, ProgrammeOrganiser, ProgrammePage
from cms.selectors import page_in_language, snippets_in_language
from conference.l10n import format_date, format_date_range
from conference.language_texts import text_in
from conference.languages import language_codes

# The badges' QR drawing and font check: one engine for every printed QR code of the site.
from registration.checkin.badges import _qr_operators, fonts_check, qr_matrix
from registration.programmes.models import Certificate, Enrolment

PAGE_TEMPLATE = "programmes/certificate/page.html"
DOCUMENT_TEMPLATE = "programmes/certificate/document.html"
STYLESHEET = settings.BASE_DIR / "templates/programmes/certificate/certificate.css"
#: Logos are scaled down once per batch to this box (pixels) before they are embedded.
LOGO_RENDITION = "max-600x200"
#: Certificates laid out per WeasyPrint document (a batch joins the pages at the end).
CHUNK = 50
#: The organisers' roles that issue a certificate (partners and donors are only shown).
ISSUING_ROLES = (OrganiserRole.ORGANISER, OrganiserRole.CO_ORGANISER)


def verification_url(token: str, *, language: str | None = None) -> str:
    """The public verification page of the certificate ``token`` (absolute, ``SITE_URL``),
    under ``language``'s prefix (the active language when none is given)."""
    with translation.override(language or translation.get_language()):
        path = reverse("programmes:certificate_verify", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def hours_text(hours: Decimal | None) -> str:
    """Hours as the active language writes a number: ``24``, ``12,5`` (no trailing zeros)."""
    if hours is None:
        return ""
    value = Decimal(hours).normalize()
    places = max(0, -value.as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True)


@dataclass(frozen=True)
class OrganiserMark:
    """An organiser on the certificate: its name in the page's language and its logo."""

    name: str
    logo: str  # a data: URI, or empty when the organiser has no logo
    #: An organiser or co-organiser issues the certificate; partners and donors are shown.
    issues: bool = True


@dataclass(frozen=True)
class ProgrammeText:
    """A programme's printed lines in one language (built once per batch and language)."""

    language: str
    title: str
    subtitle: str
    kind: str
    dates: str
    organisers: tuple[OrganiserMark, ...]
    signatory: str

    @property
    def issuer(self) -> str:
        """The organisations that issue the certificate (every one shown when none is an
        organiser or co-organiser), as one line."""
        issuing = [mark for mark in self.organisers if mark.issues] or self.organisers
        return ", ".join(mark.name for mark in issuing if mark.name)


@dataclass(frozen=True)
class CertificateData:
    """What one certificate page prints, already translated."""

    token: str
    verify_url: str
    language: str
    name: str
    hours: str
    issued_on: str
    cohort: str
    region: str
    programme: ProgrammeText


def _logo_uri(image) -> str:
    """The logo as a data: URI (read through its storage: works on S3 as on disk), scaled to
    ``LOGO_RENDITION``; empty when the file cannot be read."""
    try:
        if getattr(image, "is_svg", lambda: False)():
            source, mime = image.file, "image/svg+xml"
        else:
            rendition = image.get_rendition(LOGO_RENDITION)
            source = rendition.file
            mime = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}.get(
                rendition.file.name.rsplit(".", 1)[-1].lower(), "image/png"
            )
        with source.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def programme_texts(
    programme: ProgrammePage, *, languages: Iterable[str] | None = None, logos: bool = True
) -> dict[str, ProgrammeText]:
    """The programme's printed lines in each of ``languages`` (default: every site language).

    Titles from each language's live copy of the programme page, organisers (every role, in
    the page's order) from their snippets in that language; logos embedded once
    (``logos=False``: none, for pages that show only names). Side effects: renditions of the
    logos may be created (Wagtail's). A constant number of queries per language.
    """
    source = programme.source
    links = list(
        ProgrammeOrganiser.objects.filter(page_id=source.pk)
        .select_related("organiser__logo")
        .order_by("sort_order", "pk")
    )
    images: dict[int, str] = {}
    for link in links if logos else ():
        logo = link.organiser.logo
        if logo is not None and logo.pk not in images:
            images[logo.pk] = _logo_uri(logo)
    texts = {}
    for code in languages or language_codes():
        page = page_in_language(page=source, language=code)
        named = snippets_in_language(
            [link.organiser for link in links], model=Organiser, language=code
        )
        marks = []
        for link in links:
            organiser = named.get(link.organiser_id, link.organiser)
            logo_id = link.organiser.logo_id or organiser.logo_id
            marks.append(
                OrganiserMark(
                    name=organiser.name,
                    logo=images.get(logo_id, ""),
                    issues=link.role in ISSUING_ROLES,
                )
            )
        with translation.override(code):
            dates = format_date_range(source.start_date, source.end_date)
            kind = (
                _("has completed the course")
                if source.kind == ProgrammeKind.COURSE
                else _("has completed the programme")
            )
        texts[code] = ProgrammeText(
            language=code,
            title=page.title or source.title,
            subtitle=page.subtitle or source.subtitle,
            kind=kind,
            dates=dates,
            organisers=tuple(marks),
            signatory=source.certificate_signatory,
        )
    return texts


def certificate_language(enrolment: Enrolment, texts: dict[str, ProgrammeText]) -> str:
    """The person's language when the site speaks it, else the site's default language."""
    return enrolment.language if enrolment.language in texts else settings.LANGUAGE_CODE


def certificate_data(
    certificate: Certificate,
    *,
    enrolment: Enrolment,
    texts: dict[str, ProgrammeText],
) -> CertificateData:
    """One certificate's printed lines in its person's language (``texts``:
    ``programme_texts(programme)``, built once for a batch). ``enrolment`` carries its
    cohort (select it with the enrolment)."""
    language = certificate_language(enrolment, texts)
    cohort = enrolment.cohort
    with translation.override(language):
        issued_on = format_date(certificate.issued_at.date())
        hours = hours_text(certificate.hours)
    return CertificateData(
        token=certificate.token,
        verify_url=verification_url(certificate.token, language=language),
        language=language,
        name=f"{enrolment.given_name} {enrolment.family_name}".strip(),
        hours=hours,
        issued_on=issued_on,
        cohort=text_in(cohort.name, language) if cohort is not None else "",
        region=enrolment.region or (cohort.region if cohort is not None else ""),
        programme=texts[language],
    )


# --- Rendering -----------------------------------------------------------------------------


def _chunks(items: Iterable[CertificateData], size: int) -> Iterator[list[CertificateData]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _page_html(data: CertificateData, index: int) -> str:
    with translation.override(data.language):
        return render_to_string(PAGE_TEMPLATE, {"data": data, "index": index})


def _qr_box(rect: tuple, page_height: float) -> tuple[float, float, float]:
    """A zone's anchor rectangle (CSS pixels, y down) as x, y (lower left) and size in PDF
    points (y up)."""
    x1, y1, x2, y2 = (value * 0.75 for value in rect)
    size = min(x2 - x1, y2 - y1)
    return x1, page_height * 0.75 - y1 - size, size


@functools.cache
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def certificates_pdf(
    certificates: Iterable[CertificateData],
    out: IO[bytes],
    *,
    title: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the certificates as one PDF into ``out`` (a page each); return how many.

    ``on_progress(count)`` is called after each chunk of ``CHUNK`` pages is laid out.
    Raises ``BadgeFontsMissing`` before any work when the Noto fonts are not installed.
    Side effects: writes to ``out`` only.
    """
    # Heavy library (WeasyPrint, STYLE rule 9): only certificate downloads and the worker.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts_check()
    font_config = FontConfiguration()
    stylesheets = [CSS(string=_stylesheet_text(), font_config=font_config)]
    cache: dict = {}  # logos decoded once for the whole file
    base = {"title": title or _("Certificates"), "language": translation.get_language()}
    documents = []
    tokens: dict[str, str] = {}
    count = 0
    for chunk in _chunks(certificates, CHUNK):
        pages = [_page_html(data, count + i) for i, data in enumerate(chunk)]
        tokens.update({f"qr-{count + i}": data.verify_url for i, data in enumerate(chunk)})
        html = render_to_string(DOCUMENT_TEMPLATE, {**base, "pages": pages})
        documents.append(
            HTML(string=html).render(stylesheets=stylesheets, font_config=font_config, cache=cache)
        )
        count += len(chunk)
        if on_progress:
            on_progress(count)
    if not documents:
        html = render_to_string(
            DOCUMENT_TEMPLATE, {**base, "pages": [], "nothing": _("No certificates to print.")}
        )
        documents.append(HTML(string=html).render(stylesheets=stylesheets, font_config=font_config))
    pages = [page for document in documents for page in document.pages]
    placements = [
        [
            (_qr_box(rect, page.height), tokens[name])
            for name, rect in page.anchors.items()
            if name in tokens
        ]
        for page in pages
    ]

    def draw_qr_codes(document, pdf) -> None:
        # Each page's content becomes [q, WeasyPrint's content, Q + QR codes]: the codes are
        # drawn in default PDF space whatever graphics state WeasyPrint leaves behind.
        import pydyf

        save = pydyf.Stream(["q"])
        pdf.add_object(save)
        for page_number, qr_codes in zip(pdf.pages["Kids"][::3], placements, strict=True):
            operators = ["Q", "0 0 0 rg"] + [
                _qr_operators(qr_matrix(url), *box) for box, url in qr_codes
            ]
            stream = pydyf.Stream(operators, compress=True)
            pdf.add_object(stream)
            page = pdf.objects[page_number]
            page["Contents"] = pydyf.Array([save.reference, page["Contents"], stream.reference])

    documents[0].copy(pages).write_pdf(out, finisher=draw_qr_codes)
    return count


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate as PDF bytes, in its person's language (the same page as in a batch).

    ``certificate`` with its enrolment, the enrolment's programme and cohort selected.
    Side effects: none besides Wagtail renditions of the organisers' logos.
    """
    enrolment = certificate.enrolment
    texts = programme_texts(enrolment.programme)
    data = certificate_data(certificate, enrolment=enrolment, texts=texts)
    out = io.BytesIO()
    with translation.override(data.language):
        certificates_pdf(
            [data],
            out,
            title=_("Certificate: %(programme)s") % {"programme": data.programme.title},
        )
    return out.getvalue()
