"""Participant-facing views: thin callers of registration services."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def register(request: HttpRequest, event) -> HttpResponse:
    """The registration form of ``event`` (served at ``<event page>/register/``)."""
    raise Http404  # built by the registration issue


def manage(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's private page, reached by a signed link."""
    raise Http404  # built by the registration issue
