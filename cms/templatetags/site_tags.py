"""Template tags shared by every page: the language switcher."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from wagtail.models import Locale, Page

from cms.models import HomePage

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the current page in every interface language.

    On a Wagtail page, the link goes to the live translation of that page when there is one
    (and to the home page of that language when there is none); on any other view, the same
    URL under the other language prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    translations: dict[str, str] = {}
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            url = translation.get_url(request=request)
            if url:
                translations[translation.locale.language_code] = url
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code]
        elif isinstance(page, Page):
            url = _home_url(code, request) or f"/{code}/"
        else:
            url = translate_url(request.get_full_path() if request else "/", code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links, "current": current}


def _home_url(code: str, request: Any) -> str | None:
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return None
    home = HomePage.objects.live().filter(locale=locale).first()
    return home.get_url(request=request) if home else None
