from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")

    def ready(self) -> None:
        # The receivers import cms.models, which needs the app registry ready.
        from cms import signals

        signals.connect()
