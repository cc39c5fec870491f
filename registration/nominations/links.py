"""The focal point's signed link to their delegation's page.

A link carries the delegation's random ``access_key`` and the event's id, signed with the
site's secret and a salt of its own (a participant's link cannot be replayed here, nor this
one there). Nothing in the URL names the delegation or a person.

- **Expiry**: a link stops working ``DELEGATION_LINK_VALID_DAYS_AFTER_EVENT`` days after the
  event's last day (in the event's time zone).
- **Revocation**: organisers renew the link (a new ``access_key``: every older link stops
  working) or close it for good (``revoked_at``).
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
from registration.links import private_page
from registration.nominations.models import Delegation
from registration.selectors.registrations import event_in_language

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

SALT = "nominations.delegation"
#: Separates the access key from the event id (``token_urlsafe`` never contains it).
SEPARATOR = ":"

#: HTTP status by ``DelegationLinkError.code``: a tampered link is a bad request (400); an
#: expired or revoked one existed and is gone for good (410).
STATUS = {"forged": 400, "expired": 410, "revoked": 410}


class DelegationLinkError(Exception):
    """A focal point's link that is forged (tampered or incomplete), expired or revoked
    (closed, or replaced by a newer link). ``code`` says which; ``event_id`` is the event it
    was for when the signature is genuine, so the page can name the organisers' contact."""

    def __init__(self, message: str, *, code: str, event_id: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.event_id = event_id


def delegation_key(delegation: Delegation) -> str:
    """The signed key of ``delegation``'s page (timestamped, salted)."""
    payload = f"{delegation.access_key}{SEPARATOR}{delegation.event_id}"
    return signing.dumps(payload, salt=SALT, compress=False)


def delegation_link_valid_until(delegation: Delegation) -> dt.date:
    """The last day (event time zone) on which the delegation's link still works."""
    days = settings.DELEGATION_LINK_VALID_DAYS_AFTER_EVENT
    return delegation.event.end_date + dt.timedelta(days=days)


def delegation_url(delegation: Delegation, *, absolute: bool = True) -> str:
    """The focal point's page, under the prefix of the focal point's language."""
    with translation.override(delegation.focal_language or settings.LANGUAGE_CODE):
        path = reverse(
            "nominations:delegation", kwargs={"delegation_key": delegation_key(delegation)}
        )
    return f"{settings.SITE_URL}{path}" if absolute else path


def delegation_from_key(key: str, *, now: dt.datetime | None = None) -> Delegation:
    """The delegation a signed key points at (with its event). Raises
    ``DelegationLinkError`` (code ``forged``, ``expired`` or ``revoked``). ``now`` is for tests.
    """
    try:
        payload = signing.loads(key, salt=SALT)
    except signing.BadSignature as exc:
        raise DelegationLinkError("forged link", code="forged") from exc
    if not isinstance(payload, str):
        raise DelegationLinkError("forged link", code="forged")
    access_key, _sep, event_part = payload.partition(SEPARATOR)
    event_id = int(event_part) if event_part.isdigit() else None
    delegation = Delegation.objects.select_related("event").filter(access_key=access_key).first()
    if delegation is None:
        # Renewed (a new access key) or deleted: either way this link is gone for good.
        raise DelegationLinkError("revoked link", code="revoked", event_id=event_id)
    if delegation.revoked_at is not None:
        raise DelegationLinkError("revoked link", code="revoked", event_id=delegation.event_id)
    today = timezone.localdate(now or timezone.now(), delegation.event.tz)
    if today > delegation_link_valid_until(delegation):
        raise DelegationLinkError("expired link", code="expired", event_id=delegation.event_id)
    return delegation


def delegation_link_invalid_response(
    request: HttpRequest, exc: DelegationLinkError
) -> HttpResponse:
    """The page that says why a focal point's link does not work and whom to ask (never
    cached or indexed; no personal data: only the event's title and public contact)."""
    event = None
    if exc.event_id is not None:
        source = EventPage.objects.filter(pk=exc.event_id).first()
        if source is not None:
            event = event_in_language(source, translation.get_language())
    response = render(
        request,
        "nominations/delegation_link_invalid.html",
        {
            "code": exc.code,
            "event": event,
            "days": settings.DELEGATION_LINK_VALID_DAYS_AFTER_EVENT,
        },
        status=STATUS.get(exc.code, 400),
    )
    return private_page(response)
