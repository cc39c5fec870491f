"""Thin views: calendar files served through Wagtail's page routing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from wagtail import views as wagtail_views


def calendar_file(request: HttpRequest, page_path: str, name: str) -> HttpResponse:
    """``<page>/agenda.ics`` or ``<index>/events.ics``, served by Wagtail like the page."""
    return wagtail_views.serve(request, f"{page_path}{name}.ics/")
