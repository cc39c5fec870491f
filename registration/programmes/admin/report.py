"""The programme's impact report in the Wagtail admin: the report as a page in the language
the staff member chooses, and its DOCX/XLSX/PDF exports (made at once for a small programme,
by the worker with a progress bar for a large one; the file is served only through the guarded
download view). Organisers and reporters of the programme only (``programme_for_staff``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conference.models import Job, JobStatus
from conference.storage import private_file_response
from registration.models.registrations import StaffRole
from registration.programmes import exporters
from registration.programmes.permissions import programme_access_log, programme_for_staff
from registration.programmes.selectors.report import programme_report
from registration.programmes.services import report as services

ROLES = (StaffRole.ORGANISER, StaffRole.REPORTER)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("docx", gettext_lazy("Word document (DOCX)")),
            ("xlsx", gettext_lazy("Data annex (XLSX)")),
            ("pdf", gettext_lazy("PDF")),
        ],
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the report"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


def _language(request: HttpRequest) -> str:
    """The report's language: ``?language=`` when it is a site language, else the admin's."""
    codes = dict(settings.LANGUAGES)
    asked = request.GET.get("language", "")
    return asked if asked in codes else (translation.get_language() or "en")[:2]


@never_cache
@require_GET
def programme_report_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The report as a page: key figures, tables with captions, bars with their numbers."""
    programme = programme_for_staff(request.user, programme_id, ROLES)
    language = _language(request)
    with translation.override(language):
        report = programme_report(programme)
        context = exporters.report_context(report)
        title = _("Programme report: %(programme)s") % {"programme": report.title}
    jobs = list(services.programme_report_jobs(programme)[:5])
    return TemplateResponse(
        request,
        "programmes/admin/report.html",
        {
            **context,
            "programme": programme,
            "report_title": title,
            "language": language,
            "languages": settings.LANGUAGES,
            "export_form": ExportForm(initial={"language": language}),
            "jobs": jobs,
            "page_title": _("Programme report"),
            "page_subtitle": programme.title,
            "header_title": _("Programme report"),
            "header_icon": "doc-full",
        },
    )


@never_cache
@require_POST
def programme_report_export(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Download an export now (small programme) or start it in the worker (large one)."""
    programme = programme_for_staff(request.user, programme_id, ROLES)
    form = ExportForm(request.POST)
    page = reverse("programmes_admin:report", args=[programme.pk])
    if not form.is_valid():
        messages.error(request, _("Choose a format and a language for the export."))
        return redirect(f"{page}#export")
    fmt, language = form.cleaned_data["format"], form.cleaned_data["language"]
    if services.export_inline(programme):
        name, data = services.programme_report_file(programme=programme, fmt=fmt, language=language)
        programme_access_log(
            user=request.user,
            programme=programme,
            action="programmes.report_downloaded",
            data={"format": fmt, "language": language},
        )
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    job = services.programme_report_request(
        programme=programme, fmt=fmt, language=language, user=request.user
    )
    return redirect("programmes_admin:report_job", programme.pk, job.pk)


def _job_for(request: HttpRequest, programme_id: int, report_job_id: int):
    programme = programme_for_staff(request.user, programme_id, ROLES)
    job = get_object_or_404(services.programme_report_jobs(programme), pk=report_job_id)
    return programme, job


def _job_labels(job: Job) -> tuple[str, str]:
    formats = dict(ExportForm.base_fields["format"].choices)
    languages = dict(settings.LANGUAGES)
    return (
        str(formats.get(job.params.get("format"), "")),
        str(languages.get(job.params.get("language"), "")),
    )


@never_cache
@require_GET
def programme_report_job(
    request: HttpRequest, programme_id: int, report_job_id: int
) -> HttpResponse:
    """The progress page of a worker export (the bar is updated by report.js)."""
    programme, job = _job_for(request, programme_id, report_job_id)
    format_label, language_label = _job_labels(job)
    return TemplateResponse(
        request,
        "programmes/admin/report_job.html",
        {
            "programme": programme,
            "job": job,
            "format_label": format_label,
            "language_label": language_label,
            "page_title": _("Programme report export"),
            "page_subtitle": programme.title,
            "header_title": _("Programme report export"),
            "header_icon": "download",
        },
    )


@never_cache
@require_GET
def programme_report_job_json(request: HttpRequest, programme_id: int, report_job_id: int):
    programme, job = _job_for(request, programme_id, report_job_id)
    done = job.status == JobStatus.DONE
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "progress": job.percent,
            "download_url": reverse("programmes_admin:report_download", args=[programme.pk, job.pk])
            if done
            else "",
            "error": job.error if job.status == JobStatus.FAILED else "",
        }
    )


@never_cache
@require_GET
def programme_report_download(request: HttpRequest, programme_id: int, report_job_id: int):
    """The export's file from private storage; every download goes to the audit log."""
    programme, job = _job_for(request, programme_id, report_job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    fmt = job.params.get("format", "pdf")
    response = private_file_response(
        job.file,
        filename=job.filename or f"programme-report.{fmt}",
        content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )
    programme_access_log(
        user=request.user,
        programme=programme,
        action="programmes.report_downloaded",
        data={"job": job.pk, "format": fmt, "language": job.params.get("language")},
    )
    return response
