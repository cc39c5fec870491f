from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from registration.services.invites import connect_signals

        connect_signals()  # calendar updates when an event's agenda is published
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_role_groups, sender=self)  # a group per staff role


def _sync_role_groups(sender, **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from registration.permissions import roles_sync_groups

    # This app's post_migrate can run before auth's has made the permissions the groups need
    # (ours, and Wagtail's ``access_admin`` after a flush in transactional tests): make them all.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))

    roles_sync_groups()
