"""The personal page's "your data" section reads its own context (the page's view stays as is)."""

from __future__ import annotations

from django import template

from registration.selectors.lifecycle import manage_lifecycle_context

register = template.Library()


@register.simple_tag
def lifecycle_for(registration, key: str) -> dict:
    """What ``registration/manage/your_data.html`` shows: the privacy prompt, downloads and
    the deletion request."""
    return manage_lifecycle_context(registration=registration, key=key)
