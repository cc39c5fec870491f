from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    """Nominations: delegations, focal points, quotas, nominees, visa letters."""

    name = "registration.nominations"
    label = "nominations"
    verbose_name = _("Nominations and delegations")

    def ready(self) -> None:
        # Connects the nominee's invitation, visa letters and personal data receivers.
        from registration.nominations import receivers  # noqa: F401
