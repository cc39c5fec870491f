"""Check-in in the Wagtail admin: the scanner, live attendance and badge batches (the viewset
``checkin_admin`` at ``/admin/checkin/``) and the logistics summary (``logistics`` at
``/admin/registration/logistics/``).

``registration/checkin/wagtail_hooks.py`` imports this module, which registers the viewsets.
The scanner is open to check-in staff; attendance lists, badge PDFs and logistics (personal
data) only to organisers and registration managers of the event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import hooks

from conference.storage import private_file_response
from registration.admin.viewsets import StaffViewSet
from registration.checkin import roster as roster_views
from registration.checkin import views
from registration.checkin.logistics import logistics, logistics_xlsx, signin_sheet
from registration.checkin.models import BadgeBatch, BadgeBatchStatus, BadgeLayout
from registration.checkin.selectors import (
    attendance_by_day,
    badge_registrations,
    checkin_not_arrived,
    checkin_recent,
)
from registration.checkin.selectors import badge_batches as batches_of
from registration.checkin.services import badge_batch_create
from registration.models.registrations import ParticipantRole
from registration.permissions import (
    PARTICIPANT_ROLES,
    SCAN_ROLES,
    access_log,
    event_for_staff,
)


def _today(event) -> dt.date:
    return timezone.localtime(timezone.now(), event.tz).date()


def _day_param(request: HttpRequest, event) -> dt.date:
    day = parse_date(request.GET.get("day") or "") if request.GET.get("day") else None
    if day in event.days:
        return day
    today = _today(event)
    if today in event.days:
        return today
    return event.start_date if today < event.start_date else event.end_date


@require_GET
def attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    """Checked in per day against confirmed, and who has not arrived on the chosen day."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    day = _day_param(request, event)
    context = {
        "event": event,
        "day": day,
        "days": attendance_by_day(event=event),
        "not_arrived": list(checkin_not_arrived(event=event, day=day)[:500]),
        "recent": list(checkin_recent(event=event, day=day)),
        "live_url": reverse("checkin_admin:attendance_json", args=[event.pk]),
        "page_title": _("Attendance: %(event)s") % {"event": event.title},
        "header_title": _("Attendance: %(event)s") % {"event": event.title},
        "zone_label": event.tz_label,
        "header_icon": "check",
    }
    # The page names who has not arrived and who came in last: an access to be audited.
    access_log(
        user=request.user,
        event=event,
        action="checkin.attendance_viewed",
        data={"day": day.isoformat() if day else ""},
    )
    return TemplateResponse(request, "registration/checkin/attendance.html", context)


@require_GET
@never_cache
def attendance_json(request: HttpRequest, event_id: int) -> JsonResponse:
    """The per-day counts, polled by the attendance page."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    return JsonResponse(
        {
            "days": [
                {
                    "day": row.day.isoformat(),
                    "confirmed": row.confirmed,
                    "checked_in": row.checked_in,
                    "percent": row.percent,
                }
                for row in attendance_by_day(event=event)
            ]
        }
    )


def _batch_json(batch: BadgeBatch) -> dict:
    done = batch.status == BadgeBatchStatus.DONE
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "done": batch.done,
        "total": batch.total,
        "percent": batch.percent,
        "finished": batch.status in (BadgeBatchStatus.DONE, BadgeBatchStatus.FAILED),
        "download_url": reverse("checkin_admin:badge_download", args=[batch.pk]) if done else "",
        "error": _("The badges could not be made. Try again, or ask an administrator.")
        if batch.status == BadgeBatchStatus.FAILED
        else "",
    }


@require_http_methods(["GET", "POST"])
def badge_batches(request: HttpRequest, event_id: int) -> HttpResponse:
    """Ask the worker for a PDF of badges (all confirmed, or some roles/countries)."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    if request.method == "POST":
        layout = request.POST.get("layout", BadgeLayout.A4)
        filters = {"role": request.POST.getlist("role")}
        batch = badge_batch_create(event=event, by=request.user, layout=layout, filters=filters)
        messages.success(
            request,
            _("Making %(count)s badges. You can leave this page; the file stays here.")
            % {"count": batch.total},
        )
        return redirect("checkin_admin:badges", event.pk)
    batches = list(batches_of(event=event))
    context = {
        "event": event,
        "batches": [(b, _batch_json(b)) for b in batches],
        "layouts": BadgeLayout.choices,
        "roles": ParticipantRole.choices,
        "confirmed": badge_registrations(event=event).count(),
        "page_title": _("Badges: %(event)s") % {"event": event.title},
        "header_title": _("Badges: %(event)s") % {"event": event.title},
        "header_icon": "doc-full",
    }
    return TemplateResponse(request, "registration/badge/batches.html", context)


