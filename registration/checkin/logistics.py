"""The logistics summary of one event: interpretation head-count per day, needs, visa letters."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.models import EventPage
from registration.checkin.selectors import logistics_summary
from registration.permissions import (
    PARTICIPANT_ROLES,
    access_log,
    events_for,
    user_has_event_role,
)


def logistics(request: HttpRequest) -> HttpResponse:
    """Choose an event (of the user's), then its summary. Names shown are logged as access."""
    events = events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date")
    if not events.exists():
        raise PermissionDenied
    chosen = request.GET.get("event")
    event = None
    if chosen and chosen.isdigit():
        event = get_object_or_404(EventPage, pk=int(chosen))
        if not user_has_event_role(request.user, event, *PARTICIPANT_ROLES):
            raise PermissionDenied
    elif events.count() == 1:
        event = events.first()
    summary = logistics_summary(event=event) if event else None
    if summary is not None:
        access_log(user=request.user, event=event, action="registration.logistics_viewed")
    context = {
        "events": events,
        "event": event,
        "summary": summary,
        "page_title": _("Logistics summary"),
        "header_icon": "list-ul",
    }
    return TemplateResponse(request, "registration/admin/logistics.html", context)
