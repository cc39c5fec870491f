"""Thin views: Wagtail's page serving with the translation fallback, and calendar files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from wagtail import views as wagtail_views
from wagtail.models import Page

from cms.fallback import route_fallback, routed_page


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's ``serve``, except that a path with no live page in the visitor's language is
    served from another language's copy (``cms.fallback``) instead of answering 404.

    The fallback route is handed to Wagtail through the per-request cache that
    ``Page.route_for_request`` reads (``request._wagtail_route_for_request``), so Wagtail's own
    ``serve`` runs unchanged: its privacy checks, ``before_serve_page`` hooks and the page's
    own ``serve`` and routes.
    """
    route = Page.route_for_request(request, path)
    fallback = route is None
    if fallback:
        found = route_fallback(request, path)
        if found is None:
            raise Http404
        if isinstance(found, str):
            return HttpResponseRedirect(found)
        request._wagtail_route_for_request = found
        route = found
    request.routed_page = routed_page(request, route, path, fallback=fallback)
    return wagtail_views.serve(request, path)


def calendar_file(request: HttpRequest, page_path: str, name: str) -> HttpResponse:
    """``<page>/agenda.ics`` or ``<index>/events.ics``, served by Wagtail like the page."""
    return serve(request, f"{page_path}{name}.ics/")