def _batch_for(request: HttpRequest, batch_id: int) -> BadgeBatch:
    batch = get_object_or_404(BadgeBatch.objects.select_related("event", "job"), pk=batch_id)
    event_for_staff(request.user, batch.event_id, PARTICIPANT_ROLES)
    return batch


@require_GET
@never_cache
def badge_batch_progress(request: HttpRequest, batch_id: int) -> JsonResponse:
    return JsonResponse(_batch_json(_batch_for(request, batch_id)))


@require_GET
@never_cache
def badge_batch_download(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's PDF from private storage, for the event's organisers and managers only;
    every download is written to the audit log (the file holds every participant's name)."""

    batch = _batch_for(request, batch_id)
    if batch.status != BadgeBatchStatus.DONE or not batch.file:
        raise Http404
    response = private_file_response(
        batch.file,
        filename=f"badges-{batch.event.slug}-{batch.pk}.pdf",
        content_type="application/pdf",
    )
    access_log(
        user=request.user,
        event=batch.event,
        action="registration.badges_downloaded",
        data={"batch": batch.pk, "badges": batch.total},
    )
    return response


class CheckInViewSet(StaffViewSet):
    """The scanner (check-in staff, organisers, registration managers) and, per event,
    attendance and badge batches (organisers and registration managers: each view checks)."""

    name = "checkin_admin"
    url_prefix = "checkin"  # the scanner's service worker controls /admin/checkin/
    icon = "check"
    menu_label = gettext_lazy("Check-in")
    menu_name = "checkin"
    menu_order = 250
    menu_roles = SCAN_ROLES

    def get_urlpatterns(self):
        urls = [
            path("", views.checkin_index, name="index"),
            path("sw.js", views.service_worker, name="service_worker"),
            path("<int:event_id>/", views.scanner, name="scanner"),
            path("<int:event_id>/scan/", views.scan, name="scan"),
            path("<int:event_id>/sync/", views.sync, name="sync"),
            path("<int:event_id>/search/", views.search, name="search"),
            path("<int:event_id>/attendance/", attendance, name="attendance"),
            path("<int:event_id>/attendance.json", attendance_json, name="attendance_json"),
            path("<int:event_id>/badges/", badge_batches, name="badges"),
            path("<int:event_id>/roster/", roster_views.roster, name="roster"),
            path(
                "badges/<int:batch_id>/progress.json",
                badge_batch_progress,
                name="badge_progress",
            ),
            path(
                "badges/<int:batch_id>/download/",
                badge_batch_download,
                name="badge_download",
            ),
        ]
        if settings.BENCH_ENDPOINTS:  # bench/bench_checkin.py only; never set in production
            urls.append(path("<int:event_id>/bench-bare/", views.bench_bare))
        return urls


class LogisticsViewSet(StaffViewSet):
    """The logistics summary of one of the user's events, its XLSX workbook and the sign-in
    sheets per day (organisers, registration managers: each view checks the event)."""

    name = "logistics"
    url_prefix = "registration/logistics"
    icon = "list-ul"
    menu_label = gettext_lazy("Logistics")
    menu_name = "logistics"
    menu_order = 220
    menu_roles = PARTICIPANT_ROLES

    def get_urlpatterns(self):
        return [
            path("", logistics, name="index"),
            path("<int:event_id>/logistics.xlsx", logistics_xlsx, name="xlsx"),
            path("<int:event_id>/sign-in-sheet/", signin_sheet, name="signin_sheet"),
        ]


@hooks.register("register_admin_viewset")
def register_checkin_viewsets():
    return [CheckInViewSet(), LogisticsViewSet()]


@hooks.register("register_log_actions")
def register_logistics_log_actions(actions):
    actions.register_action(
        "registration.logistics_exported",
        gettext_lazy("Logistics exported"),
        gettext_lazy("Downloaded the logistics workbook"),
    )
    actions.register_action(
        "registration.signin_sheet_printed",
        gettext_lazy("Sign-in sheet printed"),
        gettext_lazy("Downloaded a sign-in sheet"),
    )


@hooks.register("register_log_actions")
def register_badge_log_actions(actions):
    actions.register_action(
        "registration.badges_downloaded",
        gettext_lazy("Badges downloaded"),
        gettext_lazy("Downloaded a PDF of badges"),
    )


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    actions.register_action(
        "checkin.roster_viewed",
        gettext_lazy("Roster viewed"),
        gettext_lazy("Viewed the attendance roster of a day"),
    )
    actions.register_action(
        "checkin.roster_saved",
        gettext_lazy("Roster saved"),
        gettext_lazy("Saved the attendance roster of a day"),
    )
