"""The base of the staff screens that are not a model's listing (scanner, logistics, messages,
reports, deletion requests): a Wagtail ``ViewSet`` whose menu item is shown per role.

Each room's ``admin`` module subclasses ``StaffViewSet``, lists its URLs in ``get_urlpatterns``
(the first one is the menu's target) and registers an instance with the
``register_admin_viewset`` hook. Wagtail mounts the URLs under ``/admin/<url_prefix>/`` in the
namespace ``<name>`` and behind its admin-access check; every view still checks the user's role
on the event itself (``registration.permissions.event_for_staff``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from registration.permissions import menu_roles_held


class StaffViewSet(ViewSet):
    """A group of staff screens with one menu item, shown to users who hold one of
    ``menu_roles`` on some event (superusers always; users with no such role never)."""

    #: The staff roles whose holders see the menu item (on any of their events).
    menu_roles: tuple[str, ...] = ()
    add_to_admin_menu = True

    def menu_shown(self, request: HttpRequest) -> bool:
        """Whether the menu item is shown to ``request.user``; the views check access
        themselves, this only spares a user a link that would answer 403."""
        return menu_roles_held(request, *self.menu_roles)

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        viewset = self

        class StaffMenuItem(MenuItem):
            def is_shown(self, request: HttpRequest) -> bool:
                return viewset.menu_shown(request)

        StaffMenuItem.__name__ = f"{type(self).__name__}MenuItem"
        return StaffMenuItem
