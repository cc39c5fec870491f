from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Surveys, the post-event report and its exports."""

    name = "registration.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Receivers: survey answers' part of a participant's data export and anonymisation.
        from registration.reports import receivers  # noqa: F401
