"""The reports room's django-q2 schedules (synced by ``conference.schedules``)."""

from conference.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        "reports: survey invitations",
        "registration.reports.tasks.queue_survey_invitations",
        10,
    ),
]
