"""Pages with the translation fallback, and calendar files (``…/agenda.ics``, ``…/events.ics``).

``serve`` takes Wagtail's page URL (same pattern, same arguments) before ``wagtail.urls`` does,
so that a page with no copy in the visitor's language is served from another language's copy
(``cms.fallback``); Wagtail's own ``_util/`` URLs are left to Wagtail. Wagtail still builds
page URLs with its own ``wagtail_serve`` name.

Wagtail's page URL pattern only accepts path segments ending in a slash without dots, so
these two file names are routed here first and handed to Wagtail's own page routing (with
its privacy and publication checks), which resolves them to the pages' ``agenda.ics/`` and
``events.ics/`` routes.
"""

from django.urls import re_path

from cms import views

app_name = "cms"

urlpatterns = [
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)*)(?P<name>agenda|events)\.ics$",
        views.calendar_file,
        name="calendar_file",
    ),
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.serve, name="serve"),
]
