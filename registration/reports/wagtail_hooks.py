"""Wagtail admin hooks of the reports room: its screens, menu items and log actions."""

import registration.reports.admin  # noqa: F401 — registers the hooks
