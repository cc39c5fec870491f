"""Public URLs of the nominations room (under the language prefix): the focal point's
delegation page (signed link), the nominee's invitation, visa letter verification. Staff
URLs are admin URLs (``wagtail_hooks.py``)."""

from django.urls import path  # noqa: F401 - each concern appends its paths below

app_name = "nominations"

urlpatterns: list = []
