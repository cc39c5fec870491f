"""Staff roles on a programme, built on the event roles of ``registration.permissions``.

A ``ProgrammeRole`` row says *which programme* a staff member works on and in which role (the
same roles as on an event). Giving one also gives:

- the role's group (admin access and the model permissions the role needs);
- the same ``EventRole`` on every event of the programme, and on every event added under the
  programme later (``programme_event_roles_assign``, run when an event page is created), so
  the event screens (participants, scanner, reports) work for programme staff unchanged;
- for organisers, a group per programme ("Organisers of programme <id>") that may edit and
  publish the programme's pages in every locale and, through Wagtail's inherited page
  permissions, the events under it.

Superusers pass every check. Every screen of the programmes room that takes a programme id
calls ``programme_for_staff`` first.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404
from wagtail.models import GroupPagePermission, Locale, Page

from cms.models import EventPage, ProgrammePage
from registration.models.audit import EventLogEntry
from registration.models.registrations import EventRole, StaffRole
from registration.permissions import (
    EVENT_PAGE_PERMISSIONS,
    PARTICIPANT_ROLES,
    ROLE_GROUPS,
    event_role_assign,
    organiser_page_access_sync,
    role_group,
)
from registration.programmes.models import ProgrammeRole

__all__ = [
    "PARTICIPANT_ROLES",
    "PROGRAMME_GROUP_PREFIX",
    "programme_access_log",
    "programme_creator_role_assign",
    "programme_event_roles_assign",
    "programme_for_staff",
    "programme_page_access_sync",
    "programme_role_assign",
    "programme_role_revoke",
    "programmes_for",
    "user_has_programme_role",
]

PROGRAMME_GROUP_PREFIX = "Organisers of programme "


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def programmes_for(user, *roles: str) -> QuerySet:
    """Programmes (default-locale pages) where ``user`` holds one of ``roles`` (any role if
    none). Superusers get every default-locale programme; anonymous and inactive users none."""
    if not _active(user):
        return ProgrammePage.objects.none()
    if user.is_superuser:
        return ProgrammePage.objects.filter(locale=Locale.get_default())
    rows = ProgrammeRole.objects.filter(user=user)
    if roles:
        rows = rows.filter(role__in=roles)
    return ProgrammePage.objects.filter(pk__in=rows.values("programme_id"))


def user_has_programme_role(user, programme, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` (any role if none) on ``programme`` (a page of
    any locale, or the id of the default-locale page)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    source_id = programme.source.pk if hasattr(programme, "source") else programme
    rows = ProgrammeRole.objects.filter(user=user, programme_id=source_id)
    if roles:
        rows = rows.filter(role__in=roles)
    return rows.exists()


def programme_for_staff(user, programme_id: int, roles: tuple[str, ...]) -> ProgrammePage:
    """The programme's default-locale page, if ``user`` holds one of ``roles`` on it.

    The one guard of every staff screen of the programmes room: 404 for no such programme,
    403 (``PermissionDenied``) for a programme the user has no such role on.
    """
    programme = get_object_or_404(ProgrammePage, pk=programme_id).source
    if not user_has_programme_role(user, programme, *roles):
        raise PermissionDenied
    return programme


def _programme_event_sources(programme: ProgrammePage) -> list[EventPage]:
    """Every event under the programme (drafts too), default-locale pages."""
    return list(EventPage.objects.child_of(programme.source).order_by("start_date", "path"))


def programme_group_name(programme: ProgrammePage) -> str:
    return f"{PROGRAMME_GROUP_PREFIX}{programme.source.pk}"


def programme_page_access_sync(programme: ProgrammePage) -> Group:
    """Make the programme's own group: edit and publish on every locale's copy of the
    programme (and, inherited, on the events under it); its members are exactly the users
    holding the organiser role on the programme (idempotent).

    Side effects: the group, its ``GroupPagePermission`` rows and its members.
    """
    source = programme.source
    group, _created = Group.objects.get_or_create(name=programme_group_name(source))
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=EVENT_PAGE_PERMISSIONS
    )
    for page in Page.objects.filter(translation_key=source.translation_key):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    organisers = ProgrammeRole.objects.filter(programme=source, role=StaffRole.ORGANISER)
    group.user_set.set(organisers.values_list("user_id", flat=True))
    return group


def programme_role_assign(*, user, programme: ProgrammePage, role: str) -> ProgrammeRole:
    """Give ``user`` the ``role`` on ``programme`` (its default-locale page).

    Side effects: a ``ProgrammeRole`` row (if missing), membership of the role's group, the
    same ``EventRole`` on every event of the programme (drafts included) and, for organisers,
    the programme's page group (edit and publish the programme and its events).
    """
    source = programme.source
    row, _created = ProgrammeRole.objects.get_or_create(user=user, programme=source, role=role)
    user.groups.add(role_group(role))
    for event in _programme_event_sources(source):
        event_role_assign(user=user, event=event, role=role)
    if role == StaffRole.ORGANISER:
        organiser_page_access_sync()
        programme_page_access_sync(source)
    return row


def programme_role_revoke(*, user, programme: ProgrammePage, role: str) -> int:
    """Take ``role`` on ``programme`` away from ``user``, and the same role on the
    programme's events (given with it). Returns how many rows went.

    Side effects: the ``ProgrammeRole`` row and those ``EventRole`` rows deleted (their
    signals take the page groups' membership and the pages' ownership away).
    """
    source = programme.source
    deleted, _rows = ProgrammeRole.objects.filter(user=user, programme=source, role=role).delete()
    events = [e.pk for e in _programme_event_sources(source)]
    for row in EventRole.objects.filter(user=user, event_id__in=events, role=role):
        row.delete()  # one by one: each row's signal resyncs its event's group
        deleted += 1
    return deleted


def programme_event_roles_assign(event: EventPage) -> int:
    """Give the staff of the event's programme the same roles on this new event.

    Run when an event page is created under a programme (default-locale copies only; a
    translation shares its source's roles). Returns how many roles were given.
    """
    parent = event.get_parent()
    if parent is None or not issubclass(parent.specific_class or Page, ProgrammePage):
        return 0
    try:
        source = event.source
    except EventPage.DoesNotExist:
        return 0
    if source.pk != event.pk:
        return 0
    programme = parent.specific.source
    count = 0
    for row in ProgrammeRole.objects.filter(programme=programme).select_related("user"):
        event_role_assign(user=row.user, event=source, role=row.role)
        count += 1
    return count


def programme_creator_role_assign(page: ProgrammePage) -> ProgrammeRole | None:
    """Give the organiser role on a new programme to its creator, if they are an organiser
    (as ``event_creator_role_assign`` does for events). Nothing for superusers, pages with no
    owner, or a copy not yet in the default locale."""
    owner = page.owner
    if owner is None or owner.is_superuser:
        return None
    if not owner.groups.filter(name=ROLE_GROUPS[StaffRole.ORGANISER][0]).exists():
        return None
    try:
        source = page.source
    except ProgrammePage.DoesNotExist:
        return None
    return programme_role_assign(user=owner, programme=source, role=StaffRole.ORGANISER)


def programme_access_log(
    *, user, programme: ProgrammePage, action: str, instance=None, data: dict | None = None
) -> None:
    """Write who saw personal data of ``programme`` (enrolments, a search) to the audit log.

    The audit log is filed per event (``EventLogEntry``, read by the event's organisers and
    registration managers). A programme entry is filed under the programme's first event
    (every programme staff member holds the same role there) with ``data["programme"]``; a
    programme with no event yet files it under no event, which superusers read. ``action``
    must be registered in ``registration/programmes/wagtail_hooks.py``.
    """
    source = programme.source
    events = _programme_event_sources(source)
    payload = {"programme": source.pk, **(data or {})}
    EventLogEntry.objects.log_action(
        instance if instance is not None else source,
        action,
        user=user if _active(user) else None,
        event_id=events[0].pk if events else None,
        data=payload,
    )


def _programme_page_saved(sender, instance: ProgrammePage, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    if programme_creator_role_assign(instance) is None:
        try:
            source = instance.source
        except ProgrammePage.DoesNotExist:
            return
        if ProgrammeRole.objects.filter(programme=source, role=StaffRole.ORGANISER).exists():
            programme_page_access_sync(source)  # a new locale's copy: its organisers edit it


def _event_page_saved(sender, instance: EventPage, created: bool, raw=False, **kwargs):
    # Beside registration.permissions' own receiver (the creator's role), not instead of it:
    # both only add roles, in either order.
    if created and not raw:
        programme_event_roles_assign(instance)


def _programme_role_changed(sender, instance: ProgrammeRole, raw=False, **kwargs):
    if raw or instance.role != StaffRole.ORGANISER:
        return
    programme = ProgrammePage.objects.filter(pk=instance.programme_id).first()
    if programme is not None:
        programme_page_access_sync(programme)


def programme_signals_connect() -> None:
    """Keep roles and page permissions in step with programmes (``apps.ready``)."""
    post_save.connect(
        _programme_page_saved, sender=ProgrammePage, dispatch_uid="programmes-page-saved"
    )
    post_save.connect(_event_page_saved, sender=EventPage, dispatch_uid="programmes-event-saved")
    post_save.connect(
        _programme_role_changed, sender=ProgrammeRole, dispatch_uid="programmes-role-saved"
    )
    post_delete.connect(
        _programme_role_changed, sender=ProgrammeRole, dispatch_uid="programmes-role-deleted"
    )
