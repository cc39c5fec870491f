"""django-q2 schedules, created or updated by name; each room lists its own in ``schedules.py``.

``Schedule.name`` is not unique in django-q2, so ``schedules_sync`` looks each one up by name,
updates the first, and deletes any duplicates; nobody creates these by hand. ``catch_up`` is
off in ``Q_CLUSTER``: a missed slot runs once, not once per missed minute, and every task is
idempotent anyway. A schedule whose task moved is rewritten by name on the next
``setup_schedules`` (``make demo`` and deployments run it).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_q.models import Schedule


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int


#: The conference's own: badge batches and report exports whose worker died are queued again.
SCHEDULES = [
    ScheduleSpec("jobs: restart jobs of dead workers", "conference.jobs.job_sweep_task", 1),
]


def schedules_all() -> list[ScheduleSpec]:
    """Every room's ``SCHEDULES``: the ``schedules`` module of each installed app that has one
    (``conference``, ``registration``, ``registration.messaging``, ...). Discovered, not
    imported by name, so that no room has to import the rooms above it to be scheduled."""
    specs: list[ScheduleSpec] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "schedules"):
            specs += import_module(f"{app_config.name}.schedules").SCHEDULES
    return specs


def schedules_retired() -> list[str]:
    """Names of schedules that no longer exist (each room's ``RETIRED_SCHEDULES``)."""
    names: list[str] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "schedules"):
            module = import_module(f"{app_config.name}.schedules")
            names += getattr(module, "RETIRED_SCHEDULES", [])
    return names


def schedules_sync() -> dict[str, str]:
    """Create or update every room's schedule by name and delete retired ones. Returns name →
    what happened (``created``, ``updated``, ``unchanged``, ``deleted``).

    Side effects: ``django_q.Schedule`` rows (one per name; duplicates removed), one
    transaction.
    """
    result = {}
    with transaction.atomic():
        for name in schedules_retired():
            if Schedule.objects.filter(name=name).delete()[0]:
                result[name] = "deleted"
        for spec in schedules_all():
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
