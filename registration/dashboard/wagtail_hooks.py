"""Wagtail admin hooks of the dashboard room: its screen and menu item."""

import registration.dashboard.admin  # noqa: F401 — registers the hooks
