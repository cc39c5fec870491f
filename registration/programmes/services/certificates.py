"""Certificates of completion: issue one, issue a programme's in bulk (a worker job that also
makes their PDF), revoke one.

A certificate is issued only for an enrolment that completed (the attendance rule of
``selectors.progress``), with the hours that progress counts. Issuing again after a
correction (hours recounted, a name corrected) updates the hours and ``reissued_at`` and keeps
the token, so a printed QR code keeps working. A revoked certificate is not issued again by
these services (its page says it was revoked).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import ProgrammePage
from conference.jobs import JobResult, job_create, job_run
from registration.programmes.certificates import (
    certificate_data,
    certificates_pdf,
    programme_texts,
)
from registration.programmes.models import (
    Certificate,
    CertificateBatch,
    Enrolment,
    EnrolmentStatus,
)
from registration.programmes.permissions import programme_access_log
from registration.programmes.selectors.progress import (
    Progress,
    enrolment_progress,
    programme_progress,
)

#: The ``conference.Job`` kind of a certificate batch (``settings.JOB_HANDLERS``).
JOB_KIND = "certificate_batch"
REASON_MAX = 200


class CertificateError(Exception):
    """A certificate that cannot be issued or revoked; ``code`` says why (``not_completed``,
    ``withdrawn``, ``revoked``, ``reason_missing``, ``already_revoked``)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _refusal(enrolment: Enrolment, progress: Progress | None) -> CertificateError | None:
    if enrolment.anonymised_at is not None or enrolment.status == EnrolmentStatus.WITHDRAWN:
        return CertificateError(
            _("This person has withdrawn from the programme: no certificate is issued."),
            code="withdrawn",
        )
    if progress is None or not progress.completed:
        return CertificateError(
            _("This person has not completed the programme yet: no certificate is issued."),
            code="not_completed",
        )
    return None


def _needs_reissue(certificate: Certificate, enrolment: Enrolment, hours) -> bool:
    """A correction since the last issue: other hours, or the person's record changed (their
    name, cohort or region as printed)."""
    last = certificate.reissued_at or certificate.issued_at
    return certificate.hours != hours or (
        enrolment.updated_at is not None and enrolment.updated_at > last
    )


