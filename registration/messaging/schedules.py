"""The messaging room's django-q2 schedules (synced by ``conference.schedules``)."""

from conference.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec("messaging: send due messages", "registration.messaging.tasks.messages_tick", 1),
    # Fan-outs (organiser's note, agenda update, cancellation) whose worker died are finished.
    ScheduleSpec(
        "messaging: resume interrupted fan-outs",
        "registration.messaging.tasks.resume_fan_outs",
        1,
    ),
    ScheduleSpec("messaging: reminders", "registration.messaging.tasks.queue_reminders", 10),
]

#: Names these schedules had before the rooms were split; ``setup_schedules`` deletes them.
RETIRED_SCHEDULES = [
    "registration: send due messages",
    "registration: resume interrupted fan-outs",
    "registration: reminders and survey invitations",
]
