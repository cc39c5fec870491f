"""The nominations room in the Wagtail admin: admin URLs (under ``/admin/nominations/``)
and menu items. Each concern appends its own hook functions."""

from __future__ import annotations

from wagtail import hooks  # noqa: F401 - the hook functions below use it
