"""The public side of programmes: the enrolment form's POST, its "check your e-mail" page, and
the participant's personal programme page (reached only by the signed link of
``programmes.links``). Thin: bind a form, call one service, show its refusal on the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.models import ProgrammePage
from registration.links import STATUS, LinkError, manage_url, private_page
from registration.programmes.forms import EnrolmentForm
from registration.programmes.links import enrolment_from_key
from registration.programmes.selectors.enrolment import (
    cohort_name,
    enrolment_registrations,
    events_in_locale,
)
from registration.programmes.selectors.events import events_for_cohort
from registration.programmes.selectors.progress import enrolment_progress
from registration.programmes.services.enrolment import (
    EnrolmentError,
    enrolment_confirm,
    enrolment_create,
)
from registration.ratelimits import RATE_LIMIT_MESSAGE, rate_limited
from registration.selectors.registrations import event_in_language

#: Includes of the personal page written by the other concerns, shown when present.
PERSONAL_INCLUDES = (
    "programmes/includes/personal_sessions.html",
    "programmes/includes/personal_mentoring.html",
    "programmes/includes/personal_certificate.html",
)


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or get_language() or "en")[:2]


def _public_programme(programme_id: int, language: str) -> ProgrammePage:
    """The live, public programme (default-locale id) in the visitor's language, if translated."""
    source = (
        ProgrammePage.objects.live().public().select_related("locale").filter(pk=programme_id)
    ).first()
    if source is None or source.pk != source.source.pk:
        raise Http404
    return event_in_language(source, language)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Where the programme page's enrolment form posts. A GET goes to the programme page."""
    language = _language(request)
    page = _public_programme(programme_id, language)
    if request.method == "GET" or not page.source.enrolment_open:
        return HttpResponseRedirect(page.get_url(request=request))
    form = EnrolmentForm(request.POST, programme=page, language=language)
    status = 400
    if rate_limited(request, scope="register", email=request.POST.get("email", "")):
        form.is_valid()
        form.add_error(None, RATE_LIMIT_MESSAGE)
        status = 429
    elif form.is_valid():
        try:
            enrolment_create(
                programme=page,
                cohort=form.chosen_cohort(),
                data=form.cleaned_data,
                language=language,
            )
        except EnrolmentError as exc:
            field = {"cohort_full": "cohort", "wrong_cohort": "cohort"}.get(exc.code)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            # One answer for a new and a repeated address: the e-mail says which.
            return HttpResponseRedirect(
                reverse("programmes:enrol_done", kwargs={"programme_id": programme_id})
            )
    # The programme page again, with the form as submitted and its errors.
    request.programme_enrol_form = form
    context = page.get_context(request)
    return TemplateResponse(request, page.get_template(request), context, status=status)


@never_cache
def enrol_done(request: HttpRequest, programme_id: int) -> HttpResponse:
    page = _public_programme(programme_id, _language(request))
    return render(request, "programmes/enrol_done.html", {"page": page, "programme": page})


@never_cache
@require_http_methods(["GET", "POST"])
def personal(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's own programme page: their cohort, every session with its status and
    (online sessions) the meeting link, their hours and progress, and the other concerns'
    parts (sessions, mentoring, certificate)."""
    try:
        enrolment = enrolment_from_key(key)
    except LinkError as exc:
        status = STATUS.get(exc.code, 400)
        page = render(request, "programmes/link_invalid.html", {"code": exc.code}, status=status)
        return private_page(page)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        enrolment_confirm(enrolment=enrolment)
        messages.success(request, _("Thank you: your enrolment is confirmed."))
        return private_page(HttpResponseRedirect(request.path))
    language = _language(request)
    programme = enrolment.programme
    events = events_for_cohort(programme, enrolment.cohort)
    local = events_in_locale(events, event_in_language(programme, language).locale_id)
    registrations = enrolment_registrations(enrolment)
    now = timezone.now()
    sessions = []
    for event in events:
        registration = registrations.get(event.pk)
        over = event.is_over(now)
        sessions.append(
            {
                "event": local[event.pk],
                "source": event,
                "registration": registration,
                "manage_url": manage_url(registration, absolute=False) if registration else "",
                "online": event.format in ("online", "hybrid"),
                "over": over,
                # Only to a confirmed participant, as on the event's own manage page, and only
                # until the session is over.
                "meeting_link": event.online_link
                if registration is not None and registration.status == "confirmed" and not over
                else "",
            }
        )
    context = {
        "enrolment": enrolment,
        "programme": event_in_language(programme, language),
        "cohort_name": cohort_name(enrolment.cohort, language) if enrolment.cohort else "",
        "sessions": sessions,
        "needs_confirmation": any(
            r.email_confirmed_at is None and r.status in ("awaiting_email", "waitlisted")
            for r in registrations.values()
        ),
        "progress": enrolment_progress(enrolment),
        "key": key,
        "personal_includes": PERSONAL_INCLUDES,
    }
    return private_page(render(request, "programmes/personal.html", context))
