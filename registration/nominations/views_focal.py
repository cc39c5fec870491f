"""The focal point's delegation page, reached by the signed link (no account): the event, the
delegation's places and deadline, its nominees with their status, the nominate form,
replace and withdraw, and the delegation's documents.

Every view reads the delegation from the key in the URL, and every nominee or document it
touches is looked up within that delegation: a focal point reaches only their own. Pages
are never cached or indexed; POSTs are rate-limited per client like the registration form.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conference.storage import private_file_response
from registration.links import private_page
from registration.nominations.forms_focal import DocumentForm, NominationForm
from registration.nominations.links import (
    DelegationLinkError,
    delegation_from_key,
    delegation_link_invalid_response,
)
from registration.nominations.models import Delegation, DelegationDocument, Nomination
from registration.nominations.selectors.focal import (
    delegation_documents,
    delegation_nominees,
    delegation_places,
)
from registration.nominations.services.nominating import (
    REPLACEABLE,
    NominationError,
    delegation_is_open,
    document_delete,
    document_upload,
    nomination_create,
    nomination_replace,
    nomination_withdraw,
)
from registration.ratelimits import RATE_LIMIT_MESSAGE, rate_limited
from registration.selectors.registrations import event_in_language

#: The rate-limit scope of every focal-point POST (the registration form's rates).
SCOPE = "register"


def _page_url(key: str) -> str:
    return reverse("nominations:delegation", kwargs={"delegation_key": key})


def _redirect(key: str, anchor: str = "") -> HttpResponse:
    return private_page(HttpResponseRedirect(_page_url(key) + anchor))


def _nomination_of(delegation: Delegation, nomination_id: int) -> Nomination:
    nomination = Nomination.objects.filter(
        pk=nomination_id, delegation=delegation, anonymised_at__isnull=True
    ).first()
    if nomination is None:
        raise Http404
    return nomination


def _render_page(
    request: HttpRequest,
    delegation: Delegation,
    key: str,
    *,
    form: NominationForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    total, per_role = delegation_places(delegation)
    is_open = delegation_is_open(delegation, now=now)
    context = {
        "delegation": delegation,
        "event": event_in_language(delegation.event, get_language()),
        "source_event": delegation.event,
        "key": key,
        "places": total,
        "role_places": per_role,
        "is_open": is_open,
        "reopened": is_open
        and delegation.deadline is not None
        and delegation.reopened_until is not None
        and now > delegation.deadline,
        "nominees": delegation_nominees(delegation, now=now),
        "documents": delegation_documents(delegation),
        "form": (form or NominationForm()) if is_open and total.left > 0 else form,
        "document_form": document_form or DocumentForm(),
    }
    return private_page(render(request, "nominations/delegation.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def delegation_page(request: HttpRequest, delegation_key: str) -> HttpResponse:
    """The delegation's page; POST ``action=nominate`` or ``action=upload``."""
    try:
        delegation = delegation_from_key(delegation_key)
    except DelegationLinkError as exc:
        return delegation_link_invalid_response(request, exc)
    if request.method != "POST":
        return _render_page(request, delegation, delegation_key)
    action = request.POST.get("action")
    if action == "upload":
        document_form = DocumentForm(request.POST, request.FILES)
        if rate_limited(request, scope=SCOPE):
            document_form.is_valid()
            document_form.add_error(None, RATE_LIMIT_MESSAGE)
            return _render_page(
                request, delegation, delegation_key, document_form=document_form, status=429
            )
        if document_form.is_valid():
            try:
                document_upload(
                    delegation=delegation,
                    file=document_form.cleaned_data["file"],
                    kind=document_form.cleaned_data["kind"],
                )
            except NominationError as exc:
                document_form.add_error("file", exc.message)
            else:
                messages.success(request, _("The document is uploaded."))
                return _redirect(delegation_key, "#documents-title")
        return _render_page(
            request, delegation, delegation_key, document_form=document_form, status=400
        )
    form = NominationForm(request.POST)
    if rate_limited(request, scope=SCOPE, email=request.POST.get("email", "")):
        form.is_valid()
        form.add_error(None, RATE_LIMIT_MESSAGE)
        return _render_page(request, delegation, delegation_key, form=form, status=429)
    if form.is_valid():
        try:
            nomination_create(delegation=delegation, data=form.cleaned_data)
        except NominationError as exc:
            form.add_error("email" if exc.code.startswith("duplicate") else None, exc.message)
        else:
            messages.success(
                request,
                _("The nomination is saved. The organisers will review it."),
            )
            return _redirect(delegation_key, "#nominees-title")
    return _render_page(request, delegation, delegation_key, form=form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def nomination_replace_page(
    request: HttpRequest, delegation_key: str, nomination_id: int
) -> HttpResponse:
    """Put another person in a nominee's place (a form for the new person)."""
    try:
        delegation = delegation_from_key(delegation_key)
    except DelegationLinkError as exc:
        return delegation_link_invalid_response(request, exc)
    nomination = _nomination_of(delegation, nomination_id)
    if nomination.status not in REPLACEABLE:
        messages.error(
            request,
            _("This person can no longer be replaced: they are no longer on your list."),
        )
        return _redirect(delegation_key, "#nominees-title")
    form = NominationForm(request.POST or None, initial={"role": nomination.role})
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope=SCOPE, email=request.POST.get("email", "")):
            form.is_valid()
            form.add_error(None, RATE_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            try:
                nomination_replace(nomination=nomination, data=form.cleaned_data)
            except NominationError as exc:
                form.add_error("email" if exc.code.startswith("duplicate") else None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("The replacement is saved. We have told the person who was replaced."),
                )
                return _redirect(delegation_key, "#nominees-title")
        else:
            status = 400
    context = {
        "delegation": delegation,
        "event": event_in_language(delegation.event, get_language()),
        "nomination": nomination,
        "form": form,
        "key": delegation_key,
    }
    return private_page(
        render(request, "nominations/nomination_replace.html", context, status=status)
    )


@never_cache
@require_POST
def nomination_withdraw_page(
    request: HttpRequest, delegation_key: str, nomination_id: int
) -> HttpResponse:
    """Withdraw a nominee not yet approved (a button on the page, POST only)."""
    try:
        delegation = delegation_from_key(delegation_key)
    except DelegationLinkError as exc:
        return delegation_link_invalid_response(request, exc)
    nomination = _nomination_of(delegation, nomination_id)
    if rate_limited(request, scope=SCOPE):
        messages.error(request, RATE_LIMIT_MESSAGE)
        return _redirect(delegation_key, "#nominees-title")
    try:
        nomination_withdraw(nomination=nomination)
    except NominationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The nomination is withdrawn: its place is free again."))
    return _redirect(delegation_key, "#nominees-title")


@never_cache
@require_GET
def document_download(
    request: HttpRequest, delegation_key: str, delegation_document_id: int
) -> HttpResponse:
    """One of the delegation's documents, for its focal point only (404 otherwise)."""
    try:
        delegation = delegation_from_key(delegation_key)
    except DelegationLinkError as exc:
        raise Http404 from exc
    document = DelegationDocument.objects.filter(
        pk=delegation_document_id, delegation=delegation
    ).first()
    if document is None:
        raise Http404
    return private_file_response(
        document.file, filename=document.filename, content_type="application/pdf"
    )


@never_cache
@require_POST
def document_delete_page(
    request: HttpRequest, delegation_key: str, delegation_document_id: int
) -> HttpResponse:
    """Delete one of the delegation's documents (a button on the page, POST only)."""
    try:
        delegation = delegation_from_key(delegation_key)
    except DelegationLinkError as exc:
        return delegation_link_invalid_response(request, exc)
    document = DelegationDocument.objects.filter(
        pk=delegation_document_id, delegation=delegation
    ).first()
    if document is None:
        raise Http404
    document_delete(document=document)
    messages.success(request, _("The document is deleted."))
    return _redirect(delegation_key, "#documents-title")
