"""Writes for the post-event report: recommendations, and export jobs with progress.

Errors carry a ``code``: ``empty`` (a recommendation without text), ``wrong_session`` (a session
of another event), ``bad_format``.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conference.tasks import enqueue_after_commit
from registration.models import ExportFormat, ExportStatus, Recommendation, ReportExport


def inline_export_max() -> int:
    """Above this many registrations an export runs in the worker with a progress bar."""
    from django.conf import settings

    return getattr(settings, "REPORT_INLINE_EXPORT_MAX", 300)


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

    Side effects: one ``Recommendation`` row.
    """
    event = event.source
    text = _check(event, text, session)
    with transaction.atomic():
        last = Recommendation.objects.filter(event=event).aggregate(m=Max("order"))["m"]
        return Recommendation.objects.create(
            event=event,
            text=text,
            session=session,
            author=author,
            order=0 if last is None else last + 1,
        )


def recommendation_update(*, recommendation: Recommendation, text: str, session=None) -> None:
    """Change a recommendation's text and session. Side effects: saves the row."""
    recommendation.text = _check(recommendation.event, text, session)
    recommendation.session = session
    recommendation.save(update_fields=["text", "session"])


def recommendation_move(*, recommendation: Recommendation, direction: str) -> None:
    """Swap a recommendation with its neighbour above (``up``) or below (``down``).

    Side effects: renumbers the event's recommendations 0..n-1 in one transaction.
    """
    with transaction.atomic():
        rows = list(
            Recommendation.objects.select_for_update()
            .filter(event_id=recommendation.event_id)
            .order_by("order", "pk")
        )
        index = next(i for i, row in enumerate(rows) if row.pk == recommendation.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        for order, row in enumerate(rows):
            if row.order != order:
                Recommendation.objects.filter(pk=row.pk).update(order=order)


def recommendation_delete(*, recommendation: Recommendation) -> None:
    """Delete a recommendation; the ones below move up. Side effects: one delete, renumbering."""
    with transaction.atomic():
        Recommendation.objects.filter(
            event_id=recommendation.event_id, order__gt=recommendation.order
        ).update(order=F("order") - 1)
        recommendation.delete()


def report_export_file(*, event, fmt: str, language: str, progress=None) -> tuple[str, bytes]:
    """Build the report of ``event`` in ``language`` as ``fmt``; returns (filename, bytes).

    Reads only. ``progress(percent)`` is called as the work advances.
    """
    from registration import reports
    from registration.selectors.reports import report_build

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
    """Ask the worker for an export. Side effects: a ``ReportExport`` row; a task after commit."""
    if fmt not in ExportFormat.values:
        raise ReportError(_("Unknown export format."), code="bad_format")
    with transaction.atomic():
        export = ReportExport.objects.create(
            event=event.source, format=fmt, language=language, requested_by=user
        )
        enqueue_after_commit("registration.tasks_reports.report_export_task", export.pk)
    return export


def report_export_run(*, export_id: int) -> bool:
    """Make the file of one export, recording progress on its row. Returns True if it ran.

    Side effects: the row moves PENDING → RUNNING → DONE (with the file) or FAILED (with the
    error); a row already running or finished is left alone, so a retried task does nothing.
    """
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.PENDING:
            return False
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])

    def progress(percent: int) -> None:
        ReportExport.objects.filter(pk=export_id).update(progress=min(int(percent), 99))

    try:
        name, data = report_export_file(
            event=export.event, fmt=export.format, language=export.language, progress=progress
        )
    except Exception as exc:  # noqa: BLE001 — recorded on the row for the staff member
        ReportExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished=timezone.now()
        )
        return True
    export.file.save(name, ContentFile(data), save=False)
    ReportExport.objects.filter(pk=export_id).update(
        file=export.file.name, status=ExportStatus.DONE, progress=100, finished=timezone.now()
    )
    return True
