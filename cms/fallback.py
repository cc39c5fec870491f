"""Translation fallback: a page that has no live copy in the visitor's language is served from
another language's copy (the default language first) instead of a 404.

Wagtail routes a request down the tree of the site root's translation in the active language
(``Page.route_for_request``: ``site.root_page.localized.route(path)``). When that finds nothing,
``route_fallback`` walks the same path down the tree of every other locale's root (the default
locale first), so a path written with the slugs of any translation finds its page; then it picks
from that page's translation set the copy to serve. ``cms.views.serve`` hands the result back to
Wagtail's own ``serve`` (privacy checks, hooks, the page's own ``serve`` and routes).

The interface stays in the visitor's language (the language prefix of the URL decides it);
``translation_fallback_note`` tells the visitor that the content is in another language and
links the languages it exists in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import translate_url
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult


@dataclass
class RoutedPage:
    """The page a request was routed to, and what of the path is left for the page's own
    route (``register/``, ``agenda/``): remembered on the request as ``routed_page`` so the
    language switcher and the note can point at the same thing in another language."""

    page: Page
    remainder: str = ""
    fallback: bool = False


@dataclass
class FallbackNote:
    """What the note above a page in another language says, and where its links go."""

    requested: str  # the visitor's language code
    requested_name: str
    shown: str  # the code of the language the content is in
    shown_name: str
    links: list[dict[str, str]] = field(default_factory=list)


def active_content_language() -> str:
    """The content language of the active interface language (``en`` for ``en-gb``)."""
    try:
        return get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """The language's own name, as the switcher shows it (``settings.LANGUAGES``)."""
    return dict(settings.LANGUAGES).get(code, code)


def _language_order(code: str) -> int:
    codes = [settings.LANGUAGE_CODE] + [c for c, _name in settings.LANGUAGES]
    return codes.index(code) if code in codes else len(codes)


def _live_translations(page: Page) -> dict[str, Page]:
    """Language code → the live copy of ``page`` (``page`` included when live)."""
    copies = page.get_translations(inclusive=True).live().select_related("locale")
    return {copy.locale.language_code: copy for copy in copies}


def _components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def route_fallback(request: HttpRequest, path: str) -> RouteResult | str | None:
    """The route to serve ``path`` with when the visitor's language has no page there.

    Returns a ``RouteResult`` (the default-language copy, or the first live copy in the order
    of ``settings.LANGUAGES``, with the rest of the path routed by that copy), a URL to
    redirect a GET to (the path is another translation's and the visitor's language has a
    live copy of that page: its own address), or ``None`` when no locale has a page there.
    """
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = _components(path)
    language = active_content_language()
    roots = sorted(
        site.root_page.get_translations(inclusive=True).live().select_related("locale"),
        key=lambda root: _language_order(root.locale.language_code),
    )
    for root in roots:
        try:
            found = root.specific.route(request, components)
        except Http404:
            continue
        page = found[0]
        remainder = components[page.depth - root.depth :]
        copies = _live_translations(page)
        if language in copies and request.method in ("GET", "HEAD"):
            url = copies[language].get_url(request=request)
            if url:
                rest = "".join(f"{part}/" for part in remainder)
                query = request.META.get("QUERY_STRING", "")
                return f"{url}{rest}" + (f"?{query}" if query else "")
        target = next(
            (copies[code] for code in sorted(copies, key=_language_order) if code != language),
            page,
        )
        if target.pk == page.pk:
            return found
        try:
            return target.specific.route(request, remainder)
        except Http404:
            return found
    return None


def routed_page(
    request: HttpRequest, route: RouteResult, path: str, *, fallback: bool
) -> RoutedPage:
    """The page of ``route`` and the rest of ``path`` after it (no query)."""
    page = route[0]
    site = Site.find_for_request(request)
    depth = site.root_page.depth if site else 2
    remainder = _components(path)[page.depth - depth :]
    return RoutedPage(
        page=page, remainder="".join(f"{part}/" for part in remainder), fallback=fallback
    )


def url_in_language(url: str, *, current: str, language: str) -> str:
    """``url`` (an address under the ``current`` language prefix) under ``language``'s."""
    with translation.override(current):
        return translate_url(url, language)


def url_for_visitor(url: str) -> str:
    """``url``, a page address under any language prefix, under the prefix of the visitor's
    language: a link from a page shown in another language (the fallback, or an untranslated
    event listed on a translated index) keeps the visitor's interface language. No query."""
    current = active_content_language()
    path = urlsplit(url).path
    prefix = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    if prefix == current or prefix not in dict(settings.LANGUAGES):
        return url
    return url_in_language(url, current=prefix, language=current)


def page_url_in_language(*, page: Page, language: str, request: HttpRequest | None = None) -> str:
    """The address of ``page`` for a visitor reading ``language``: its live copy in that
    language, or else the page's own address under that language's prefix (which the
    fallback serves in the page's language with the interface in ``language``).

    For the registration form's redirects and the language switcher: a visitor who chose a
    language stays in it even where the content is not translated yet.
    """
    language = (language or settings.LANGUAGE_CODE)[:2]
    if page.locale.language_code == language:
        return page.get_url(request=request)
    copy = (
        type(page)
        .objects.live()
        .filter(translation_key=page.translation_key, locale__language_code=language)
        .first()
    )
    if copy is not None:
        return copy.get_url(request=request)
    url = page.get_url(request=request)
    return url_in_language(url, current=page.locale.language_code, language=language)


def content_page(context) -> tuple[Page | None, str | None]:
    """The page whose content a template shows, and the rest of the path after it: the
    context's ``page``, else the page Wagtail routed the request to (a route such as
    ``register/`` renders without ``page``), else the ``event`` of the registration form
    when it is shown at its own address (``…/registration/<id>/…``, after a POST; no
    remainder then: that address itself, under another prefix, leads to the form)."""
    request = context.get("request")
    page = context.get("page")
    routed = getattr(request, "routed_page", None)
    if isinstance(page, Page):
        if routed is not None and routed.page.pk == page.pk:
            return page, routed.remainder
        return page, ""
    if routed is not None:
        return routed.page, routed.remainder
    match = getattr(request, "resolver_match", None)
    event = context.get("event")
    if isinstance(event, Page) and match is not None and match.url_name == "register":
        return event, None  # its own address in another language leads to the form there
    return None, ""


def switcher_links(context) -> list[dict[str, object]]:
    """One link per interface language to the same thing the visitor is looking at.

    On a page (or a page's route): the live copy in that language with the same route, else
    the same address under that language's prefix, which the fallback serves. Anywhere else:
    the same address under that language's prefix.
    """
    request = context.get("request")
    current = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    here = request.get_full_path() if request is not None else "/"
    page, remainder = content_page(context)
    copies = _live_translations(page) if page is not None else {}
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            url = here
        elif code in copies and remainder is not None:
            url = (copies[code].get_url(request=request) or "") + remainder
        else:
            url = translate_url(here, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "exists": code in copies,
            }
        )
    return links


def fallback_note(context) -> FallbackNote | None:
    """The note for a page shown in another language than the visitor's, or None."""
    page, _remainder = content_page(context)
    if page is None or page.is_root():
        return None
    requested = active_content_language()
    shown = page.locale.language_code
    if shown == requested:
        return None
    links = [
        {"code": link["code"], "name": link["name"], "url": link["url"]}
        for link in switcher_links(context)
        if link["exists"] and not link["current"]
    ]
    return FallbackNote(
        requested=requested,
        requested_name=language_name(requested),
        shown=shown,
        shown_name=language_name(shown),
        links=links,
    )