def certificate_issue(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Certificate:
    """Issue ``enrolment``'s certificate, or re-issue it after a correction (same token).

    Raises ``CertificateError`` (code ``withdrawn``, ``not_completed`` or ``revoked``).
    Issuing an unchanged certificate again changes nothing. Side effects: one
    ``Certificate`` row created or updated (hours, ``reissued_at``), under a row lock.
    """
    now = now or timezone.now()
    progress = enrolment_progress(enrolment)
    refusal = _refusal(enrolment, progress)
    if refusal is not None:
        raise refusal
    hours = progress.hours_attended
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(enrolment=enrolment).first()
        if certificate is None:
            try:
                with transaction.atomic():
                    return Certificate.objects.create(
                        enrolment=enrolment, hours=hours, issued_at=now
                    )
            except IntegrityError:  # issued at the same moment by the batch: update that one
                certificate = Certificate.objects.select_for_update().get(enrolment=enrolment)
        if certificate.revoked_at is not None:
            raise CertificateError(
                _("This certificate was revoked; it is not issued again."), code="revoked"
            )
        if _needs_reissue(certificate, enrolment, hours):
            certificate.hours = hours
            certificate.reissued_at = now
            certificate.save(update_fields=["hours", "reissued_at"])
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str, by) -> Certificate:
    """Revoke ``certificate``: its verification page then says it was revoked (and nothing
    else); the token stays taken. ``reason`` is kept for staff (200 characters at most).

    Raises ``CertificateError`` (``reason_missing``, ``already_revoked``). Side effects: the
    row's ``revoked_at`` and ``revoked_reason``; an audit entry.
    """
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if not reason:
        raise CertificateError(
            _("Say why the certificate is revoked (staff will read it later)."),
            code="reason_missing",
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise CertificateError(
                _("This certificate was already revoked."), code="already_revoked"
            )
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_reason"])
        enrolment = locked.enrolment
        programme_access_log(
            user=by,
            programme=enrolment.programme,
            action="programmes.certificate_revoked",
            instance=locked,
            data={"certificate": locked.pk},
        )
    certificate.revoked_at = locked.revoked_at
    certificate.revoked_reason = locked.revoked_reason
    return certificate


@dataclass(frozen=True)
class IssueSummary:
    """What a bulk issue did: the certificates of everyone who completed (not revoked, in
    name order, with enrolment and cohort selected) and how many were new or re-issued."""

    certificates: list[Certificate]
    created: int
    reissued: int


def certificates_issue_completed(
    *, programme: ProgrammePage, now: dt.datetime | None = None
) -> IssueSummary:
    """Issue the certificate of every enrolled person of ``programme`` who completed, and
    re-issue those corrected since (same tokens). Idempotent: run twice, the second run
    creates and changes nothing.

    ``programme_progress`` runs once; the rest is a few bulk queries, whatever the size.
    Side effects: ``Certificate`` rows created and updated, in one transaction.
    """
    now = now or timezone.now()
    source = programme.source
    enrolments = list(
        Enrolment.objects.filter(
            programme=source, status=EnrolmentStatus.ENROLLED, anonymised_at__isnull=True
        ).select_related("cohort")
    )
    progress = programme_progress(source, enrolments=enrolments)
    completed = {
        e.pk: (e, progress[e.pk].hours_attended)
        for e in enrolments
        if e.pk in progress and progress[e.pk].completed
    }
    with transaction.atomic():
        existing = {
            c.enrolment_id: c
            for c in Certificate.objects.select_for_update().filter(
                enrolment_id__in=list(completed)
            )
        }
        new, changed = [], []
        for enrolment_id, (enrolment, hours) in completed.items():
            certificate = existing.get(enrolment_id)
            if certificate is None:
                new.append(Certificate(enrolment=enrolment, hours=hours, issued_at=now))
            elif certificate.revoked_at is None and _needs_reissue(certificate, enrolment, hours):
                certificate.hours = hours
                certificate.reissued_at = now
                changed.append(certificate)
        # A certificate issued one by one in the meantime wins (the unique enrolment).
        Certificate.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        Certificate.objects.bulk_update(changed, ["hours", "reissued_at"], batch_size=500)
    people = {enrolment_id: enrolment for enrolment_id, (enrolment, _h) in completed.items()}
    certificates = list(
        Certificate.objects.filter(enrolment_id__in=list(completed), revoked_at__isnull=True)
    )
    for certificate in certificates:
        certificate.enrolment = people[certificate.enrolment_id]
    certificates.sort(
        key=lambda c: (c.enrolment.family_name, c.enrolment.given_name, c.enrolment_id)
    )
    return IssueSummary(certificates=certificates, created=len(new), reissued=len(changed))


# --- Batches (the worker) --------------------------------------------------------------------


def certificate_batch_create(*, programme: ProgrammePage, by) -> CertificateBatch:
    """Ask the worker to issue the certificates of everyone who completed ``programme`` and
    to make one PDF of them (a page each, each in its person's language).

    Side effects: a ``conference.Job`` (kind ``certificate_batch``) and its
    ``CertificateBatch`` row; the job's task is queued after commit.
    """
    source = programme.source
    by = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        job = job_create(kind=JOB_KIND, params={"programme": source.pk}, owner=by)
        batch = CertificateBatch.objects.create(programme=source, created_by=by, job=job)
    return batch


def certificate_batch_work(*, job, context) -> JobResult:
    """The job handler of a certificate batch: issue, then the PDF, progress as it goes.

    Called by ``conference.jobs.job_run`` (which claims the job, keeps the file in private
    storage and marks it done); run again after a crash it issues nothing twice.
    Side effects: those of ``certificates_issue_completed``; the job's progress and lease.
    Raises ``CertificateBatch.DoesNotExist`` if the batch is gone.
    """
    batch = CertificateBatch.objects.select_related("programme").get(job=job)
    programme = batch.programme
    context.progress(0)
    summary = certificates_issue_completed(programme=programme)
    context.progress(0, len(summary.certificates))
    texts = programme_texts(programme)
    pages = (certificate_data(c, enrolment=c.enrolment, texts=texts) for c in summary.certificates)
    # Not a context manager: the job runner saves the file to storage, then closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    # The file's own words (its title) in the site's language; each page is in its person's.
    with translation.override(settings.LANGUAGE_CODE):
        certificates_pdf(
            pages,
            out,
            title=texts[settings.LANGUAGE_CODE].title,
            on_progress=context.progress,
        )
    return JobResult(filename=f"certificates-{programme.slug}-{batch.pk}.pdf", content=out)


def certificate_batch_build(*, batch_id: int) -> CertificateBatch | None:
    """Run the batch now, in this process (tests, the benchmark, a stuck batch): the worker's
    path (``job_run``), so a finished or held batch is left alone. None if it is gone."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    job_run(job_id=batch.job_id)
    return CertificateBatch.objects.select_related("job", "programme").get(pk=batch_id)
