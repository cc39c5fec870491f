"""The registration managers' visa screen of an event: requests and letters (issue, revoke,
download) and the letter templates per language. Organisers and registration managers of the
event only (``event_for_staff``); every view of passport details is written to the audit log.

URL names (namespace ``nominations_visa``): list, issue, revoke, letter, template_add,
template_edit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conference.l10n import country_name
from registration.models import Registration
from registration.nominations.forms_nominee import VisaLetterTemplateForm
from registration.nominations.models import VisaLetter, VisaLetterTemplate
from registration.nominations.services.visa import (
    VisaError,
    visa_letter_issue,
    visa_letter_revoke,
)
from registration.nominations.views_nominee import visa_letter_response
from registration.permissions import PARTICIPANT_ROLES, access_log, event_for_staff, events_for

ICON = "doc-full"


def mask(number: str) -> str:
    """A passport number with all but its last three characters hidden."""
    return "•" * max(len(number) - 3, 0) + number[-3:]


def _context(title: str, **extra) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": ICON, **extra}


def _registration(event, registration_id: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event"), pk=registration_id, event=event
    )


@require_GET
def visa_index(request: HttpRequest) -> HttpResponse:
    """The events whose visa letters the user may manage."""
    events = list(events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date", "pk"))
    if not events:
        raise PermissionDenied
    return TemplateResponse(
        request, "nominations/visa/staff_index.html", _context(_("Visa letters"), events=events)
    )


@require_GET
def visa_list(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's participants who asked for a visa letter: their request and letter."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    rows = []
    registrations = (
        Registration.objects.filter(event=event, visa_letter=True)
        .select_related("visa_request", "visa_letter_issued")
        .order_by("family_name", "given_name", "pk")
    )
    for registration in registrations:
        request_row = getattr(registration, "visa_request", None)
        rows.append(
            {
                "registration": registration,
                "request": request_row,
                "nationality": country_name(str(request_row.nationality)) if request_row else "",
                "passport": mask(request_row.passport_number) if request_row else "",
                "letter": getattr(registration, "visa_letter_issued", None),
            }
        )
    access_log(user=request.user, event=event, action="nominations.visa_viewed")
    return TemplateResponse(
        request,
        "nominations/visa/staff_list.html",
        _context(
            _("Visa letters"),
            event=event,
            rows=rows,
            templates=VisaLetterTemplate.objects.filter(event=event).order_by("language"),
        ),
    )


@require_POST
def visa_issue(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    registration = _registration(event, registration_id)
    try:
        letter = visa_letter_issue(registration=registration)
    except VisaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Visa letter %(reference)s issued.") % {"reference": letter.reference}
        )
    return redirect("nominations_visa:list", event_id=event.pk)


@require_POST
def visa_revoke(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    registration = _registration(event, registration_id)
    letter = get_object_or_404(VisaLetter, registration=registration)
    visa_letter_revoke(letter=letter)
    messages.success(
        request, _("Visa letter %(reference)s revoked.") % {"reference": letter.reference}
    )
    return redirect("nominations_visa:list", event_id=event.pk)


@require_GET
def visa_letter(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    registration = _registration(event, registration_id)
    letter = get_object_or_404(
        VisaLetter.objects.select_related("registration__event"), registration=registration
    )
    if not hasattr(registration, "visa_request"):
        messages.error(request, _("The participant's passport details are no longer stored."))
        return redirect("nominations_visa:list", event_id=event.pk)
    access_log(
        user=request.user,
        event=event,
        action="nominations.visa_letter_downloaded",
        instance=registration,
    )
    return visa_letter_response(letter)


@require_http_methods(["GET", "POST"])
def visa_template(
    request: HttpRequest, event_id: int, visa_template_id: int | None = None
) -> HttpResponse:
    """Add or change the event's visa letter in one language."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    instance = (
        get_object_or_404(VisaLetterTemplate, pk=visa_template_id, event=event)
        if visa_template_id
        else None
    )
    form = VisaLetterTemplateForm(request.POST or None, instance=instance, event=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The visa letter template is saved."))
        return redirect("nominations_visa:list", event_id=event.pk)
    title = _("Visa letter template")
    return TemplateResponse(
        request,
        "nominations/visa/staff_template.html",
        _context(title, event=event, form=form, media=form.media),
        status=400 if form.errors else 200,
    )
