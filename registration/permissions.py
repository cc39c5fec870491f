"""Staff roles per event, built on Wagtail's groups and permissions.

Two layers, both needed:

- a **group per role** (``ROLE_GROUPS``) gives access to the Wagtail admin and the model
  permissions that role needs — what kind of thing the user may do;
- an **``EventRole`` row** per user and event says *for which events*. A user sees the
  participants only of the events where they hold a role that allows it.

Superusers pass every check. Check-in staff never see participant lists or exports; reporters
see aggregate reports only.

Organisers also edit their events' pages, with Wagtail's own page permissions (see
``organiser_page_access_sync`` and ``event_page_access_sync``): the organisers' group may *add*
events under every events index (Wagtail lets the owner of a page edit it), and a group per
event may *edit and publish* that event in every locale; its members are exactly the users
holding the organiser role on the event, kept so by the ``EventRole`` signals below.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from cms.models import EventIndexPage, EventPage
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
            # The event's directory: rooms and speakers (also from the page's choosers),
            # organisations; and translating pages with Wagtail's simple_translation.
            "cms.add_room",
            "cms.change_room",
            "cms.add_speaker",
            "cms.change_speaker",
            "cms.add_organiser",
            "cms.change_organiser",
            "simple_translation.submit_translation",
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
    organiser_page_access_sync(groups[StaffRole.ORGANISER])
    organised = EventRole.objects.filter(role=StaffRole.ORGANISER).values("event_id")
    for event in EventPage.objects.filter(pk__in=organised):
        event_page_access_sync(event)
    return groups


#: Wagtail page permissions (codenames of ``wagtailcore.Page``) of the organisers' group on
#: every events index, and of an event's own group on every locale's copy of the event.
ORGANISER_INDEX_PAGE_PERMISSIONS = ("add_page",)
EVENT_PAGE_PERMISSIONS = ("change_page", "publish_page")
#: Collection permissions of the organisers' group on the root collection: upload and choose
#: the papers' documents and the speakers' photos and logos.
ORGANISER_COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
)


def _page_permissions(codenames: tuple[str, ...]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    )


def organiser_page_access_sync(group: Group | None = None) -> None:
    """Let the organisers' group create events under every events index (every locale) and
    upload documents and images (idempotent).

    Why "add" only: Wagtail lets a page's owner edit it, so an organiser edits the events they
    create; editing and publishing any other event comes from that event's own group. Side
    effects: ``GroupPagePermission`` and ``GroupCollectionPermission`` rows.
    """
    group = group or Group.objects.filter(name=ROLE_GROUPS[StaffRole.ORGANISER][0]).first()
    if group is None:
        return
    permissions = _page_permissions(ORGANISER_INDEX_PAGE_PERMISSIONS)
    for index in EventIndexPage.objects.all():
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    # Wagtail's migration makes the root collection; a flushed database has none.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for app_label, codename in ORGANISER_COLLECTION_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


EVENT_GROUP_PREFIX = "Organisers of event "


def event_group_name(event: EventPage) -> str:
    """The name of the group that may edit and publish ``event`` (its default-locale page)."""
    return f"{EVENT_GROUP_PREFIX}{event.pk}"


def event_page_access_sync(event: EventPage, *, pages: bool = True) -> Group:
    """Make the event's own group: edit and publish on every locale's copy of the event; its
    members are the users holding the organiser role on it, nobody else (idempotent).

    Run when a role is given, changed or taken away and when a copy of the event is made in
    another locale, so the permission follows the role. Side effects: the group, its
    ``GroupPagePermission`` rows and its members (``pages=False``: the members only, as when a
    role goes with its event, whose permission rows are being deleted too).
    """
    source = event.source
    group, _created = Group.objects.get_or_create(name=event_group_name(source))
    permissions = _page_permissions(EVENT_PAGE_PERMISSIONS) if pages else []
    for page in Page.objects.filter(translation_key=source.translation_key):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    organisers = EventRole.objects.filter(event=source, role=StaffRole.ORGANISER)
    group.user_set.set(organisers.values_list("user_id", flat=True))
    return group


def event_page_ownership_revoke(*, user, event: EventPage) -> int:
    """Take ``user``'s ownership of the event's pages once they no longer organise it.

    Why: Wagtail lets the owner of a page edit it when they may add pages under its parent, as
    every organiser may; without this, removing the role would leave the creator able to edit.
    Returns how many pages lost their owner (none for a superuser or a current organiser).
    """
    if user.is_superuser or user_has_event_role(user, event, StaffRole.ORGANISER):
        return 0
    return Page.objects.filter(translation_key=event.source.translation_key, owner=user).update(
        owner=None
    )


def event_creator_role_assign(page: EventPage) -> EventRole | None:
    """Give the organiser role on a new event to its creator, if they are an organiser.

    Why: what an organiser makes should show in their own lists (participants, reports) and
    stay theirs to edit and publish in every locale. Nothing for superusers, for pages with no
    owner, or while the event has no copy in the default locale (roles hang on that copy).
    """
    owner = page.owner
    if owner is None or owner.is_superuser:
        return None
    if not owner.groups.filter(name=ROLE_GROUPS[StaffRole.ORGANISER][0]).exists():
        return None
    try:
        source = page.source
    except EventPage.DoesNotExist:
        return None
    return event_role_assign(user=owner, event=source, role=StaffRole.ORGANISER)


def _user_events_resync(user, event_id: int, *, pages: bool = True) -> None:
    """Resync ``event_id`` and every event whose group ``user`` is in (a role edited from
    one event to another leaves the first)."""
    ids = {event_id}
    for name in user.groups.filter(name__startswith=EVENT_GROUP_PREFIX).values_list(
        "name", flat=True
    ):
        suffix = name.removeprefix(EVENT_GROUP_PREFIX)
        if suffix.isdigit():
            ids.add(int(suffix))
    for event in EventPage.objects.filter(pk__in=ids):
        event_page_access_sync(event, pages=pages)
        event_page_ownership_revoke(user=user, event=event)


def _role_saved(sender, instance: EventRole, raw: bool = False, **kwargs) -> None:
    if not raw:
        _user_events_resync(instance.user, instance.event_id)


def _role_deleted(sender, instance: EventRole, **kwargs) -> None:
    # No permission rows are made here: the role may be going with its event, whose rows are
    # being deleted in the same transaction; a row made now would point at a deleted page.
    _user_events_resync(instance.user, instance.event_id, pages=False)


def _event_page_saved(sender, instance: EventPage, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    if event_creator_role_assign(instance) is None:
        try:
            source = instance.source
        except EventPage.DoesNotExist:
            return
        if EventRole.objects.filter(event=source, role=StaffRole.ORGANISER).exists():
            event_page_access_sync(source)  # a new locale's copy: its organisers edit it too


def _event_index_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        organiser_page_access_sync()


def page_permissions_connect() -> None:
    """Keep Wagtail's page permissions in step with the organiser roles (``apps.ready``)."""
    post_save.connect(_role_saved, sender=EventRole, dispatch_uid="organiser-pages-role-saved")
    post_delete.connect(
        _role_deleted, sender=EventRole, dispatch_uid="organiser-pages-role-deleted"
    )
    post_save.connect(
        _event_page_saved, sender=EventPage, dispatch_uid="organiser-pages-event-saved"
    )
    post_save.connect(
        _event_index_saved, sender=EventIndexPage, dispatch_uid="organiser-pages-index-saved"
    )


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


def menu_roles_held(request, *roles: str) -> bool:
    """Whether ``request.user`` holds one of ``roles`` on some event, asked once per request
    for every menu item that needs it (the admin menu has several such items)."""
    memo = request.__dict__.setdefault("_menu_roles_held", {})
    key = tuple(sorted(roles))
    if key not in memo:
        memo[key] = events_for(request.user, *roles).exists()
    return memo[key]


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
    if role == StaffRole.ORGANISER:
        # The row's signal made the event's group; the index pages may be newer than the
        # last sync of the organisers' group.
        organiser_page_access_sync()
        event_page_access_sync(event.source)
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
