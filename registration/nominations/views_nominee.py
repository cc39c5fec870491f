"""Public pages of the nominee's side: the approved nominee's registration (the event's form,
prefilled, through their personal link), the participant's visa request and letter (through
their signed registration link), and the visa letter's public verification page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from registration.forms import ResendLinkForm
from registration.links import LinkError, link_invalid_response, private_page, registration_from_key
from registration.nominations.forms_nominee import NomineeRegistrationForm, VisaRequestForm
from registration.nominations.models import VisaLetter, VisaLetterTemplate, VisaRequest
from registration.nominations.services.nominees import (
    NomineeLinkError,
    nomination_from_invite,
    nominee_initial,
    nominee_register,
)
from registration.nominations.services.visa import (
    visa_letter_template,
    visa_request_save,
    visa_verification,
)
from registration.nominations.visa import visa_letter_pdf
from registration.ratelimits import RATE_LIMIT_MESSAGE, rate_limited
from registration.selectors.registrations import event_in_language
from registration.services.registrations import RegistrationError

#: HTTP status of the nominee's link page by ``NomineeLinkError.code``.
LINK_STATUS = {"forged": 400, "closed": 410, "registered": 410}
#: HTTP status of the verification page by state.
VERIFY_STATUS = {"valid": 200, "revoked": 410, "unknown": 404}


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "en")[:2]


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response = private_page(response)
    response["Referrer-Policy"] = "no-referrer"  # the key must not leave in a Referer
    return response


def _invite_invalid(request: HttpRequest, exc: NomineeLinkError) -> HttpResponse:
    event = None
    if exc.nomination is not None:
        event = event_in_language(exc.nomination.event, _language(request))
    if exc.code == "registered":
        # Registered through this link: the form's own "check your e-mail" page.
        context = {"event": event, "source": exc.nomination.event.source}
        return _no_referrer(render(request, "registration/register_done.html", context))
    response = render(
        request,
        "nominations/invite_invalid.html",
        {"code": exc.code, "event": event},
        status=LINK_STATUS.get(exc.code, 400),
    )
    return _no_referrer(response)


@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, key: str) -> HttpResponse:
    """The event's registration form for an approved nominee, prefilled with what the focal
    point entered; submitting it registers them (``nominee_register``)."""
    try:
        nomination = nomination_from_invite(key)
    except NomineeLinkError as exc:
        return _invite_invalid(request, exc)
    source = nomination.event.source
    event = event_in_language(source, _language(request))
    form = NomineeRegistrationForm(
        request.POST or None,
        event=source,
        nomination=nomination,
        initial=nominee_initial(nomination),
    )
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope="register", email=nomination.email):
            form.is_valid()
            form.add_error(None, RATE_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            try:
                nominee_register(
                    nomination=nomination,
                    page=source,
                    data=form.cleaned_data,
                    language=_language(request),
                )
            except NomineeLinkError as exc:
                return _invite_invalid(request, exc)
            except RegistrationError as exc:
                form.add_error(None, exc.message)
            else:
                # The same link now says the registration is made (and where the e-mail went).
                return _no_referrer(HttpResponseRedirect(request.path))
    if status == 200 and form.errors:
        status = 400
    context = {
        "event": event,
        "source": source,
        # The nomination is the invitation: the form is open to the nominee whatever the
        # public form says, but the registration rules (dates, places) still apply on submit.
        "state": "open",
        "form": form,
        "resend_form": ResendLinkForm(),
        "form_action": request.path,
        "nomination": nomination,
    }
    return _no_referrer(render(request, "registration/register.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def visa_request(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's passport details for a visa letter (their signed link)."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return link_invalid_response(request, exc)
    manage = reverse("registration:manage", kwargs={"key": key})
    if not registration.visa_letter:
        return _no_referrer(HttpResponseRedirect(manage))
    source = registration.event
    instance = VisaRequest.objects.filter(registration=registration).first()
    form = VisaRequestForm(request.POST or None, instance=instance, event=source)
    if request.method == "POST" and form.is_valid():
        visa_request_save(registration=registration, data=form.cleaned_data)
        messages.success(request, _("Your passport details are saved for the visa letter."))
        return _no_referrer(HttpResponseRedirect(manage))
    context = {
        "event": event_in_language(source, _language(request)),
        "form": form,
        "manage_url": manage,
        "registration": registration,
    }
    status = 400 if form.errors else 200
    return _no_referrer(render(request, "nominations/visa/request.html", context, status=status))


@never_cache
@require_GET
def visa_letter_download(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's own visa letter as PDF; a page that says why when there is none."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return link_invalid_response(request, exc)
    letter = VisaLetter.objects.filter(registration=registration, revoked_at__isnull=True).first()
    template = visa_letter_template(registration) if letter is not None else None
    if letter is None or template is None or not hasattr(registration, "visa_request"):
        response = render(
            request,
            "nominations/visa/none.html",
            {
                "event": event_in_language(registration.event, _language(request)),
                "manage_url": reverse("registration:manage", kwargs={"key": key}),
            },
            status=404,
        )
        return _no_referrer(response)
    return _no_referrer(visa_letter_response(letter))


def visa_letter_response(letter: VisaLetter) -> HttpResponse:
    """The letter as a PDF download (its own template; the letter's language)."""
    template = VisaLetterTemplate.objects.filter(
        event_id=letter.registration.event_id, language=letter.language
    ).first() or visa_letter_template(letter.registration)
    pdf = visa_letter_pdf(letter=letter, template=template)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="visa-letter-{letter.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def visa_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Whether ``token`` is a valid visa letter: only its reference, the holder's name and the
    event's dates; a revoked one says so; an unknown one says there is no such letter.
    Counted per client (``RATELIMIT_CERTIFICATE_VERIFY``, the certificates' rate)."""
    limited = is_ratelimited(
        request,
        group="visa_verify:ip",
        key="ip",
        rate=settings.RATELIMIT_CERTIFICATE_VERIFY,
        increment=True,
    )
    if limited:
        response = render(
            request,
            "nominations/visa/verify.html",
            {"state": "limited", "message": RATE_LIMIT_MESSAGE},
            status=429,
        )
        return _no_referrer(response)
    verification = visa_verification(token)
    response = render(
        request,
        "nominations/visa/verify.html",
        {"state": verification.state, "verification": verification},
        status=VERIFY_STATUS[verification.state],
    )
    return _no_referrer(response)
