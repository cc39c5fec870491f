from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """The outbox and sending, calendar invites, notices and their schedules."""

    name = "registration.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Receivers: the e-mail each registration change sends, and calendar updates when an
        # event's agenda is published. Imported here so that they connect once, at start-up.
        from registration.messaging import receivers  # noqa: F401
