"""The participant's calendar by signed link: the personal feed and the entry to download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from registration.links import LinkError, registration_from_key
from registration.messaging.calendar import feed_ics
from registration.messaging.services.invites import invite_download
from registration.models import RegistrationStatus


def _calendar_response(body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_gone(exc: LinkError) -> HttpResponse:
    """An expired or revoked feed answers 410 Gone: calendar clients stop polling a feed
    that is gone, whereas they keep retrying a 404. A tampered key stays a plain 404."""
    if exc.code == "bad_signature":
        raise Http404 from exc
    response = HttpResponse(status=410, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def feed(request: HttpRequest, key: str) -> HttpResponse:
    """Every session of the event, for a calendar subscription (``webcal://``); empty once
    the registration is no longer confirmed, so the entries leave the calendar. Honours the
    links' expiry and revocation (``registration.links``)."""
    try:
        registration = registration_from_key(key, purpose="calendar")
    except LinkError as exc:
        return _link_gone(exc)
    body = feed_ics(
        registration=registration,
        include=registration.status == RegistrationStatus.CONFIRMED,
    )
    return _calendar_response(body, filename="agenda.ics", attachment=False)


@require_GET
def invite(request: HttpRequest, key: str) -> HttpResponse:
    """The same entry as the e-mailed invite (same UID), to add to a calendar by hand."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return _link_gone(exc)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    body = invite_download(registration=registration)
    return _calendar_response(body, filename=f"{registration.event.slug}.ics", attachment=True)
