"""The staff screens' menu items (Wagtail viewsets): each shown only to the roles that may open
the screen behind it, every one with an icon."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.icons import get_icons
from wagtail.admin.menu import admin_menu

from registration.models import StaffRole
from registration.permissions import event_role_assign
from tests.factories import event_create

pytestmark = pytest.mark.django_db

#: The menu items of our staff screens, by the URL they open.
SCREENS = {
    "registration_dashboard:index": "dashboard",
    "logistics:index": "logistics",
    "deletion_requests:index": "deletion requests",
    "checkin_admin:index": "check-in",
    "reports_admin:index": "reports",
    "surveys:index": "surveys",
    "messaging_admin:index": "messages",
}

SHOWN = {
    StaffRole.ORGANISER: {
        "dashboard",
        "logistics",
        "deletion requests",
        "check-in",
        "reports",
        "surveys",
        "messages",
    },
    StaffRole.REGISTRATION_MANAGER: {
        "dashboard",
        "logistics",
        "deletion requests",
        "check-in",
        "messages",
    },
    StaffRole.CHECKIN: {"check-in"},
    StaffRole.REPORTER: {"reports", "surveys"},
}


def _screens_in_menu(user) -> dict[str, str]:
    """Our screens in the user's main menu: screen → the item's icon."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = {reverse(name): screen for name, screen in SCREENS.items()}
    return {
        urls[item.url]: item.icon_name
        for item in admin_menu.menu_items_for_request(request)
        if item.url in urls
    }


@pytest.mark.parametrize("role", list(SHOWN), ids=[role.value for role in SHOWN])
def test_menu_shows_a_role_the_screens_it_may_open(role):
    user = get_user_model().objects.create_user(f"staff-{role.value}", password="pw")
    event_role_assign(user=user, event=event_create(), role=role)

    shown = _screens_in_menu(user)

    assert set(shown) == SHOWN[role]


def test_menu_shows_none_of_the_screens_to_admin_users_without_an_event_role():
    user = get_user_model().objects.create_user("no-role", password="pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )

    assert _screens_in_menu(user) == {}


def test_menu_shows_every_screen_with_an_icon_to_a_superuser_once_there_is_an_event():
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    event_create()

    shown = _screens_in_menu(user)

    assert set(shown) == set(SCREENS.values())
    sprite = get_icons()  # every icon Wagtail's admin can draw, as one SVG sprite
    assert [icon for icon in shown.values() if f'id="icon-{icon}"' not in sprite] == []
