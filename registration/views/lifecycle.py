"""The participant's own data, by signed link: download it, ask for deletion, accept a new
privacy notice. Thin callers of ``registration.services.lifecycle``.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registration.links import LinkError, link_invalid_response, registration_from_key
from registration.links import private_page as _private
from registration.models import Registration
from registration.selectors.lifecycle import (
    personal_data_export,
    personal_data_labelled,
    privacy_notice_current,
)
from registration.selectors.registrations import event_in_language
from registration.services.lifecycle import LifecycleError, deletion_request, privacy_accept


def _registration(request: HttpRequest, key: str) -> Registration | HttpResponse:
    try:
        return registration_from_key(key)
    except LinkError as exc:
        return link_invalid_response(request, exc)  # says why, and how to get a new link


def _manage(key: str) -> HttpResponse:
    return _private(HttpResponseRedirect(reverse("registration:manage", kwargs={"key": key})))


@never_cache
@require_GET
def data_json(request: HttpRequest, key: str) -> HttpResponse:
    """Everything we hold about the participant, as a JSON file."""
    registration = _registration(request, key)
    if isinstance(registration, HttpResponse):
        return registration
    data = personal_data_export(registration=registration)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{registration.pk}.json"'
    return _private(response)


@never_cache
@require_GET
def data_html(request: HttpRequest, key: str) -> HttpResponse:
    """The same data as a page a person can read and print."""
    registration = _registration(request, key)
    if isinstance(registration, HttpResponse):
        return registration
    data = personal_data_export(registration=registration)
    context = {
        "registration": registration,
        "event": event_in_language(registration.event, get_language()),
        "key": key,
        "data": _with_datetimes(data),
        "exported_at": parse_datetime(data["exported_at"]),
        "fields": personal_data_labelled(registration=registration),
    }
    return _private(render(request, "registration/lifecycle/data.html", context))


def _with_datetimes(data: dict) -> dict:
    """The export's ISO timestamps as datetimes again, so the page shows them in the reader's
    language and format."""
    for section in (data["consent"]["history"], data["status_history"], data["messages"]):
        for row in section:
            for field in ("at", "accepted_at", "created_at", "sent_at"):
                if row.get(field):
                    row[field] = parse_datetime(row[field])
    for row in data["check_ins"]:
        row["at"] = parse_datetime(row["at"]) if row.get("at") else None
    return data


@never_cache
@require_http_methods(["GET", "POST"])
def deletion(request: HttpRequest, key: str) -> HttpResponse:
    """Ask "are you sure?", then record the deletion request for staff to carry out."""
    registration = _registration(request, key)
    if isinstance(registration, HttpResponse):
        return registration
    if request.method == "POST":
        try:
            deletion_request(registration=registration)
        except LifecycleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your request is recorded. The organisers will delete your data and keep "
                    "only anonymous figures for the event's report."
                ),
            )
        return _manage(key)
    context = {
        "registration": registration,
        "event": event_in_language(registration.event, get_language()),
        "key": key,
    }
    return _private(render(request, "registration/lifecycle/deletion_confirm.html", context))


@never_cache
@require_POST
def accept_privacy(request: HttpRequest, key: str) -> HttpResponse:
    """Accept the privacy notice in force (the version shown is the one posted)."""
    registration = _registration(request, key)
    if isinstance(registration, HttpResponse):
        return registration
    version = request.POST.get("version", "")
    if version != privacy_notice_current().version:
        # A newer notice was published while the page was open: ask again with that one.
        messages.info(request, _("The privacy notice has changed again: please read it."))
        return _manage(key)
    try:
        privacy_accept(registration=registration, version=version)
    except LifecycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: we have recorded that you accept the notice."))
    return _manage(key)
