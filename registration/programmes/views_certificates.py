"""Public certificate pages: the verification page a certificate's QR code opens (anyone; only
name, course, hours, date and issuer), and a participant's download of their own PDF through
their signed personal key."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from cms.selectors import page_in_language
from registration.links import STATUS as LINK_STATUS
from registration.links import LinkError, private_page
from registration.programmes.certificates import certificate_pdf
from registration.programmes.links import enrolment_from_key
from registration.programmes.models import Certificate
from registration.programmes.selectors.certificates import (
    VerificationState,
    certificate_verification,
)

#: HTTP status of the verification page by state: a revoked certificate existed and is gone
#: for good (410, like a revoked link); an unknown token is not found (404).
STATUS = {
    VerificationState.VALID: 200,
    VerificationState.REVOKED: 410,
    VerificationState.UNKNOWN: 404,
}


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer
    return response


@require_GET
@never_cache
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Whether ``token`` is a valid certificate: name, course, hours, date and issuer; a
    revoked one says so and nothing more; an unknown one says there is no such certificate.

    Counted per client against ``RATELIMIT_CERTIFICATE_VERIFY`` (tokens cannot be guessed,
    but nobody gets to try)."""
    limited = is_ratelimited(
        request,
        group="certificate_verify:ip",
        key="ip",
        rate=settings.RATELIMIT_CERTIFICATE_VERIFY,
        increment=True,
    )
    if limited:
        response = TemplateResponse(
            request,
            "programmes/certificates/verify.html",
            {
                "state": "limited",
                "message": _(
                    "Too many checks in a short time. Please wait a few minutes and try again."
                ),
            },
            status=429,
        )
        return _private(response)
    verification = certificate_verification(token, language=translation.get_language())
    response = TemplateResponse(
        request,
        "programmes/certificates/verify.html",
        {"state": verification.state, "verification": verification},
        status=STATUS[verification.state],
    )
    return _private(response)


@require_GET
@never_cache
def certificate_download(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's own certificate as PDF (in their language), through their signed
    key; a page that says why when there is none (not issued yet, or revoked)."""
    try:
        enrolment = enrolment_from_key(key)
    except LinkError as exc:
        # The personal programme page's answer to a link that no longer works.
        page = render(
            request,
            "programmes/link_invalid.html",
            {"code": exc.code},
            status=LINK_STATUS.get(exc.code, 400),
        )
        return _private(private_page(page))
    certificate = (
        Certificate.objects.select_related("enrolment__programme__locale", "enrolment__cohort")
        .filter(enrolment=enrolment)
        .first()
    )
    if certificate is None or certificate.revoked_at is not None:
        response = TemplateResponse(
            request,
            "programmes/certificates/unavailable.html",
            {
                "enrolment": enrolment,
                "revoked": certificate is not None,
                "programme_title": page_in_language(
                    page=enrolment.programme, language=translation.get_language()
                ).title,
            },
            status=404,
        )
        return _private(private_page(response))
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    slug = enrolment.programme.slug
    response["Content-Disposition"] = f'attachment; filename="certificate-{slug}.pdf"'
    return _private(private_page(response))
