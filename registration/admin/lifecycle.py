"""Deletion requests in the Wagtail admin: open requests of the user's events, carried out
(anonymised) after a confirmation. ``registration/wagtail_hooks.py`` imports this module, which
registers the viewset ``deletion_requests`` (``/admin/registration/deletion-requests/``).

The list is scoped like the participant lists (``deletion_requests_open`` uses
``registrations_visible_to``); the carry-out view checks the same scope for the one row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from registration.admin.viewsets import StaffViewSet
from registration.permissions import access_log, user_sees_participants
from registration.selectors.lifecycle import deletion_requests_open
from registration.services.lifecycle import deletion_carry_out


def requests_index(request: HttpRequest) -> HttpResponse:
    """Open deletion requests, oldest first."""
    if not user_sees_participants(request.user):
        raise PermissionDenied
    rows = list(deletion_requests_open(user=request.user))
    # Names are shown: who saw them is written to each event's audit log.
    for event in {row.event_id: row.event for row in rows}.values():
        access_log(user=request.user, event=event, action="registration.deletion_requests_viewed")
    context = {
        "rows": rows,
        "page_title": _("Deletion requests"),
        "header_icon": "bin",
    }
    return TemplateResponse(request, "registration/lifecycle/admin_requests.html", context)


@require_http_methods(["GET", "POST"])
def request_carry_out(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Confirm, then anonymise the registration now."""
    if not user_sees_participants(request.user):
        raise PermissionDenied
    registration = deletion_requests_open(user=request.user).filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    if request.method == "POST":
        deletion_carry_out(registration=registration, by=request.user)
        messages.success(request, _("The registration is anonymised."))
        return HttpResponseRedirect(reverse("deletion_requests:index"))
    context = {
        "registration": registration,
        "page_title": _("Carry out a deletion request"),
        "header_icon": "bin",
    }
    return TemplateResponse(request, "registration/lifecycle/admin_carry_out.html", context)


class DeletionRequestsViewSet(StaffViewSet):
    """Open deletion requests and carrying one out, for those who may see participants."""

    name = "deletion_requests"
    url_prefix = "registration/deletion-requests"
    icon = "bin"
    menu_label = gettext_lazy("Deletion requests")
    menu_name = "deletion-requests"
    menu_order = 225

    def menu_shown(self, request: HttpRequest) -> bool:
        return user_sees_participants(request.user)

    def get_urlpatterns(self):
        return [
            path("", requests_index, name="index"),
            path("<int:registration_id>/", request_carry_out, name="carry_out"),
        ]


@hooks.register("register_admin_viewset")
def register_deletion_requests_viewset():
    return DeletionRequestsViewSet()


@hooks.register("register_log_actions")
def register_lifecycle_log_actions(actions):
    actions.register_action(
        "registration.deletion_requests_viewed",
        gettext_lazy("Deletion requests viewed"),
        gettext_lazy("Viewed the open deletion requests"),
    )
    actions.register_action(
        "registration.deletion_requested",
        gettext_lazy("Deletion requested"),
        gettext_lazy("The participant asked for their data to be deleted"),
    )
    actions.register_action(
        "registration.anonymised",
        gettext_lazy("Anonymised"),
        gettext_lazy("Personal data removed (anonymised)"),
    )
