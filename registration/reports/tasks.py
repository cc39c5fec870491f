"""Worker tasks of the report: adapters that fetch by primary key and call a service."""

from __future__ import annotations

from cms.models import EventPage
from registration.reports.services.reports import report_export_run
from registration.reports.services.surveys import survey_invitations_queue_due, survey_remind


def report_export_task(export_id: int) -> bool:
    """Run one report export's job (kept for tasks queued before exports became jobs; new
    exports run through ``conference.jobs.job_run_task``). A repeated task does nothing."""
    return report_export_run(export_id=export_id)


def survey_remind_task(event_id: int) -> int:
    """Queue survey reminders for one event (deduplicated per participant)."""
    event = EventPage.objects.filter(pk=event_id).first()
    return survey_remind(event=event) if event else 0


def queue_survey_invitations() -> int:
    """Survey invitations whose moment has come (scheduled every ten minutes)."""
    return survey_invitations_queue_due()
