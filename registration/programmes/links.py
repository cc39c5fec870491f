"""The signed link to a participant's own programme page (``/programmes/me/<key>/``).

The same approach as ``registration.links``: the key is the enrolment's random
``access_key`` signed with the site's secret and its own purpose (salt), so a registration's
link cannot be replayed here, a tampered key is refused and nothing in the URL names the
person. The link stops working ``LINK_VALID_DAYS_AFTER_PROGRAMME`` days after the programme's
last day (a certificate is downloaded from that page, months after the last session).
Rotating ``access_key`` revokes every link signed before.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from registration.links import LinkError
from registration.programmes.models import Enrolment

SALT = "programmes.enrolment.link"


def enrolment_key(enrolment: Enrolment) -> str:
    """The signed key of ``enrolment``'s personal page (timestamped, like every signed key)."""
    return signing.dumps(enrolment.access_key, salt=SALT, compress=False)


def enrolment_link_valid_until(enrolment: Enrolment) -> dt.date:
    """The last day on which ``enrolment``'s link still works."""
    days = settings.LINK_VALID_DAYS_AFTER_PROGRAMME
    return enrolment.programme.end_date + dt.timedelta(days=days)


def enrolment_from_key(key: str, *, now: dt.datetime | None = None) -> Enrolment:
    """The enrolment a signed key points at; raises ``registration.links.LinkError`` (code:
    bad_signature, expired, revoked). ``now`` is for tests that construct dates."""
    try:
        access_key = signing.loads(key, salt=SALT)
    except signing.BadSignature as exc:
        raise LinkError("bad link", code="bad_signature") from exc
    if not isinstance(access_key, str):
        raise LinkError("bad link", code="bad_signature")
    enrolment = (
        Enrolment.objects.select_related("programme", "programme__locale", "cohort")
        .filter(access_key=access_key, anonymised_at__isnull=True)
        .first()
    )
    if enrolment is None:
        raise LinkError("revoked link", code="revoked")
    if timezone.localdate(now or timezone.now()) > enrolment_link_valid_until(enrolment):
        raise LinkError("expired link", code="expired")
    return enrolment


def enrolment_url(enrolment: Enrolment, *, absolute: bool = True) -> str:
    """The participant's personal programme page, in their language."""
    with translation.override(enrolment.language):
        path = reverse("programmes:personal", kwargs={"key": enrolment_key(enrolment)})
    return f"{settings.SITE_URL}{path}" if absolute else path
