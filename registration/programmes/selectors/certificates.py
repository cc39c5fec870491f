"""Reads about certificates: the public verification of a token, a person's certificate,
and the staff screen's rows (who completed, who has a certificate)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cms.models import ProgrammePage
from registration.programmes.certificates import hours_text, programme_texts
from registration.programmes.models import (
    Certificate,
    CertificateBatch,
    Enrolment,
    EnrolmentStatus,
)
from registration.programmes.selectors.progress import Progress, programme_progress

#: What a certificate token looks like (``secrets.token_urlsafe``): anything else is not
#: looked up at all.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class VerificationState:
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: the state, and for a valid certificate
    only the name, the course, the hours, the date of issue and the issuer."""

    state: str
    name: str = ""
    course: str = ""
    hours: str = ""
    issued_at: object = None
    issuer: str = ""


def certificate_verification(token: str, *, language: str) -> Verification:
    """The verification of ``token``, its course and issuer in ``language``.

    A revoked certificate, and the certificate of a person whose data was anonymised, show
    nothing about the person. Reads only (a few queries for a valid token).
    """
    if not TOKEN.fullmatch(token or ""):
        return Verification(state=VerificationState.UNKNOWN)
    certificate = (
        Certificate.objects.select_related("enrolment__programme__locale")
        .filter(token=token)
        .first()
    )
    if certificate is None:
        return Verification(state=VerificationState.UNKNOWN)
    enrolment = certificate.enrolment
    if certificate.revoked_at is not None or enrolment.anonymised_at is not None:
        return Verification(state=VerificationState.REVOKED)
    text = programme_texts(enrolment.programme, languages=[language], logos=False)[language]
    return Verification(
        state=VerificationState.VALID,
        name=f"{enrolment.given_name} {enrolment.family_name}".strip(),
        course=text.title,
        hours=hours_text(certificate.hours),
        issued_at=certificate.issued_at,
        issuer=text.issuer,
    )


def certificate_of(enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate when it is issued and not revoked."""
    return Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()


@dataclass(frozen=True)
class CertificateRow:
    """One enrolled person on the staff screen: their progress and certificate (or None)."""

    enrolment: Enrolment
    progress: Progress | None
    certificate: Certificate | None

    @property
    def completed(self) -> bool:
        return self.progress is not None and self.progress.completed


def certificate_rows(programme: ProgrammePage) -> list[CertificateRow]:
    """Everyone enrolled in ``programme`` (not withdrawn, not anonymised), completed first,
    then by name, with their progress and certificate. A constant number of queries
    (``programme_progress`` once)."""
    source = programme.source
    enrolments = list(
        Enrolment.objects.filter(
            programme=source, status=EnrolmentStatus.ENROLLED, anonymised_at__isnull=True
        ).select_related("cohort")
    )
    progress = programme_progress(source, enrolments=enrolments) if enrolments else {}
    certificates = {
        c.enrolment_id: c
        for c in Certificate.objects.filter(enrolment_id__in=[e.pk for e in enrolments])
    }
    rows = [
        CertificateRow(enrolment=e, progress=progress.get(e.pk), certificate=certificates.get(e.pk))
        for e in enrolments
    ]
    rows.sort(key=lambda r: (not r.completed, r.enrolment.family_name, r.enrolment.given_name))
    return rows


def certificate_batches(programme: ProgrammePage, *, limit: int = 10) -> list[CertificateBatch]:
    """The programme's latest certificate batches, newest first, with their jobs."""
    return list(
        CertificateBatch.objects.filter(programme=programme.source)
        .select_related("job", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
