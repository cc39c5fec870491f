"""The programmes room in the Wagtail admin and the CMS: admin URLs (under
``/admin/programmes/``), the "Programmes" menu, and the hooks the CMS calls on programme
pages (``programme_page_context``). Each concern appends its own hook functions."""

from __future__ import annotations

from wagtail import hooks  # noqa: F401 - the hook functions below use it
