"""Calendar files under event pages (``…/agenda.ics``, ``…/events.ics``).

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
]
