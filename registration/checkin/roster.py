"""The host's roster of one event day: every confirmed participant, present or absent, with
arrival and leaving times, saved all at once (``checkin_admin:roster``).

Open to the event's organisers, registration managers and check-in staff. The whole roster
is saved in one transaction through ``attendance.roster_mark``: a row refused (leaving before
arriving, a time outside the day's sessions) leaves every row as it was, and the page shows
each refused row's sentence.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from registration.checkin.attendance import AttendanceError, day_window, roster_mark
from registration.checkin.models import CheckIn
from registration.models import Registration, RegistrationStatus
from registration.permissions import SCAN_ROLES, access_log, event_for_staff


class RosterRowForm(forms.Form):
    """One participant's line: present, arrived, left (local times of the event)."""

    registration = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=pgettext_lazy("attendance", "Present"), required=False)
    arrived = forms.TimeField(
        label=gettext_lazy("Arrived"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    left = forms.TimeField(
        label=pgettext_lazy("attendance", "Left"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("present") and (data.get("arrived") or data.get("left")):
            # Times typed in without the box ticked: the host meant present.
            data["present"] = True
        return data


#: Rows of one roster (four fields each: within ``DATA_UPLOAD_MAX_NUMBER_FIELDS``).
MAX_ROWS = 2400

RosterFormSet = forms.formset_factory(
    RosterRowForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


def _day(request: HttpRequest, event) -> dt.date:
    value = request.GET.get("day") or ""
    day = parse_date(value) if value else None
    if day in event.days:
        return day
    today = timezone.localtime(timezone.now(), event.tz).date()
    if today in event.days:
        return today
    return event.start_date if today < event.start_date else event.end_date


def _local_time(at: dt.datetime | None, event) -> dt.time | None:
    return timezone.localtime(at, event.tz).time().replace(second=0, microsecond=0) if at else None


@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, event_id: int) -> HttpResponse:
    """The roster of one day (``?day=YYYY-MM-DD``; default today, or the nearest day)."""
    event = event_for_staff(request.user, event_id, SCAN_ROLES)
    day = _day(request, event)
    people = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by(
            "family_name", "given_name", "pk"
        )
    )
    checkins = {
        c.registration_id: c
        for c in CheckIn.objects.filter(registration__event=event, day=day).select_related("by")
    }
    initial = [
        {
            "registration": r.pk,
            "present": r.pk in checkins,
            "arrived": _local_time(checkins[r.pk].at, event) if r.pk in checkins else None,
            "left": _local_time(checkins[r.pk].left_at, event) if r.pk in checkins else None,
        }
        for r in people
    ]
    window = day_window(event, day)
    status = 200
    if request.method == "POST":
        formset = RosterFormSet(
            request.POST, initial=_posted_initial(request, initial), prefix="roster"
        )
        if formset.is_valid():
            errors, changed = _save(request, event, day, formset, people, window)
            if not errors:
                access_log(
                    user=request.user,
                    event=event,
                    action="checkin.roster_saved",
                    data={"day": day.isoformat(), "changed": changed},
                )
                messages.success(
                    request,
                    _("Attendance of %(day)s saved: %(count)s changed.")
                    % {"day": day.isoformat(), "count": changed},
                )
                url = reverse("checkin_admin:roster", args=[event.pk])
                return redirect(f"{url}?day={day.isoformat()}")
        status = 400
    else:
        formset = RosterFormSet(initial=initial, prefix="roster")
        access_log(
            user=request.user,
            event=event,
            action="checkin.roster_viewed",
            data={"day": day.isoformat()},
        )
    by_pk = {r.pk: r for r in people}
    rows = [
        {
            "form": form,
            "registration": by_pk.get(form.initial.get("registration")),
            "checkin": checkins.get(form.initial.get("registration")),
        }
        for form in formset.forms
    ]
    context = {
        "event": event,
        "day": day,
        "days": event.days,
        "window": window,
        "window_start": window[0].strftime("%H:%M") if window else "",
        "window_end": window[1].strftime("%H:%M") if window else "",
        "formset": formset,
        "rows": rows,
        "present": sum(1 for r in people if r.pk in checkins),
        "page_title": _("Roster: %(event)s") % {"event": event.title},
        "header_title": _("Roster: %(event)s") % {"event": event.title},
        "header_icon": "list-ul",
    }
    return TemplateResponse(request, "registration/checkin/roster.html", context, status=status)


def _posted_initial(request: HttpRequest, initial: list[dict]) -> list[dict]:
    """Each posted row's initial values found by its registration, not by its position: a
    participant confirmed while the page was open does not shift the rows below."""
    by_pk = {row["registration"]: row for row in initial}
    raw_total = request.POST.get("roster-TOTAL_FORMS", "")
    total = min(int(raw_total), MAX_ROWS) if raw_total.isdigit() else 0
    rows = []
    for i in range(total):
        raw = request.POST.get(f"roster-{i}-registration", "")
        pk = int(raw) if raw.isdigit() else None
        rows.append(by_pk.get(pk, {"registration": pk}))
    return rows


def _save(request, event, day, formset, people, window) -> tuple[int, int]:
    """Every changed row through ``roster_mark`` in one transaction; on any refusal the
    transaction is rolled back and each refused row carries its sentence."""
    by_pk = {r.pk: r for r in people}
    errors = changed = 0
    with transaction.atomic():
        for form in formset.forms:
            if not form.has_changed():
                continue
            data = form.cleaned_data
            registration = by_pk.get(data.get("registration"))
            if registration is None or data.get("registration") != form.initial.get("registration"):
                form.add_error(None, _("This participant is not on this event's roster."))
                errors += 1
                continue
            arrived = data.get("arrived")
            if data.get("present") and arrived is None:
                # Ticked present without a time: present from the start of the day's sessions.
                arrived = window[0].time() if window else dt.time(0, 0)
            try:
                result = roster_mark(
                    event=event,
                    registration=registration,
                    day=day,
                    arrived=arrived if data.get("present") else None,
                    left=data.get("left") if data.get("present") else None,
                    by=request.user,
                )
            except AttendanceError as exc:
                form.add_error(None, exc.message)
                errors += 1
                continue
            changed += int(result.changed)
        if errors:
            transaction.set_rollback(True)
    return errors, changed
