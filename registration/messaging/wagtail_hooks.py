"""Wagtail admin hooks of the messaging room: its screens, menu items and log actions."""

import registration.messaging.admin  # noqa: F401 — registers the hooks
