"""The project's own app: settings, URLs, the task helpers and the ``Job`` model."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conference")
    default_auto_field = "django.db.models.BigAutoField"
