"""The registration room's django-q2 schedules (synced by ``conference.schedules``)."""

from conference.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        "registration: expire unconfirmed registrations",
        "registration.tasks.expire_unconfirmed",
        60,
    ),
    ScheduleSpec(
        "registration: anonymise after the retention period",
        "registration.tasks.anonymise_due",
        24 * 60,
    ),
]
