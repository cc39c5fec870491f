"""The programme's certificates screen (organisers and registration managers): who completed
and who not, issue everyone's in one batch (worker, progress bar), download the batch's PDF,
issue or re-issue one, download one, revoke one with a reason.

Every view takes the programme id (or a batch of a programme) and calls
``programme_for_staff`` first; downloads write an audit entry (the files carry names).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conference.models import JobStatus
from conference.storage import private_file_response
from registration.programmes.certificates import certificate_pdf
from registration.programmes.models import Certificate, CertificateBatch, Enrolment
from registration.programmes.permissions import (
    PARTICIPANT_ROLES,
    programme_access_log,
    programme_for_staff,
)
from registration.programmes.selectors.certificates import certificate_batches, certificate_rows
from registration.programmes.services.certificates import (
    CertificateError,
    certificate_batch_create,
    certificate_issue,
    certificate_revoke,
)


def _batch_json(batch: CertificateBatch) -> dict:
    """A batch's progress as the polling script reads it (the badge batches' fields)."""
    job = batch.job
    done = job.status == JobStatus.DONE
    return {
        "id": batch.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.progress,
        "total": job.total,
        "percent": job.percent,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
        "download_url": reverse("programmes_certificates:batch_download", args=[batch.pk])
        if done
        else "",
        "error": _("The certificates could not be made. Try again, or ask an administrator.")
        if job.status == JobStatus.FAILED
        else "",
    }


@require_http_methods(["GET", "POST"])
def certificate_index(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Completed and not completed, with their certificates; POST issues everyone's."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    if request.method == "POST":
        certificate_batch_create(programme=programme, by=request.user)
        messages.success(
            request,
            _(
                "Issuing the certificates of everyone who completed. You can leave this "
                "page; the file stays here."
            ),
        )
        return redirect("programmes_certificates:index", programme.pk)
    rows = certificate_rows(programme)
    programme_access_log(
        user=request.user, programme=programme, action="programmes.certificates_viewed"
    )
    title = _("Certificates: %(programme)s") % {"programme": programme.title}
    context = {
        "programme": programme,
        "rows": rows,
        "completed": sum(1 for row in rows if row.completed),
        "issued": sum(1 for row in rows if row.certificate and not row.certificate.revoked_at),
        "batches": [(b, _batch_json(b)) for b in certificate_batches(programme)],
        "page_title": title,
        "header_title": title,
        "header_icon": "doc-full",
    }
    return TemplateResponse(request, "programmes/admin/certificates.html", context)


def _batch_for(request: HttpRequest, batch_id: int) -> CertificateBatch:
    batch = get_object_or_404(
        CertificateBatch.objects.select_related("programme", "job"), pk=batch_id
    )
    programme_for_staff(request.user, batch.programme_id, PARTICIPANT_ROLES)
    return batch


@require_GET
@never_cache
def certificate_batch_progress(request: HttpRequest, certificate_batch_id: int) -> JsonResponse:
    return JsonResponse(_batch_json(_batch_for(request, certificate_batch_id)))


@require_GET
@never_cache
def certificate_batch_download(request: HttpRequest, certificate_batch_id: int) -> HttpResponse:
    """The batch's PDF from private storage; every download is written to the audit log."""
    batch = _batch_for(request, certificate_batch_id)
    if batch.job.status != JobStatus.DONE or not batch.job.file:
        raise Http404
    response = private_file_response(
        batch.job.file,
        filename=f"certificates-{batch.programme.slug}-{batch.pk}.pdf",
        content_type="application/pdf",
    )
    programme_access_log(
        user=request.user,
        programme=batch.programme,
        action="programmes.certificates_downloaded",
        data={"batch": batch.pk, "certificates": batch.job.total},
    )
    return response


def _certificate_for(programme, certificate_id: int) -> Certificate:
    """A certificate of this programme (404 for another programme's)."""
    return get_object_or_404(
        Certificate.objects.select_related("enrolment__programme__locale", "enrolment__cohort"),
        pk=certificate_id,
        enrolment__programme=programme,
    )


@require_GET
@never_cache
def certificate_download(request: HttpRequest, programme_id: int, certificate_id: int):
    """One certificate's PDF (in its person's language), written to the audit log."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    certificate = _certificate_for(programme, certificate_id)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{programme.slug}-{certificate.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    programme_access_log(
        user=request.user,
        programme=programme,
        action="programmes.certificate_downloaded",
        instance=certificate,
        data={"certificate": certificate.pk},
    )
    return response


@require_POST
def certificate_issue_one(request: HttpRequest, programme_id: int, enrolment_id: int):
    """Issue one person's certificate, or re-issue it after a correction (same token)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_id, programme=programme)
    try:
        certificate_issue(enrolment=enrolment)
    except CertificateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Certificate issued."))
    return redirect("programmes_certificates:index", programme.pk)


@require_POST
def certificate_revoke_one(request: HttpRequest, programme_id: int, certificate_id: int):
    """Revoke one certificate with the reason staff give."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    certificate = _certificate_for(programme, certificate_id)
    try:
        certificate_revoke(
            certificate=certificate, reason=request.POST.get("reason", ""), by=request.user
        )
    except CertificateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Certificate revoked. Its check page now says so."))
    return redirect("programmes_certificates:index", programme.pk)


#: URL names (namespace ``programmes_certificates``, under ``/admin/programmes/``).
URLS = [
    path("<int:programme_id>/certificates/", certificate_index, name="index"),
    path(
        "<int:programme_id>/certificates/<int:certificate_id>/certificate.pdf",
        certificate_download,
        name="download",
    ),
    path(
        "<int:programme_id>/certificates/<int:certificate_id>/revoke/",
        certificate_revoke_one,
        name="revoke",
    ),
    path(
        "<int:programme_id>/certificates/issue/<int:enrolment_id>/",
        certificate_issue_one,
        name="issue",
    ),
    path(
        "certificates/batches/<int:certificate_batch_id>/progress.json",
        certificate_batch_progress,
        name="batch_progress",
    ),
    path(
        "certificates/batches/<int:certificate_batch_id>/download/",
        certificate_batch_download,
        name="batch_download",
    ),
]
