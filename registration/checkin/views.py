"""Check-in views: the staff scanner and its JSON endpoints (Wagtail admin URLs), and the
participant's own badge PDF (public, by signed link).

Thin: each checks the staff member's role on the event, calls one service or selector, and
turns a ``CheckInError`` into JSON with its ``code``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cms.models import EventPage
from conference.middleware import permissions_policy
from registration.checkin.attendance import (
    AttendanceError,
    checkin_self,
    checkout,
    scan_checkout,
)
from registration.checkin.badges import badge_pdf_for
from registration.checkin.selectors import checkin_search, local_time
from registration.checkin.services import CheckInError, checkin_perform, checkin_sync
from registration.links import LinkError, link_invalid_response, registration_from_key
from registration.models import EventRole, RegistrationStatus
from registration.permissions import (
    PARTICIPANT_ROLES,
    SCAN_ROLES,
    access_log,
    event_for_staff,
    events_for,
    user_has_event_role,
)

SW_FILE = Path(settings.BASE_DIR) / "static" / "js" / "scanner-sw.js"
MAX_BODY = 512 * 1024


def _json_event(request: HttpRequest, event_id: int) -> EventPage | JsonResponse:
    """For JSON endpoints: the event, or a 403 JSON answer the scanner can show."""
    try:
        return event_for_staff(request.user, event_id, SCAN_ROLES)
    except PermissionDenied:
        return JsonResponse(
            {
                "code": "forbidden",
                "level": "error",
                "message": _("You have no check-in role on this event."),
            },
            status=403,
        )


def _scan_event(request: HttpRequest, event_id: int) -> EventPage | JsonResponse:
    """``_json_event`` for the scan, in one query: the event, its locale and whether the user
    holds a check-in role on it (the same rule as ``event_for_staff``)."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _json_event(request, event_id)
    event = (
        EventPage.objects.select_related("locale")
        .annotate(
            may_scan=Exists(
                EventRole.objects.filter(user=user, event_id=OuterRef("pk"), role__in=SCAN_ROLES)
            )
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404
    if event.source is not event:  # a translation's id: the role is on the source
        return _json_event(request, event_id)
    if not (user.is_superuser or event.may_scan):
        return _json_event(request, event_id)  # the 403 answer
    return event


def _bad_request(message: str | None = None) -> JsonResponse:
    return JsonResponse(
        {
            "code": "bad_request",
            "level": "error",
            "message": message or _("The scanner sent a malformed request."),
        },
        status=400,
    )


def _json_body(request: HttpRequest) -> dict | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@require_GET
def checkin_index(request: HttpRequest) -> HttpResponse:
    """The events whose scanner this user may open."""
    events = events_for(request.user, *SCAN_ROLES).order_by("-start_date")
    rows = [
        {
            "event": event,
            "manage": user_has_event_role(request.user, event, *PARTICIPANT_ROLES),
        }
        for event in events
    ]
    return TemplateResponse(
        request,
        "registration/checkin/index.html",
        {
            "rows": rows,
            "page_title": _("Check-in"),
            "header_title": _("Check-in"),
            "header_icon": "check",
        },
    )


@require_GET
@permissions_policy({"camera": ["self"]})  # the only page that may use the camera
def scanner(request: HttpRequest, event_id: int) -> HttpResponse:
    """The scanner page: camera, keyboard-wedge input and name search; works offline."""
    event = event_for_staff(request.user, event_id, SCAN_ROLES)
    today = timezone.localtime(timezone.now(), event.tz).date()
    strings = {
        "online": pgettext("connection", "Online"),
        "offline": _(
            "Offline: scans are saved on this device and sent when the connection returns."
        ),
        "queued": _("Saved on this device — it will be checked when the connection returns."),
        "waiting": _("Scans waiting to be sent: %(count)s"),
        "synced": _("Sent %(count)s saved scans."),
        "camera_start": _("Start camera"),
        "camera_stop": _("Stop camera"),
        "camera_error": _(
            "The camera could not be started. Use the badge code field or search by name."
        ),
        "camera_on": _("Camera on: hold the badge's QR code in front of it."),
        "no_results": _("Nobody found with that name."),
        "check_in": _("Check in"),
        "language": _("Interpretation"),
        "assistance": _("Assistance"),
        "yes": _("yes"),
        "no": _("no"),
        "none": _("none"),
        "network_error": _("The server could not be reached; the scan is saved on this device."),
        "server_error": _("The server could not check this badge. Try again."),
        "checked_in_at": _("Checked in at"),
        "check_out": _("Check out"),
        "checkout_offline": _(
            "Check-out needs a connection: scan the badge again when the device is online."
        ),
    }
    context = {
        "event": event,
        "today": today,
        "is_event_day": today in event.days,
        "zone_label": event.tz_label,
        "strings": strings,
        "scan_url": reverse("checkin_admin:scan", args=[event.pk]),
        "sync_url": reverse("checkin_admin:sync", args=[event.pk]),
        "search_url": reverse("checkin_admin:search", args=[event.pk]),
        "sw_url": reverse("checkin_admin:service_worker"),
        "sw_scope": reverse("checkin_admin:index"),
        "can_manage": user_has_event_role(request.user, event, *PARTICIPANT_ROLES),
        "page_title": _("Check-in: %(event)s") % {"event": event.title},
        "header_title": _("Check-in: %(event)s") % {"event": event.title},
        "header_icon": "check",
    }
    return TemplateResponse(request, "registration/checkin/scanner.html", context)


@require_POST
@never_cache
def scan(request: HttpRequest, event_id: int) -> JsonResponse:
    """One scan: ``{"token", "nonce", "device"}`` → ``{"code", "level", "message", ...}``."""
    event = _scan_event(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    data = _json_body(request)
    if data is None or not isinstance(data.get("token", ""), str):
        return _bad_request()
    if data.get("mode") == "checkout":
        return _scan_checkout(request, event, data.get("token", ""))
    try:
        result = checkin_perform(
            event=event,
            token=data.get("token", ""),
            nonce=data.get("nonce") if isinstance(data.get("nonce"), str) else "",
            by=request.user,
            device=str(data.get("device") or "")[:100],
        )
    except CheckInError as exc:
        if exc.code == "bad_request":
            return _bad_request(exc.message)
        return JsonResponse(exc.as_json())
    return JsonResponse(result.as_json())


def _scan_checkout(request: HttpRequest, event: EventPage, token: str) -> JsonResponse:
    """The scanner in check-out mode: the badge holder leaves now."""
    try:
        result = scan_checkout(event=event, token=token, by=request.user)
    except AttendanceError as exc:
        return JsonResponse(exc.as_json())
    return JsonResponse(
        {"code": result.code, "level": "ok", "message": result.message, "participant": None}
    )


@require_POST
@never_cache
def sync(request: HttpRequest, event_id: int) -> JsonResponse:
    """Scans queued offline: ``{"scans": [{"token", "nonce", "at"}], "device"}``."""
    event = _json_event(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    data = _json_body(request)
    if data is None:
        return _bad_request()
    try:
        results = checkin_sync(
            event=event,
            scans=data.get("scans"),
            by=request.user,
            device=str(data.get("device") or "")[:100],
        )
    except CheckInError as exc:
        return _bad_request(exc.message)
    return JsonResponse({"results": results})


@require_GET
@never_cache
def search(request: HttpRequest, event_id: int) -> JsonResponse:
    """Name search: name, organisation and status of up to ten matches."""
    event = _json_event(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    query = request.GET.get("q", "")[:100]
    results = checkin_search(event=event, query=query)
    if results:
        # Who looked whom up is audited; the log keeps how many, never the names or the query.
        access_log(
            user=request.user,
            event=event,
            action="checkin.searched",
            data={"results": len(results)},
        )
    return JsonResponse({"results": results})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The scanner's service worker, served under /admin/checkin/ so it may control it."""
    response = HttpResponse(SW_FILE.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def bench_bare(request: HttpRequest, event_id: int) -> JsonResponse:
    """Benchmark baseline (mounted only with BENCH_ENDPOINTS=1): same auth, one query."""
    event = _json_event(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    return JsonResponse({"code": "bare", "message": "ok"})


# --- Public: the participant's own badge --------------------------------------------------


@require_GET
def badge_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The participant's badge as PDF (``?layout=a4`` for an A4 sheet); confirmed only."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return link_invalid_response(request, exc)  # says why, and how to get a new link
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    layout = "a4" if request.GET.get("layout") == "a4" else "a6"
    response = HttpResponse(
        badge_pdf_for(registration, layout=layout), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="badge-{layout}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Public: the participant's own attendance at an online session --------------------------


@require_POST
@never_cache
def self_checkin(request: HttpRequest, key: str) -> HttpResponse:
    """Say "I'm here" (``action=here``) or "I'm leaving" (``action=leave``) from the participant's
    registration page during an online session; back to that page with what happened."""
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        return link_invalid_response(request, exc)
    try:
        if request.POST.get("action") == "leave":
            result = checkout(registration=registration)
            messages.success(
                request,
                _("You left at %(time)s: your hours count until then.")
                % {"time": local_time(result.checkin.left_at, registration.event)},
            )
        else:
            result = checkin_self(registration=registration)
            messages.success(
                request,
                _("You are checked in since %(time)s.")
                % {"time": local_time(result.checkin.at, registration.event)},
            )
    except AttendanceError as exc:
        messages.error(request, exc.message)
    response = redirect(reverse("registration:manage", kwargs={"key": key}))
    response["Cache-Control"] = "private, no-store"
    return response
