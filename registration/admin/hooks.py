"""Registers the participants' screens, bulk actions, roles, logistics and audit-log actions.

Audit entries about registrations and staff roles go to ``EventLogEntry`` (filed under their
event, read only by that event's organisers and registration managers), never to Wagtail's
shared ``ModelLogEntry`` table, which every holder of a model permission reads.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from registration.admin.registrations import (
    BULK_ACTIONS,
    RegistrationDeleteBulkAction,
    RegistrationViewSet,
)
from registration.admin.roles import EventRoleViewSet
from registration.models import EventLogEntry, EventRole, Registration

register_snippet(RegistrationViewSet)

for action in BULK_ACTIONS:
    hooks.register("register_bulk_action", action)
# After Wagtail's own snippet delete (order 0), so this scoped one wins for registrations.
hooks.register("register_bulk_action", RegistrationDeleteBulkAction, order=100)


@hooks.register("register_admin_viewset")
def register_event_roles():
    return EventRoleViewSet("event_roles")


@hooks.register("register_log_actions")
def register_access_log_actions(actions):
    actions.register_model(Registration, EventLogEntry)
    actions.register_model(EventRole, EventLogEntry)
    actions.register_action(
        "registration.list_viewed",
        _("Participant list viewed"),
        _("Viewed the participant list"),
    )
    actions.register_action(
        "registration.exported", _("Participants exported"), _("Exported the participant list")
    )
    actions.register_action(
        "registration.viewed", _("Registration viewed"), _("Viewed a registration")
    )
    actions.register_action(
        "registration.logistics_viewed",
        _("Logistics summary viewed"),
        _("Viewed the logistics summary"),
    )
    actions.register_action(
        "registration.messages_viewed",
        _("Message log viewed"),
        _("Viewed the message log"),
    )
    actions.register_action(
        "checkin.searched", _("Participants searched by name"), _("Searched participants by name")
    )
    actions.register_action(
        "checkin.attendance_viewed", _("Attendance viewed"), _("Viewed the attendance")
    )
    actions.register_action(
        "report.answers_viewed",
        _("Open survey answers viewed"),
        _("Viewed the open survey answers"),
    )
