"""Language names in templates, for text in a language other than the page's."""

from __future__ import annotations

from django import template

from cms.fields import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The language's own name (``"ru"`` → ``"Русский"``); mark it up with ``lang="{{ code }}"``
    so that screen readers pronounce it in that language (WCAG 3.1.2)."""
    return _language_name(code)
