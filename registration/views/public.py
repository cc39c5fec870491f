"""Participant-facing views: thin callers of registration services.

The form lives at ``<event page>/register/`` (any language copy of the event; registrations
always belong to the default-locale page). The participant's own page is reached only through
the signed link in every e-mail (``registration.links``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from cms.fallback import page_url_in_language
from cms.fields import language_name
from cms.models import EventPage
from registration.forms import RegistrationEditForm, RegistrationForm, ResendLinkForm
from registration.links import LinkError, link_invalid_response, registration_from_key
from registration.links import private_page as _private
from registration.models.registrations import RegistrationStatus
from registration.ratelimits import RATE_LIMIT_MESSAGE, rate_limited
from registration.selectors.lifecycle import privacy_notice_current, privacy_page_in_language
from registration.selectors.registrations import event_in_language, event_public
from registration.services.registrations import (
    ACTIVE,
    RegistrationError,
    registration_cancel,
    registration_confirm_email,
    registration_create,
    registration_resend_link,
    registration_update,
)
from registration.views.files import participant_papers

#: A signed cookie (not the session: no database write per registration) that lets the
#: "thank you" page show for the event just registered for. A signed cookie's value is
#: readable, so it holds the event's id and nothing else: not the address, not the outcome
#: (the page is the same for every outcome; the e-mail says what happened).
DONE_COOKIE = "registration_done"
DONE_SALT = "registration.done"
DONE_MAX_AGE = 3600

#: What the participant is told after submitting, by outcome.
S = RegistrationStatus


def _interface_language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or get_language() or "en")[:2]


def _done_read(request: HttpRequest) -> int | None:
    """The event the visitor has just submitted the form for, if any."""
    raw = request.get_signed_cookie(DONE_COOKIE, None, salt=DONE_SALT, max_age=DONE_MAX_AGE)
    return int(raw) if raw and raw.isdigit() else None


def _done_write(response: HttpResponse, event: EventPage, *, path: str) -> None:
    response.set_signed_cookie(
        DONE_COOKIE,
        str(event.pk),
        salt=DONE_SALT,
        max_age=DONE_MAX_AGE,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, event: EventPage) -> HttpResponse:
    """The registration form of ``event`` (served at ``<event page>/register/``)."""
    source = event.source
    context = {"event": event, "source": source, "state": source.registration_state}
    if request.method == "GET" and request.GET.get("done") and _done_read(request) == source.pk:
        return render(request, "registration/register_done.html", context)
    form = RegistrationForm(request.POST or None, event=source)
    status = 200
    if request.method == "POST" and context["state"] == "open":
        if rate_limited(request, scope="register", email=request.POST.get("email", "")):
            # Checked before the form: a flood costs a cache lookup, not a validation.
            form.is_valid()
            form.add_error(None, RATE_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            try:
                registration_create(
                    event=event, data=form.cleaned_data, language=_interface_language(request)
                )
            except RegistrationError as exc:
                field = {"invitation_required": "invitation_code", "role_not_public": "role"}
                form.add_error(field.get(exc.code), exc.message)
            else:
                # One answer for every outcome (new, waiting list, already registered): the
                # e-mail to the address says which. Without the request Wagtail uses its
                # cached site root paths, not a site query.
                # In the visitor's language even when the event has no copy in it (the
                # translation fallback serves the form there).
                form_url = page_url_in_language(page=event, language=_interface_language(request))
                form_url += "register/"
                response = HttpResponseRedirect(f"{form_url}?done=1")
                _done_write(response, source, path=urlsplit(form_url).path)
                return response
    context.update({"form": form, "resend_form": ResendLinkForm()})
    if status == 200 and form.errors:
        status = 400
    return render(request, "registration/register.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def register_submit(request: HttpRequest, event_id: int) -> HttpResponse:
    """Where the registration form posts: the same view as ``<event page>/register/`` without
    Wagtail's page routing (a site lookup and a walk down the page tree, a third of the time
    of a registration). Only live pages without view restrictions are served here; others
    are sent on to their page route with the POST kept (307), where Wagtail checks access.
    """
    page = event_public(event_id)
    if page is not None and request.method == "GET":
        # Reached by the language switcher after a form with errors: the form's own page.
        local = page_url_in_language(page=page, language=_interface_language(request))
        return HttpResponseRedirect(local + "register/")
    if page is not None:
        return register(request, page)
    restricted = EventPage.objects.live().filter(pk=event_id).first()
    if restricted is None:
        raise Http404
    return HttpResponseRedirect(restricted.get_url(request=request) + "register/", status=307)


def _invalid_link(request: HttpRequest, exc: LinkError) -> HttpResponse:
    return link_invalid_response(request, exc)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's private page, reached by a signed link: view, confirm, edit."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return _invalid_link(request, exc)
    event = registration.event
    editable = registration.status in ACTIVE
    form = RegistrationEditForm(instance=registration, event=event) if editable else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                registration_confirm_email(registration=registration)
                messages.success(request, _("Thank you: your e-mail address is confirmed."))
                return _private(HttpResponseRedirect(request.path))
            if action == "edit" and editable:
                form = RegistrationEditForm(request.POST, instance=registration, event=event)
                if form.is_valid():
                    changed = registration_update(registration=registration, data=form.cleaned_data)
                    if changed:
                        messages.success(request, _("Your changes are saved."))
                    else:
                        messages.info(request, _("Nothing was changed."))
                    return _private(HttpResponseRedirect(request.path))
        except RegistrationError as exc:
            messages.error(request, exc.message)
            return _private(HttpResponseRedirect(request.path))
    registration.refresh_from_db()
    context = {
        "registration": registration,
        "event": event_in_language(event, get_language()),
        "key": key,
        "form": form,
        "interpretation_language_name": language_name(registration.interpretation_language),
        "status_changes": registration.status_changes.all(),
        "can_cancel": registration.status in ACTIVE,
        "needs_confirmation": registration.email_confirmed_at is None
        and registration.status in (S.AWAITING_EMAIL, S.WAITLISTED),
    }
    context["papers"] = participant_papers(
        registration=registration,
        event=context["event"],
        key=key,
        language=(get_language() or registration.language)[:2],
    )
    # Panels of the rooms above the core (a programme's page): each hook of
    # ``registration_manage_panels`` returns safe HTML, or "" when it has nothing to add.
    context["extra_panels"] = [
        panel
        for hook in hooks.get_hooks("registration_manage_panels")
        if (panel := hook(request, registration))
    ]
    status = 400 if form is not None and form.errors else 200
    return _private(render(request, "registration/manage.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, key: str) -> HttpResponse:
    """Ask "are you sure?", then cancel the registration."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return _invalid_link(request, exc)
    manage_path = reverse("registration:manage", kwargs={"key": key})
    if registration.status not in ACTIVE:
        return _private(HttpResponseRedirect(manage_path))
    if request.method == "POST":
        try:
            registration_cancel(registration=registration)
        except RegistrationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Your registration is cancelled. We have sent you an e-mail.")
            )
        return _private(HttpResponseRedirect(manage_path))
    context = {
        "registration": registration,
        "event": event_in_language(registration.event, get_language()),
        "key": key,
    }
    return _private(render(request, "registration/cancel.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def resend_link(request: HttpRequest, event_id: int) -> HttpResponse:
    """ "Lost your link?": always the same answer, whether or not the address is registered."""
    source = get_object_or_404(EventPage, pk=event_id)
    event = event_in_language(source, get_language())
    form = ResendLinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and rate_limited(
        request, scope="resend_link", email=request.POST.get("email", "")
    ):
        form.is_valid()
        form.add_error(None, RATE_LIMIT_MESSAGE)
        status = 429
    elif request.method == "POST" and form.is_valid():
        registration_resend_link(event=source, email=form.cleaned_data["email"])
        return render(request, "registration/resend_link.html", {"event": event, "sent": True})
    if status == 200 and form.errors:
        status = 400
    return render(
        request, "registration/resend_link.html", {"event": event, "form": form}, status=status
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice the consent on the form refers to: the CMS's ``PrivacyPage`` in the
    visitor's language (a redirect); a site without that page shows the built-in short notice."""
    page = privacy_page_in_language(_interface_language(request))
    if page is not None:
        return HttpResponseRedirect(page.get_url(request=request))
    return render(
        request, "registration/privacy.html", {"version": privacy_notice_current().version}
    )
