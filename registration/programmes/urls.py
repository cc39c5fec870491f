"""Public URLs of the programmes room (under the language prefix): the participant's
programme page, self check-in, certificate download and verification. Staff URLs are
admin URLs (``wagtail_hooks.py``)."""

from django.urls import path  # noqa: F401 - helpers append their paths below

app_name = "programmes"

urlpatterns: list = []
