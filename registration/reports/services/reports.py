"""Writes for the post-event report: recommendations, and export jobs with progress.

Errors carry a ``code``: ``empty`` (a recommendation without text), ``wrong_session`` (a session
of another event), ``bad_move``, ``bad_format``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from conference.jobs import JobResult, job_create, job_run
from registration.reports import exporters as reports
from registration.reports.models import ExportFormat, Recommendation, ReportExport
from registration.reports.selectors import report_build


def inline_export_max() -> int:
    """Above this many registrations an export runs in the worker with a progress bar."""
    return settings.REPORT_INLINE_EXPORT_MAX


class ReportError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _check(event, text: str, session) -> str:
    text = (text or "").strip()
    if not text:
        raise ReportError(_("Write the recommendation."), code="empty")
    if session is not None and session.page_id != event.pk:
        raise ReportError(_("Choose a session of this event."), code="wrong_session")
    return text


def recommendation_add(*, event, text: str, session=None, author=None) -> Recommendation:
    """Add a recommendation at the end of the event's list.

    Side effects: one ``Recommendation`` row and its ``report.recommendation_added`` entry in
    the event's audit log, in one transaction.
    """
    event = event.source
    text = _check(event, text, session)
    with transaction.atomic():
        last = Recommendation.objects.filter(event=event).aggregate(m=Max("order"))["m"]
        recommendation = Recommendation.objects.create(
            event=event,
            text=text,
            session=session,
            author=author,
            order=0 if last is None else last + 1,
        )
        _log(recommendation, "report.recommendation_added", author)
    return recommendation


def recommendation_update(
    *, recommendation: Recommendation, text: str, session=None, user=None
) -> None:
    """Change a recommendation's text and session.

    Side effects: saves the row and logs ``report.recommendation_changed`` (with the old text,
    so the audit log shows what a reporter overwrote), in one transaction.
    """
    text = _check(recommendation.event, text, session)
    old = {"text": recommendation.text, "session": recommendation.session_id}
    with transaction.atomic():
        recommendation.text = text
        recommendation.session = session
        recommendation.save(update_fields=["text", "session"])
        _log(recommendation, "report.recommendation_changed", user, {"before": old})


def recommendation_move(*, recommendation: Recommendation, direction: str, user=None) -> None:
    """Swap a recommendation with its neighbour above (``up``) or below (``down``).

    Side effects: renumbers the event's recommendations 0..n-1 and logs
    ``report.recommendation_moved``, in one transaction; nothing when it is already first
    (``up``) or last (``down``).
    """
    if direction not in ("up", "down"):
        raise ReportError(_("Choose to move the recommendation up or down."), code="bad_move")
    with transaction.atomic():
        rows = list(
            Recommendation.objects.select_for_update()
            .filter(event_id=recommendation.event_id)
            .order_by("order", "pk")
        )
        index = next(i for i, row in enumerate(rows) if row.pk == recommendation.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for order, row in enumerate(rows):
            if row.order != order:
                Recommendation.objects.filter(pk=row.pk).update(order=order)
        _log(recommendation, "report.recommendation_moved", user, {"position": other + 1})


def recommendation_delete(*, recommendation: Recommendation, user=None) -> None:
    """Delete a recommendation; the ones below move up.

    Side effects: one delete, renumbering, and ``report.recommendation_deleted`` in the audit
    log (with the text, which is gone otherwise), in one transaction.
    """
    with transaction.atomic():
        _log(recommendation, "report.recommendation_deleted", user, {"text": recommendation.text})
        Recommendation.objects.filter(
            event_id=recommendation.event_id, order__gt=recommendation.order
        ).update(order=F("order") - 1)
        recommendation.delete()


def _log(recommendation: Recommendation, action: str, user, data: dict | None = None) -> None:
    # Filed under the event (``EventLogEntry``, registered in reports/admin.py) like the
    # report's downloads, so the event's organisers read who changed what.
    log(
        recommendation,
        action,
        user=user if getattr(user, "is_authenticated", False) else None,
        data=data or {},
    )


def report_export_file(*, event, fmt: str, language: str, progress=None) -> tuple[str, bytes]:
    """Build the report of ``event`` in ``language`` as ``fmt``; returns (filename, bytes).

    Reads only. ``progress(percent)`` is called as the work advances.
    """
    if fmt not in ExportFormat.values:
        raise ReportError(_("Unknown export format."), code="bad_format")
    progress = progress or (lambda percent: None)
    with translation.override(language):
        progress(5)
        report = report_build(event=event)
        progress(30)
        writer = {
            "docx": reports.report_docx,
            "xlsx": reports.report_xlsx,
            "pdf": reports.report_pdf,
        }
        data = writer[fmt](report, progress=lambda p: progress(30 + int(p * 0.65)))
    slug = event.source.slug
    return f"report-{slug}-{language}.{fmt}", data


def report_export_request(*, event, fmt: str, language: str, user=None) -> ReportExport:
    """Ask the worker for an export.

    Side effects: a ``conference.Job`` (kind ``report_export``, progress in percent) and its
    ``ReportExport`` row; the job's task is queued after commit.
    """
    if fmt not in ExportFormat.values:
        raise ReportError(_("Unknown export format."), code="bad_format")
    user = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        job = job_create(
            kind="report_export",
            params={"event": event.source.pk, "format": fmt, "language": language},
            owner=user,
            total=100,
        )
        export = ReportExport.objects.create(
            event=event.source, format=fmt, language=language, requested_by=user, job=job
        )
    return export


def report_export_work(*, job, context):
    """The job handler of a report export: the file, progress in percent as it goes.

    Called by ``conference.jobs.job_run`` (which keeps the file in private storage and marks
    the job done or failed). Side effects: the job's progress and lease via ``context``.
    """
    export = ReportExport.objects.select_related("event").get(job=job)
    name, data = report_export_file(
        event=export.event,
        fmt=export.format,
        language=export.language,
        progress=lambda percent: context.progress(min(int(percent), 99)),
    )
    return JobResult(filename=name, content=data)


def report_export_run(*, export_id: int) -> bool:
    """Make the file of one export now, in this process. Returns True if it ran.

    The same path as the worker's: a finished export, or one a live worker holds, is left
    alone, so a retried task does nothing. Side effects: those of ``conference.jobs.job_run``.
    """
    job_id = ReportExport.objects.filter(pk=export_id).values_list("job_id", flat=True).first()
    if job_id is None:
        return False
    return job_run(job_id=job_id) in ("done", "failed")
