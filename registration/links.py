"""Signed, unguessable links to a participant's own record.

A link carries the registration's random ``access_key`` (and the event's id, so that a link
that no longer works can still say where to ask for a new one) signed with the site's secret
and a purpose (salt), so a link for one purpose cannot be replayed for another, a tampered
link is rejected, and nothing in the URL identifies the person.

Two rules keep old links from working for ever:

- **Expiry**: a link stops working ``LINK_VALID_DAYS_AFTER_EVENT`` days after the event's
  last day (in the event's time zone). The end date is only known once the registration is
  loaded, so the check runs after the signature; the signature itself stays timestamped
  (``signing.dumps``) so a caller may still add a cheap ``max_age``.
- **Revocation**: ``access_key`` is the per-registration key version. Rotating it
  (``registration.services.links.registration_links_revoke``) revokes every link signed
  before, for every purpose, without a migration.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import EventPage
from registration.models import Registration
from registration.selectors.registrations import event_in_language

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

SALT = "registration.link"
#: Separates the access key from the event id in the signed payload (``token_urlsafe`` never
#: contains it). Links signed before the event id was added carry the key alone.
SEPARATOR = ":"

#: HTTP status by ``LinkError.code``: a tampered link is the visitor's request gone wrong
#: (400); an expired or revoked one existed and is gone for good (410).
STATUS = {"bad_signature": 400, "expired": 410, "revoked": 410}


class LinkError(Exception):
    """A link that is tampered with, expired or revoked. ``code`` says which
    (``bad_signature``, ``expired``, ``revoked``); ``event_id`` is the event it was for when
    the signature is genuine, so the answer can point at that event's "Lost your link?"."""

    def __init__(self, message: str, *, code: str, event_id: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.event_id = event_id


def sign_key(registration: Registration, *, purpose: str = "manage") -> str:
    """The signed key of ``registration``'s links for ``purpose`` (timestamped)."""
    payload = f"{registration.access_key}{SEPARATOR}{registration.event_id}"
    return signing.dumps(payload, salt=f"{SALT}.{purpose}", compress=False)


def link_valid_until(registration: Registration) -> dt.date:
    """The last day (event time zone) on which ``registration``'s links still work."""
    days = settings.LINK_VALID_DAYS_AFTER_EVENT
    return registration.event.end_date + dt.timedelta(days=days)


def registration_from_key(
    key: str,
    *,
    purpose: str = "manage",
    max_age: int | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """The registration a signed key points at; raises ``LinkError`` (code: bad_signature,
    expired, revoked). ``now`` is for tests that construct dates."""
    try:
        payload = signing.loads(key, salt=f"{SALT}.{purpose}", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkError("expired link", code="expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("bad link", code="bad_signature") from exc
    if not isinstance(payload, str):
        raise LinkError("bad link", code="bad_signature")
    access_key, _sep, event_part = payload.partition(SEPARATOR)
    event_id = int(event_part) if event_part.isdigit() else None
    registration = (
        Registration.objects.select_related("event").filter(access_key=access_key).first()
    )
    if registration is None:
        # Rotated (revoked) or deleted: either way this link is gone for good.
        raise LinkError("revoked link", code="revoked", event_id=event_id)
    event = registration.event
    today = timezone.localdate(now or timezone.now(), event.tz)
    if today > link_valid_until(registration):
        raise LinkError("expired link", code="expired", event_id=event.pk)
    return registration


def manage_url(registration: Registration, *, absolute: bool = True) -> str:
    """The participant's private self-service page, in their language for messages."""
    with translation.override(registration.language):
        path = reverse("registration:manage", kwargs={"key": sign_key(registration)})
    return f"{settings.SITE_URL}{path}" if absolute else path


def link_invalid_response(request: HttpRequest, exc: LinkError) -> HttpResponse:
    """The page that says why a link no longer works and how to get a new one (never cached).

    An expired link cannot be renewed (a new one would be expired too): the page names the
    event's contact instead. A revoked or tampered link points at the event's "Lost your
    link?" form when the event is known.
    """
    event = None
    if exc.event_id is not None:
        source = EventPage.objects.filter(pk=exc.event_id).first()
        if source is not None:
            event = event_in_language(source, translation.get_language())
    context = {
        "code": exc.code,
        "event": event,
        "days": settings.LINK_VALID_DAYS_AFTER_EVENT,
        "resend_url": reverse("registration:resend_link", kwargs={"event_id": exc.event_id})
        if event is not None
        else "",
    }
    response = render(
        request,
        "registration/link_invalid.html",
        context,
        status=STATUS.get(exc.code, 400),
    )
    return private_page(response)


def private_page(response: HttpResponse) -> HttpResponse:
    """Pages reached by a personal link are never cached (by a proxy or the browser's back
    button on a shared computer) or indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
