from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from registration.spreadsheets import safe_cell, wagtail_xlsx_named_sheets


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        post_migrate.connect(_sync_role_groups, sender=self)  # a group per staff role
        # registration.permissions imports the models: the app registry is ready now.
        from registration.permissions import page_permissions_connect

        page_permissions_connect()  # organisers' page permissions follow their roles
        _csv_cells_never_formulas()
        wagtail_xlsx_named_sheets()  # named sheets, frozen header, widths


def _csv_cells_never_formulas() -> None:
    """Every CSV that Wagtail's admin writes for us (site history, snippet listings) passes its
    cells through ``safe_cell``: Wagtail's XLSX writer already stores strings as text, its CSV
    writer does not, and an event title or a label starting with ``=`` would become a live
    formula in a spreadsheet. One wrapper here instead of a subclass of each Wagtail view."""
    # Wagtail's admin views import models: the app registry must be ready first.
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "_safe_cells", False):
        return

    def write_csv_row(self, writer, row_dict):
        return original(self, writer, {field: safe_cell(v) for field, v in row_dict.items()})

    write_csv_row._safe_cells = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row


def _sync_role_groups(sender, **kwargs) -> None:
    # registration.permissions imports the models: the app registry must be ready first.
    from registration.permissions import roles_sync_groups

    # This app's post_migrate can run before auth's has made the permissions the groups need
    # (ours, and Wagtail's ``access_admin`` after a flush in transactional tests): make them all.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))

    roles_sync_groups()
