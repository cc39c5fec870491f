"""Wagtail admin hooks of the checkin room: its screens, menu items and log actions."""

import registration.checkin.admin  # noqa: F401 — registers the hooks
