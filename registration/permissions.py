"""Staff roles per event, built on Wagtail's groups and permissions.

Two layers, both needed:

- a **group per role** (``ROLE_GROUPS``) gives access to the Wagtail admin and the model
  permissions that role needs — what kind of thing the user may do;
- an **``EventRole`` row** per user and event says *for which events*. A user sees the
  participants only of the events where they hold a role that allows it.

Superusers pass every check. Check-in staff never see participant lists or exports; reporters
see aggregate reports only.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from cms.models import EventPage
from registration.models.audit import EventLogEntry
from registration.models.registrations import EventRole, StaffRole

#: Roles that may see participants' personal data (lists, details, exports, bulk actions,
#: attendance, badge batches, the message log, logistics).
PARTICIPANT_ROLES = (StaffRole.ORGANISER, StaffRole.REGISTRATION_MANAGER)
#: Who may open an event's scanner. Check-in staff reach the scanner and nothing else.
SCAN_ROLES = (StaffRole.CHECKIN, StaffRole.ORGANISER, StaffRole.REGISTRATION_MANAGER)
#: Who may read an event's report (aggregates; open answers are logged as access).
REPORT_ROLES = (StaffRole.REPORTER, StaffRole.ORGANISER)

#: Group name (English, as stored) and the model permissions of each role's group.
ROLE_GROUPS: dict[str, tuple[str, list[str]]] = {
    StaffRole.ORGANISER: (
        "Event organisers",
        [
            "registration.view_registration",
            "registration.change_registration",
            "registration.view_eventrole",
        ],
    ),
    StaffRole.REGISTRATION_MANAGER: (
        "Registration managers",
        ["registration.view_registration", "registration.change_registration"],
    ),
    StaffRole.CHECKIN: ("Check-in staff", []),
    StaffRole.REPORTER: ("Reporters", []),
}

ROLE_LABELS = {
    "Event organisers": _("Event organisers"),
    "Registration managers": _("Registration managers"),
    "Check-in staff": _("Check-in staff"),
    "Reporters": _("Reporters"),
}


def roles_sync_groups() -> dict[str, Group]:
    """Create or update one group per staff role (idempotent; run after every migrate).

    Side effects: the four groups exist and hold the admin access permission plus their
    role's model permissions (permissions other apps add to a group are kept).
    """
    groups = {}
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for role, (name, perms) in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = [access] if access else []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm:
                wanted.append(perm)
        group.permissions.add(*wanted)
        groups[role] = group
    return groups


def role_group(role: str) -> Group:
    """The group of a staff role (made if missing)."""
    name = ROLE_GROUPS[role][0]
    group = Group.objects.filter(name=name).first()
    return group or roles_sync_groups()[role]


def events_for(user, *roles: str) -> QuerySet:
    """Events (default-locale pages) where ``user`` holds one of ``roles`` (any role if none).

    Superusers get every event; anonymous and inactive users get none.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EventPage.objects.none()
    if user.is_superuser:
        return EventPage.objects.all()
    rows = EventRole.objects.filter(user=user)
    if roles:
        rows = rows.filter(role__in=roles)
    return EventPage.objects.filter(pk__in=rows.values("event_id"))


def user_has_event_role(user, event, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` (any role if none) on ``event`` (any locale)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    source_id = event.source.pk if hasattr(event, "source") else event
    rows = EventRole.objects.filter(user=user, event_id=source_id)
    if roles:
        rows = rows.filter(role__in=roles)
    return rows.exists()


def user_sees_participants(user) -> bool:
    """Whether the user may open participant lists at all (on some event)."""
    return user.is_superuser or (
        user.has_perm("registration.view_registration")
        and events_for(user, *PARTICIPANT_ROLES).exists()
    )


def audit_entries_visible_to(user, entries: QuerySet) -> QuerySet:
    """The audit entries (``EventLogEntry``) of the events where ``user`` may see participants.

    Wagtail's site history, its export and every object history read the log through this
    (``EventLogEntryManager.viewable_by_user``); entries of no event are for superusers only.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return entries
    return entries.filter(event__in=events_for(user, *PARTICIPANT_ROLES))


def access_log(*, user, event, action: str, instance=None, data: dict | None = None) -> None:
    """Write who saw personal data of ``event`` (a list, a search, answers) to the audit log.

    ``instance`` is the object shown (a registration), or none when a list of the event was.
    Side effects: one ``EventLogEntry`` row, visible to the event's organisers and
    registration managers in Reports → Site history. ``action`` must be registered in
    ``registration/admin/hooks.py``.
    """
    source = event.source if hasattr(event, "source") else event
    EventLogEntry.objects.log_action(
        instance if instance is not None else source,
        action,
        user=user if getattr(user, "is_authenticated", False) else None,
        event_id=source.pk,
        data=data or {},
    )


def event_role_assign(*, user, event, role: str) -> EventRole:
    """Give ``user`` the ``role`` on ``event`` (its default-locale page).

    Side effects: an ``EventRole`` row (if missing) and membership of the role's group, so the
    user can reach the admin screens the role needs.
    """
    row, _created = EventRole.objects.get_or_create(user=user, event=event.source, role=role)
    user.groups.add(role_group(role))
    return row


def event_for_staff(user, event_id: int, roles: tuple[str, ...]) -> EventPage:
    """The event's default-locale page, if ``user`` holds one of ``roles`` on it.

    The one guard of every staff screen that takes an event id: 404 for no such event, 403
    (``PermissionDenied``) for an event the user has no such role on.
    """
    event = get_object_or_404(EventPage, pk=event_id).source
    if not user_has_event_role(user, event, *roles):
        raise PermissionDenied
    return event
