"""``{% calendar_links registration as links %}``: the participant's calendar addresses."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from registration.links import sign_key

register = template.Library()


@register.simple_tag
def calendar_links(registration) -> dict[str, str]:
    """``feed`` (https), ``webcal`` (the same feed for a subscription): signed, personal,
    nothing personal in them."""
    path = reverse(
        "messaging:calendar_feed", kwargs={"key": sign_key(registration, purpose="calendar")}
    )
    feed = f"{settings.SITE_URL}{path}"
    return {"feed": feed, "webcal": "webcal://" + feed.split("://", 1)[1]}
