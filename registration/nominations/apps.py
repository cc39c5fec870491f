from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    """Nominations: delegations, focal points, quotas, nominees, visa letters."""

    name = "registration.nominations"
    label = "nominations"
    verbose_name = _("Nominations and delegations")
