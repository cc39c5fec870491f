from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Per-event figures for organisers and registration managers, each a filtered list."""

    name = "registration.dashboard"
    label = "dashboard"
    verbose_name = _("Registration dashboard")
