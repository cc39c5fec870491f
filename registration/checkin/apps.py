from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    """Check-in at the door: badges, the scanner, attendance."""

    name = "registration.checkin"
    label = "checkin"
    verbose_name = _("Check-in")

    def ready(self) -> None:
        # Receivers: a check-in's part of a participant's data export and anonymisation.
        from registration.checkin import receivers  # noqa: F401
