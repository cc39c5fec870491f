"""The organisers' delegation screens. Thin: each view checks the user's role on the event
(``event_for_staff``: organisers and registration managers), logs who saw personal data
(``access_log``) and calls a service or a selector.

URL names (namespace ``nominations_admin``): index, delegations, delegation_add,
delegation_edit, delegation_detail, delegation_action, nominees, document, participants_xlsx,
participants_pdf.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conference.languages import language_choices, language_codes
from conference.storage import private_file_response
from registration.nominations.links import delegation_url
from registration.nominations.models import Delegation, DelegationDocument, Nomination
from registration.nominations.selectors.overview import event_delegations_overview
from registration.nominations.services.decisions import nominations_decide
from registration.nominations.services.delegations import (
    delegation_create,
    delegation_invite,
    delegation_link_renew,
    delegation_reopen,
    delegation_revoke,
    delegation_update,
)
from registration.nominations.staff.exports import participants_pdf, participants_xlsx
from registration.nominations.staff.forms import DecisionForm, DelegationForm, ReopenForm
from registration.permissions import PARTICIPANT_ROLES, access_log, event_for_staff, events_for

ICON = "group"


def _context(title: str, **extra) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": ICON, **extra}


def _delegation(event, delegation_id: int) -> Delegation:
    """The delegation of this event (404 for another event's: ids are not a way in)."""
    return get_object_or_404(
        Delegation.objects.select_related("event"), pk=delegation_id, event=event
    )


@require_GET
def delegations_index(request: HttpRequest) -> HttpResponse:
    """The events whose delegations the user may manage, each to its delegations screen."""
    events = list(events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date", "pk"))
    if not events:
        raise PermissionDenied
    return TemplateResponse(
        request, "nominations/staff/index.html", _context(_("Delegations"), events=events)
    )


@require_GET
def delegations_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """All delegations of the event: places, link state, stages and women's share."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    overview = event_delegations_overview(event)
    access_log(user=request.user, event=event, action="nominations.delegations_viewed")
    title = _("Delegations: %(event)s") % {"event": event.title}
    return TemplateResponse(
        request,
        "nominations/staff/delegations.html",
        _context(
            title,
            event=event,
            overview=overview,
            now=timezone.now(),
            reopen_form=ReopenForm(),
            languages=language_choices(),
            current_language=get_language(),
        ),
    )


@require_http_methods(["GET", "POST"])
def delegation_edit(request: HttpRequest, event_id: int, delegation_id: int | None = None):
    """Create or edit a delegation (times in the event's time zone)."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    delegation = _delegation(event, delegation_id) if delegation_id else None
    with timezone.override(event.tz):
        if request.method == "POST":
            form = DelegationForm(request.POST)
            if form.is_valid():
                try:
                    if delegation is None:
                        delegation_create(event=event, data=form.service_data(), by=request.user)
                    else:
                        delegation_update(
                            delegation=delegation, data=form.service_data(), by=request.user
                        )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    messages.success(request, _("The delegation is saved."))
                    return redirect("nominations_admin:delegations", event_id=event.pk)
        else:
            initial = DelegationForm.initial_from(delegation) if delegation else {}
            form = DelegationForm(initial=initial)
        title = _("New delegation") if delegation is None else _("Edit delegation")
        response = TemplateResponse(
            request,
            "nominations/staff/delegation_form.html",
            _context(title, event=event, delegation=delegation, form=form),
        )
        # Rendered here: the times in the form are in the event's time zone.
        return response.render()


@require_GET
def delegation_detail(request: HttpRequest, event_id: int, delegation_id: int) -> HttpResponse:
    """One delegation: its focal point, link, nominees and documents."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    delegation = _delegation(event, delegation_id)
    access_log(
        user=request.user,
        event=event,
        action="nominations.delegation_viewed",
        data={"delegation": delegation.pk},
    )
    return TemplateResponse(
        request,
        "nominations/staff/delegation_detail.html",
        _context(
            _("Delegation: %(name)s") % {"name": delegation.name},
            event=event,
            delegation=delegation,
            link=None if delegation.revoked_at else delegation_url(delegation),
            nominations=list(delegation.nominations.select_related("registration")),
            documents=list(delegation.documents.all()),
        ),
    )


ACTIONS = ("invite", "resend", "renew", "revoke", "reopen")


@require_POST
def delegation_action(request: HttpRequest, event_id: int, delegation_id: int, action: str):
    """Invite, send the link again, renew the link, revoke it, reopen nominations."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    delegation = _delegation(event, delegation_id)
    try:
        if action == "invite":
            sent = delegation_invite(delegation=delegation, by=request.user)
            text = _("The invitation is sent.") if sent else _("The invitation was sent already.")
        elif action == "resend":
            delegation_invite(delegation=delegation, by=request.user, resend=True)
            text = _("The link is sent again.")
        elif action == "renew":
            delegation_link_renew(delegation=delegation, by=request.user)
            text = _("The link is renewed: the old link no longer works. Send the new one.")
        elif action == "revoke":
            delegation_revoke(delegation=delegation, by=request.user)
            text = _("The link is revoked.")
        elif action == "reopen":
            with timezone.override(event.tz):
                form = ReopenForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Enter the time until which nominations reopen."))
            delegation_reopen(
                delegation=delegation, until=form.cleaned_data["until"], by=request.user
            )
            text = _("Nominations are reopened for this delegation.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, text)
    return redirect("nominations_admin:delegations", event_id=event.pk)


@require_http_methods(["GET", "POST"])
def nominees(request: HttpRequest, event_id: int) -> HttpResponse:
    """The nominees of all the event's delegations, with a bulk decision form."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    rows = list(
        Nomination.objects.filter(event=event)
        .select_related("delegation", "registration")
        .order_by("delegation__name", "family_name", "given_name", "pk")
    )
    form = DecisionForm(request.POST or None, nomination_ids=[n.pk for n in rows])
    if request.method == "POST" and form.is_valid():
        result = nominations_decide(
            nominations=form.cleaned_data["nominations"],
            decision=form.cleaned_data["decision"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
        if result.decided:
            messages.success(
                request,
                _("Decided: %(count)s. The focal points are told by e-mail.")
                % {"count": len(result.decided)},
            )
        if result.skipped:
            messages.warning(
                request,
                _("Left as they were (their status does not allow this decision): %(names)s")
                % {"names": ", ".join(f"{n.given_name} {n.family_name}" for n in result.skipped)},
            )
        return redirect("nominations_admin:nominees", event_id=event.pk)
    access_log(user=request.user, event=event, action="nominations.nominees_viewed")
    return TemplateResponse(
        request,
        "nominations/staff/nominees.html",
        _context(
            _("Nominees: %(event)s") % {"event": event.title},
            event=event,
            rows=rows,
            form=form,
        ),
    )


@require_GET
def document_download(
    request: HttpRequest, event_id: int, delegation_id: int, delegation_document_id: int
) -> HttpResponse:
    """A document of a delegation of the event, streamed from private storage."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    delegation = _delegation(event, delegation_id)
    document = get_object_or_404(
        DelegationDocument, pk=delegation_document_id, delegation=delegation
    )
    access_log(
        user=request.user,
        event=event,
        action="nominations.document_downloaded",
        data={"delegation": delegation.pk, "document": document.pk},
    )
    return private_file_response(
        document.file, filename=document.filename, content_type="application/pdf"
    )


def _export_language(request: HttpRequest) -> str:
    language = request.GET.get("language", "")
    return language if language in language_codes() else get_language()


@require_GET
def participants_export(request: HttpRequest, event_id: int, fmt: str) -> HttpResponse:
    """The participants by delegation as XLSX or PDF, in the chosen language."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    language = _export_language(request)
    access_log(
        user=request.user,
        event=event,
        action="nominations.participants_exported",
        data={"format": fmt, "language": language},
    )
    if fmt == "xlsx":
        data = participants_xlsx(event, language=language)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = participants_pdf(event, language=language)
        content_type = "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    name = f"delegations-{event.pk}-{language}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def delegations_url(event) -> str:
    return reverse("nominations_admin:delegations", kwargs={"event_id": event.pk})
