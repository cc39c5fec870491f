"""The participant's "I'm here" / "I'm leaving" panel on their registration page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from registration.checkin.attendance import self_checkin_state

register = template.Library()


def _hhmm(at, tz) -> str:
    return timezone.localtime(at, tz).strftime("%H:%M") if at else ""


@register.inclusion_tag("registration/manage/_attendance.html", takes_context=True)
def self_checkin_panel(context, registration, key):
    """Shown for a confirmed participant of an online or hybrid event on one of its days."""
    state = self_checkin_state(registration=registration)
    checkin = state["checkin"]
    tz = registration.event.tz
    return {
        "attendance": state,
        # Wall-clock times of the event's zone (the ``time`` filter would use the site's).
        "opens": _hhmm(state["opens"], tz),
        "closes": _hhmm(state["closes"], tz),
        "arrived": _hhmm(checkin.at if checkin else None, tz),
        "left": _hhmm(checkin.left_at if checkin else None, tz),
        "event": registration.event,
        "key": key,
        "csrf_token": context.get("csrf_token"),
    }
