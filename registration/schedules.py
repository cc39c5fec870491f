"""The django-q2 schedules of the registration app, created or updated by name.

``Schedule.name`` is not unique in django-q2, so ``schedules_sync`` looks each one up by name,
updates the first, and deletes any duplicates; nobody creates these by hand. ``catch_up`` is
off in ``Q_CLUSTER``: a missed slot runs once, not once per missed minute, and every task here
is idempotent anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int


SCHEDULES = [
    ScheduleSpec("registration: send due messages", "registration.tasks.messages_tick", 1),
    # Fan-outs (organiser's note, agenda update, cancellation) whose worker died are finished.
    ScheduleSpec(
        "registration: resume interrupted fan-outs", "registration.tasks.resume_fan_outs", 1
    ),
    # Badge batches and report exports whose worker died (lease run out) are queued again.
    ScheduleSpec("jobs: restart jobs of dead workers", "conference.jobs.job_sweep_task", 1),
    ScheduleSpec(
        "registration: reminders and survey invitations", "registration.tasks.queue_reminders", 10
    ),
    ScheduleSpec(
        "registration: expire unconfirmed registrations",
        "registration.tasks.expire_unconfirmed",
        60,
    ),
    ScheduleSpec(
        "registration: anonymise after the retention period",
        "registration.tasks_lifecycle.anonymise_due",
        24 * 60,
    ),
]


def schedules_sync() -> dict[str, str]:
    """Create or update every schedule in ``SCHEDULES`` by name. Returns name → what happened
    (``created``, ``updated``, ``unchanged``).

    Side effects: ``django_q.Schedule`` rows (one per name; duplicates removed), one
    transaction.
    """
    from django_q.models import Schedule

    result = {}
    with transaction.atomic():
        for spec in SCHEDULES:
            rows = list(Schedule.objects.filter(name=spec.name).order_by("pk"))
            wanted = {
                "func": spec.func,
                "schedule_type": Schedule.MINUTES,
                "minutes": spec.minutes,
                "repeats": -1,
            }
            if not rows:
                Schedule.objects.create(name=spec.name, **wanted)
                result[spec.name] = "created"
                continue
            first, duplicates = rows[0], rows[1:]
            if duplicates:
                Schedule.objects.filter(pk__in=[row.pk for row in duplicates]).delete()
            changed = [field for field, value in wanted.items() if getattr(first, field) != value]
            if changed:
                for field in changed:
                    setattr(first, field, wanted[field])
                first.save(update_fields=changed)
            result[spec.name] = "updated" if changed or duplicates else "unchanged"
    return result
