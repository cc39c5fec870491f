from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """Programmes and courses: cohorts, enrolments, mentoring pairs, hours, certificates."""

    name = "registration.programmes"
    label = "programmes"
    verbose_name = _("Programmes and courses")

    def ready(self) -> None:
        # The permission module imports the models: the app registry is ready now.
        from registration.programmes.permissions import programme_signals_connect

        programme_signals_connect()  # programme staff get their roles on new events
        # Receivers: enrolments in a participant's data export and anonymisation.
        from registration.programmes import receivers  # noqa: F401
