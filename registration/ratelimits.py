"""Rate limits on the public forms that write or send e-mail: per client IP and per address.

django-ratelimit counts in the cache (``RATELIMIT_USE_CACHE``: local memory in development,
Redis when ``REDIS_URL`` is set, so every web process shares the counts). The rates come from
settings (``RATELIMIT_<SCOPE>`` per IP, ``RATELIMIT_<SCOPE>_ADDRESS`` per address) and
``RATELIMIT_ENABLE=0`` turns every limit off (the registration benchmark). Views call
``rate_limited`` before they validate, and answer 429 with ``RATE_LIMIT_MESSAGE`` on the form,
keeping what the person typed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from registration.models.registrations import normalise_email

RATE_LIMIT_MESSAGE = _(
    "Too many attempts in a short time. Please wait a few minutes and try again: what you "
    "entered is kept below."
)

#: scope → (settings name of the per-client rate, settings name of the per-address rate)
SCOPES = {
    "register": ("RATELIMIT_REGISTER", "RATELIMIT_REGISTER_ADDRESS"),
    "resend_link": ("RATELIMIT_RESEND_LINK", "RATELIMIT_RESEND_LINK_ADDRESS"),
    "survey": ("RATELIMIT_SURVEY", "RATELIMIT_SURVEY_ADDRESS"),
}


def rate_limited(request: HttpRequest, *, scope: str, email: str = "") -> bool:
    """Count this request against the client's and the address's limits of ``scope``; true
    when either is exceeded. ``email`` is the address the request is about (normalised, so
    that case and spaces do not make a new address); empty counts only the client.

    Side effect: both counters go up in the cache, also when the answer is "limited" (a
    client that keeps trying stays limited).
    """
    ip_rate, address_rate = (getattr(settings, name) for name in SCOPES[scope])
    limited = is_ratelimited(
        request, group=f"{scope}:ip", key="ip", rate=ip_rate, method="POST", increment=True
    )
    address = normalise_email(email)
    if address:
        limited |= is_ratelimited(
            request,
            group=f"{scope}:address",
            key=lambda _group, _request: address,
            rate=address_rate,
            method="POST",
            increment=True,
        )
    return limited
