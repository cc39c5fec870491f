"""Wagtail admin hooks of the registration room; check-in, messaging and reports register
their own (each room's ``wagtail_hooks``)."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks

# Imported for the hooks they register when imported:
from registration.admin import hooks as _participants  # noqa: F401 — lists, bulk actions, roles
from registration.admin import lifecycle as _lifecycle  # noqa: F401 — deletion requests
from registration.admin import links as _links  # noqa: F401 — "Revoke links and send a new one"
from registration.admin import pages as _pages  # noqa: F401 — event pages of organisers
from registration.views import files as _files  # noqa: F401 — staff read participants-only papers
from registration.views.public import register

# ``<event page>/register/``: the event page's route asks this hook for its view, so that cms
# imports nothing of registration.
hooks.register("event_register_view", register)


@hooks.register("insert_global_admin_css")
def admin_tables_css() -> str:
    """Wide admin tables scroll in their own region (WCAG 1.4.10): the styles."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-tables.css"))


@hooks.register("insert_global_admin_js")
def admin_tables_js() -> str:
    """Wide admin tables scroll in their own region: the script that wraps them, with the
    region's name for a table that has neither caption nor page heading."""
    return format_html(
        '<script src="{}" data-label="{}" defer></script>',
        static("js/admin-tables.js"),
        _("Table"),
    )
