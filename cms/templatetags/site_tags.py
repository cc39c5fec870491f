"""Template tags shared by every page: the language switcher and the translation fallback
note (what they link to is worked out in ``cms.fallback``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html

from cms.fallback import active_content_language, fallback_note, switcher_links, url_for_visitor

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the same thing in every interface language: on a page (or one of its routes,
    such as ``register/``), its live copy in that language, else the same address under that
    language's prefix, which the fallback serves; on any other view, the same address under
    the other prefix."""
    request = context.get("request")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return {"links": switcher_links(context), "current": current}


@register.inclusion_tag("includes/translation_fallback.html", takes_context=True)
def translation_fallback(context: dict[str, Any]) -> dict[str, Any]:
    """The note above a page shown in another language than the visitor's: that it is not
    translated yet, which language it is shown in, and links to the languages it exists in."""
    return {"note": fallback_note(context)}


@register.filter
def for_visitor(url: str | None) -> str:
    """A page's address under the visitor's language prefix (``cms.fallback.url_for_visitor``):
    ``{{ event.url|for_visitor }}`` on an index that lists an event not translated yet."""
    return url_for_visitor(url) if url else ""


@register.simple_tag(takes_context=True)
def content_lang(context: dict[str, Any], page: Any = None) -> str:
    """`` lang="en"`` for the text of a page shown in another language than the interface's
    (the translation fallback), else nothing: WCAG 3.1.2, language of parts."""
    page = page if page is not None else context.get("page")
    locale = getattr(page, "locale", None)
    code = getattr(locale, "language_code", "")
    if not code or code == active_content_language():
        return ""
    return format_html(' lang="{}"', code)
