from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """Programmes and courses: cohorts, enrolments, mentoring pairs, hours, certificates."""

    name = "registration.programmes"
    label = "programmes"
    verbose_name = _("Programmes and courses")
