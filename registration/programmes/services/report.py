"""The programme report's exports: made now for a small programme, by the worker (a
``conference.Job`` of kind ``programme_report``, progress in percent) for a large one.

No model of its own: the job's ``params`` hold the programme, format and language, and its
file lives in private storage; the staff screens find a programme's exports by those params.
Errors carry a ``code``: ``bad_format``, ``bad_language``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from cms.models import ProgrammePage
from conference.jobs import JobResult, job_create
from conference.models import Job
from registration.programmes import exporters
from registration.programmes.models import Enrolment
from registration.programmes.selectors.report import programme_report

JOB_KIND = "programme_report"
FORMATS = ("docx", "xlsx", "pdf")


class ProgrammeReportError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def inline_export_max() -> int:
    """Above this many enrolments an export runs in the worker with a progress bar (the
    event report's setting, ``REPORT_INLINE_EXPORT_MAX``)."""
    return settings.REPORT_INLINE_EXPORT_MAX


def export_inline(programme) -> bool:
    return Enrolment.objects.filter(programme=programme.source).count() <= inline_export_max()


def _check(fmt: str, language: str) -> None:
    if fmt not in FORMATS:
        raise ProgrammeReportError(_("Unknown export format."), code="bad_format")
    if language not in dict(settings.LANGUAGES):
        raise ProgrammeReportError(_("Choose a language of the site."), code="bad_language")


def programme_report_file(
    *, programme, fmt: str, language: str, today: dt.date | None = None, progress=None
) -> tuple[str, bytes]:
    """The report of ``programme`` in ``language`` as ``fmt``: (file name, bytes). Reads
    only; ``progress(percent)`` is called as the work advances."""
    _check(fmt, language)
    progress = progress or (lambda percent: None)
    with translation.override(language):
        progress(5)
        report = programme_report(programme, today=today)
        progress(30)
        writer = {
            "docx": exporters.report_docx,
            "xlsx": exporters.report_xlsx,
            "pdf": exporters.report_pdf,
        }[fmt]
        data = writer(report, progress=lambda p: progress(30 + int(p * 0.65)))
    return f"programme-report-{programme.source.slug}-{language}.{fmt}", data


def programme_report_request(*, programme, fmt: str, language: str, user=None) -> Job:
    """Ask the worker for an export. Side effects: a ``Job`` (kind ``programme_report``,
    total 100) whose task is queued after commit."""
    _check(fmt, language)
    return job_create(
        kind=JOB_KIND,
        params={"programme": programme.source.pk, "format": fmt, "language": language},
        owner=user,
        total=100,
    )


def programme_report_work(*, job, context) -> JobResult:
    """The job handler (``settings.JOB_HANDLERS["programme_report"]``): the file, with
    progress in percent. Called by ``conference.jobs.job_run``."""
    programme = ProgrammePage.objects.get(pk=job.params["programme"])
    name, data = programme_report_file(
        programme=programme,
        fmt=job.params["format"],
        language=job.params["language"],
        progress=lambda percent: context.progress(min(int(percent), 99)),
    )
    return JobResult(filename=name, content=data)


def programme_report_jobs(programme) -> QuerySet[Job]:
    """The programme's report exports, newest first."""
    return Job.objects.filter(kind=JOB_KIND, params__programme=programme.source.pk).order_by(
        "-created", "-pk"
    )
