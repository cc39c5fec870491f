"""The nominations room's django-q2 schedules (synced by ``conference.schedules``)."""

from conference.schedules import ScheduleSpec

SCHEDULES = [
    # Focal points with places left, within NOMINATION_REMINDER_BEFORE of their deadline.
    ScheduleSpec(
        "nominations: remind focal points",
        "registration.nominations.tasks.focal_reminders_task",
        30,
    ),
]
