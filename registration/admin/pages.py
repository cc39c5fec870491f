"""Event pages in Wagtail's admin for organisers: the events they create become theirs, and the
Pages explorer lists under an events index only the events they organise.

Who may edit or publish which page is Wagtail's own page permissions (set in
``registration.permissions``); these hooks only give the creator the role and trim the list.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail import hooks
from wagtail.models import GroupPagePermission, Page

from cms.models import EventIndexPage, EventPage
from registration.models.registrations import EventRole, StaffRole
from registration.permissions import event_creator_role_assign


@hooks.register("after_create_page")
def organiser_gets_the_event_they_create(request, page: Page) -> None:
    """An organiser who creates an event holds the organiser role on it (so it shows in their
    participants and reports screens, and they keep editing and publishing it)."""
    if isinstance(page.specific, EventPage):
        event_creator_role_assign(page.specific)


def organised_events_filter(user) -> Q:
    """Pages (of any locale) of the events where ``user`` holds the organiser role, that they
    own (a copy not yet in the default locale), or that one of their groups may edit (a
    programme they organise: ``registration.programmes.permissions``)."""
    source_keys = EventPage.objects.filter(
        pk__in=EventRole.objects.filter(user=user, role=StaffRole.ORGANISER).values("event_id")
    ).values("translation_key")
    editable = GroupPagePermission.objects.filter(
        group__user=user, permission__codename="change_page"
    ).values("page_id")
    return Q(translation_key__in=source_keys) | Q(owner=user) | Q(pk__in=editable)


@hooks.register("construct_explorer_page_queryset")
def organisers_see_their_own_events(parent_page: Page, pages: QuerySet, request) -> QuerySet:
    """Under an events index, a user who may not edit the index itself (an organiser, who may
    only add events there) sees only the events they organise; editors and superusers see all.
    """
    user = request.user
    if user.is_superuser or not issubclass(parent_page.specific_class or Page, EventIndexPage):
        return pages
    if parent_page.permissions_for_user(user).can_edit():
        return pages
    return pages.filter(organised_events_filter(user))
