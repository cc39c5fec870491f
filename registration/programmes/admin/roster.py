"""Roster import in the Wagtail admin (``/admin/programmes/<id>/roster/``): upload a file, read
the dry run row by row, confirm, watch the worker's progress, read what was done.

Organisers and registration managers of the programme only (``programme_for_staff``); every
screen or file that shows people's rows writes an audit entry.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from conference.models import JobStatus
from registration.models.registrations import StaffRole
from registration.programmes.models import RosterImport
from registration.programmes.permissions import programme_access_log, programme_for_staff
from registration.programmes.roster import (
    COLUMNS,
    RosterFileError,
    max_bytes,
    max_rows,
)
from registration.programmes.services import roster as services

ROLES = (StaffRole.ORGANISER, StaffRole.REGISTRATION_MANAGER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": max(1, max_bytes() // (1024 * 1024))}
            )
        return upload


def _import_for(request: HttpRequest, programme_id: int, roster_id: int):
    programme = programme_for_staff(request.user, programme_id, ROLES)
    roster_import = get_object_or_404(
        RosterImport.objects.select_related("job", "created_by"),
        pk=roster_id,
        programme=programme,
    )
    return programme, roster_import


def _state(roster_import: RosterImport) -> str:
    """checking | ready | blocked | importing | imported | failed."""
    job = roster_import.job
    if roster_import.imported_at is not None:
        return "imported"
    if job is not None and job.status == JobStatus.FAILED:
        return "failed"
    if job is not None and job.status in (JobStatus.PENDING, JobStatus.RUNNING):
        return "importing" if job.kind == "roster_import" else "checking"
    report = roster_import.dry_run or {}
    if not report.get("rows"):
        return "checking"
    return "blocked" if report.get("problems") else "ready"


def _progress_json(roster_import: RosterImport) -> dict:
    job = roster_import.job
    state = _state(roster_import)
    return {
        "state": state,
        "finished": state not in ("checking", "importing"),
        "percent": job.percent if job is not None else 100,
        "status_label": str(job.get_status_display()) if job is not None else "",
    }


def _page(request, template: str, context: dict, title: str) -> TemplateResponse:
    context.update({"page_title": title, "header_title": title, "header_icon": "upload"})
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
def roster_index(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Upload a roster (its dry run follows), the template, and the programme's imports."""
    programme = programme_for_staff(request.user, programme_id, ROLES)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = services.roster_upload(
                programme=programme, upload=form.cleaned_data["file"], by=request.user
            )
        except RosterFileError as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("programmes_roster:detail", programme.pk, roster_import.pk)
    imports = list(
        RosterImport.objects.filter(programme=programme)
        .select_related("job", "created_by")
        .order_by("-created_at", "-pk")[:20]
    )
    context = {
        "programme": programme,
        "form": form,
        "imports": [(i, _state(i)) for i in imports],
        "columns": COLUMNS,
        "max_rows": max_rows(),
        "max_megabytes": max(1, max_bytes() // (1024 * 1024)),
    }
    title = _("Roster import: %(programme)s") % {"programme": programme.title}
    return _page(request, "programmes/admin/roster.html", context, title)


@require_http_methods(["GET", "POST"])
def roster_detail(request: HttpRequest, programme_id: int, roster_id: int) -> HttpResponse:
    """The dry run (counts, problems, the first rows with reasons), the confirm button, the
    progress bar while the worker checks or imports, and the summary once done."""
    programme, roster_import = _import_for(request, programme_id, roster_id)
    if request.method == "POST":
        try:
            services.roster_import_start(roster_import=roster_import, by=request.user)
        except services.RosterError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Importing. You can leave this page; the import goes on."))
        return redirect("programmes_roster:detail", programme.pk, roster_import.pk)
    report = roster_import.dry_run or {}
    rows = report.get("rows", [])
    shown = [
        {**row, "reason_texts": [services.reason_text(r) for r in row["reasons"]]}
        for row in rows[: services.SHOWN_ROWS]
    ]
    if rows:
        programme_access_log(
            user=request.user,
            programme=programme,
            action="programmes.roster_viewed",
            data={"roster": roster_import.pk, "rows": len(rows)},
        )
    import_error = report.get("import_error")
    context = {
        "programme": programme,
        "roster": roster_import,
        "state": _state(roster_import),
        "progress": _progress_json(roster_import),
        "report": report,
        "counts": report.get("counts", {}),
        "problems": [services.reason_text(p) for p in report.get("problems", ())],
        "rows": shown,
        "more_rows": max(0, len(rows) - len(shown)),
        "done": report.get("done"),
        "import_error": import_error.get("message") if import_error else "",
    }
    title = _("Roster: %(file)s") % {"file": roster_import.filename}
    return _page(request, "programmes/admin/roster_detail.html", context, title)


@require_GET
@never_cache
def roster_progress(request: HttpRequest, programme_id: int, roster_id: int) -> JsonResponse:
    _programme, roster_import = _import_for(request, programme_id, roster_id)
    return JsonResponse(_progress_json(roster_import))


@require_GET
@never_cache
def roster_report(request: HttpRequest, programme_id: int, roster_id: int) -> HttpResponse:
    """The full row-by-row report as a workbook, in the staff member's language."""
    programme, roster_import = _import_for(request, programme_id, roster_id)
    if not (roster_import.dry_run or {}).get("rows"):
        raise Http404
    content = services.roster_report_xlsx(report=roster_import.dry_run)
    programme_access_log(
        user=request.user,
        programme=programme,
        action="programmes.roster_report_downloaded",
        data={"roster": roster_import.pk},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="roster-report-{roster_import.pk}.xlsx"'
    )
    return response


@require_GET
def roster_template(request: HttpRequest, programme_id: int) -> HttpResponse:
    """An empty roster with the headers in the staff member's language."""
    programme = programme_for_staff(request.user, programme_id, ROLES)
    response = HttpResponse(services.roster_template_xlsx(programme=programme), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


#: URL names (namespace ``programmes_roster``): index, template, detail, progress, report.
ROSTER_URLS = [
    path("<int:programme_id>/roster/", roster_index, name="index"),
    path("<int:programme_id>/roster/template.xlsx", roster_template, name="template"),
    path("<int:programme_id>/roster/<int:roster_id>/", roster_detail, name="detail"),
    path(
        "<int:programme_id>/roster/<int:roster_id>/progress.json",
        roster_progress,
        name="progress",
    ),
    path("<int:programme_id>/roster/<int:roster_id>/report.xlsx", roster_report, name="report"),
]
