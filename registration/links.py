"""Signed, unguessable links to a participant's own record.

A link carries the registration's random ``access_key`` signed with the site's secret and a
purpose (salt), so a link for one purpose cannot be replayed for another, a tampered link is
rejected, and nothing in the URL identifies the person. Rotating ``access_key`` revokes every
link at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from registration.models import Registration

SALT = "registration.link"


class LinkError(Exception):
    """A link that is tampered with, expired, or points at nothing. ``code`` says which."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def sign_key(registration: Registration, *, purpose: str = "manage") -> str:
    return signing.dumps(registration.access_key, salt=f"{SALT}.{purpose}", compress=False)


def registration_from_key(
    key: str, *, purpose: str = "manage", max_age: int | None = None
) -> Registration:
    """The registration a signed key points at; raises ``LinkError`` (code: bad_signature,
    expired, not_found)."""
    try:
        access_key = signing.loads(key, salt=f"{SALT}.{purpose}", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkError("expired link", code="expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("bad link", code="bad_signature") from exc
    registration = (
        Registration.objects.select_related("event").filter(access_key=access_key).first()
    )
    if registration is None:
        raise LinkError("no such registration", code="not_found")
    return registration


def manage_url(registration: Registration, *, absolute: bool = True) -> str:
    """The participant's private self-service page, in their language for messages."""
    with translation.override(registration.language):
        path = reverse("registration:manage", kwargs={"key": sign_key(registration)})
    return f"{settings.SITE_URL}{path}" if absolute else path
