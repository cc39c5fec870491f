"""The registration dashboard in the Wagtail admin (viewset ``registration_dashboard`` at
``/admin/registration/dashboard/``): the user's events, and per event the figures an organiser
or registration manager acts on, each a link to the Participants list filtered to those people.

Counts only, no names: opening it is not an access to personal data (the list it links to
logs its own). ``registration/dashboard/wagtail_hooks.py`` imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail import hooks

from registration.admin.registrations import participant_event_ids
from registration.admin.viewsets import StaffViewSet
from registration.dashboard.selectors import EventDashboard, event_dashboard
from registration.models.registrations import RegistrationStatus
from registration.permissions import PARTICIPANT_ROLES, event_for_staff, events_for

PARTICIPANTS = "wagtailsnippets_registration_registration:list"


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the filtered Participants list that shows its people."""

    label: str
    value: int | None
    url: str = ""
    #: A figure worth acting on (approvals pending, unconfirmed): drawn stronger when not zero.
    urgent: bool = False


def participants_url(event, **filters: str) -> str:
    """The Participants list of ``event`` with ``filters`` (names of its filterset)."""
    return f"{reverse(PARTICIPANTS)}?{urlencode({'event': event.pk, **filters})}"


def _figures(event, dashboard: EventDashboard) -> dict[str, list[Figure]]:
    """The dashboard's sections: the figures to act on, then by status, interpretation, door."""
    waiting = RegistrationStatus.WAITLISTED
    pending = RegistrationStatus.AWAITING_APPROVAL
    unconfirmed = RegistrationStatus.AWAITING_EMAIL
    places = dashboard.places_left
    act = [
        Figure(
            _("Approvals pending"),
            dashboard.awaiting_approval,
            participants_url(event, status=pending),
            urgent=True,
        ),
        Figure(
            _("E-mail confirmation missing"),
            dashboard.email_unconfirmed,
            participants_url(event, status=unconfirmed, email_confirmed="false"),
            urgent=True,
        ),
        Figure(
            _("On the waiting list"),
            dashboard.waitlisted,
            participants_url(event, status=waiting),
        ),
        Figure(_("Places left"), places),
        Figure(
            _("Checked in today"),
            dashboard.checked_in_today,
            participants_url(event, checked_in_on=dashboard.today.isoformat()),
        ),
    ]
    by_status = [
        Figure(str(label), dashboard.by_status[value], participants_url(event, status=value))
        for value, label in RegistrationStatus.choices
    ]
    by_status.append(Figure(_("All registrations"), dashboard.total, participants_url(event)))
    interpretation = [
        Figure(
            name,
            count,
            participants_url(
                event, status=RegistrationStatus.CONFIRMED, interpretation_language=code
            ),
        )
        for code, name, count in dashboard.interpretation
    ]
    return {"act": act, "by_status": by_status, "interpretation": interpretation}


@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """The events whose participants the user may see, latest first, each to its dashboard."""
    events = list(events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date", "pk"))
    if not events:
        raise PermissionDenied
    title = _("Registration dashboard")
    context = {
        "events": events,
        "page_title": title,
        "header_title": title,
        "header_icon": "clipboard-list",
    }
    return TemplateResponse(request, "registration/dashboard/index.html", context)


@require_GET
def dashboard_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event's figures, "today" being the date in the event's own time zone."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    today = timezone.localtime(timezone.now(), event.tz).date()
    dashboard = event_dashboard(event=event, today=today)
    title = _("Registration dashboard: %(event)s") % {"event": event.title}
    context = {
        "event": event,
        "dashboard": dashboard,
        "figures": _figures(event, dashboard),
        "participants_url": participants_url(event),
        "page_title": title,
        "header_title": title,
        "header_icon": "clipboard-list",
    }
    return TemplateResponse(request, "registration/dashboard/event.html", context)


class DashboardViewSet(StaffViewSet):
    """The registration dashboard: organisers and registration managers of an event."""

    name = "registration_dashboard"
    url_prefix = "registration/dashboard"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Event dashboard")
    menu_name = "registration_dashboard"
    menu_order = 205
    menu_roles = PARTICIPANT_ROLES

    def menu_shown(self, request: HttpRequest) -> bool:
        # The set the Participants permission policy reads anyway: no query of its own there.
        if request.user.is_superuser:
            return super().menu_shown(request)
        return bool(participant_event_ids(request.user))

    def get_urlpatterns(self):
        return [
            path("", dashboard_index, name="index"),
            path("<int:event_id>/", dashboard_event, name="event"),
        ]


@hooks.register("register_admin_viewset")
def register_dashboard_viewset():
    return DashboardViewSet()
