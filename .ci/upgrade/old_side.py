"""The old code's half of the upgrade check: a database as a running site of the old release
leaves it, and a snapshot of it.

Run from the root of the old code's tree (``.ci/upgrade-check`` does): ``migrate``,
``setup_schedules`` and ``load_demo`` (the Makefile's ``demo`` steps, in one process to save
two Django start-ups), then work a live site has in flight at the moment of an upgrade,
made through the old code's own services: an outbox row not sent yet, an organiser's note
handed to the worker, a report export and a badge batch waiting as jobs, and one task of
each old dotted path in the django-q2 ORM broker. Last, ``dbstate``'s snapshot as JSON.

Usage: python /path/to/.ci/upgrade/old_side.py SNAPSHOT.json
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

# This file lives in the new tree: the old tree (the current directory) must come first.
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

import django

django.setup()

import dbstate  # noqa: E402 -- beside this file
from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

STARTED = time.monotonic()


def say(text: str) -> None:
    sys.stdout.write(f"[old {time.monotonic() - STARTED:5.1f}s] {text}\n")
    sys.stdout.flush()


def demo_event():
    """The demo's mentors' training (it has check-ins, survey answers and a report), else
    the event with the most registrations."""
    from django.db.models import Count

    event_page = apps.get_model("cms", "EventPage")
    events = event_page.objects.annotate(n=Count("registrations")).filter(n__gt=0)
    return events.filter(slug="mentors-training").first() or events.order_by("-n", "pk").first()


def in_flight(event, organiser) -> list[str]:
    """Work a live site has in flight, made through the old code's services; returns what
    could not be made (an older release may lack a service: the check goes on without it)."""
    from conference.tasks import enqueue_after_commit

    missing: list[str] = []
    registration_model = apps.get_model("registration", "Registration")
    confirmed = registration_model.objects.filter(event=event, status="confirmed").order_by("pk")
    participant = confirmed.first()

    def attempt(what: str, work) -> object:
        try:
            with transaction.atomic():
                result = work()
        except Exception as exc:  # noqa: BLE001 -- reported in the summary
            missing.append(f"{what}: {type(exc).__name__}: {exc}")
            return None
        say(f"made: {what}")
        return result

    def pending_message():
        from registration.services.messages import message_queue

        return message_queue(
            registration=participant,
            kind="organiser_message",
            dedupe_key=f"upgrade-check:pending:{participant.pk}",
            context={"note_subject": "Upgrade check", "note_body": "Queued before the upgrade."},
        )

    def organiser_note():
        from registration.services.notices import organiser_message_create, organiser_message_send

        note = organiser_message_create(
            event=event,
            author=organiser,
            data={
                "statuses": ["confirmed"],
                "subject_en": "Upgrade check note",
                "body_en": "Handed to the worker before the upgrade.",
            },
        )
        organiser_message_send(message=note)
        return note

    def report_export():
        from registration.services.reports import report_export_request

        return report_export_request(event=event, fmt="xlsx", language="en", user=organiser)

    def badge_batch():
        from registration.services.checkin import badge_batch_create

        return badge_batch_create(event=event, by=organiser)

    message = attempt("a pending outbox row (message_queue)", pending_message)
    attempt("an organiser's note handed to the worker", organiser_note)
    export = attempt("a report export job (report_export_request)", report_export)
    batch = attempt("a badge batch job (badge_batch_create)", badge_batch)

    # One task of every old dotted path a worker may find in the queue after an upgrade
    # (queue_event_cancellations left out: it would write to everyone that the event is off).
    tasks: list[tuple[str, tuple]] = [
        ("conference.tasks.ping", ("upgrade",)),
        ("registration.tasks.messages_tick", ()),
        ("registration.tasks.resume_fan_outs", ()),
        ("registration.tasks.queue_reminders", ()),
        ("registration.tasks.expire_unconfirmed", ()),
        ("registration.tasks.queue_calendar_updates", (event.pk,)),
        ("registration.tasks_reports.survey_remind_task", (event.pk,)),
        ("registration.tasks_lifecycle.anonymise_due", ()),
    ]
    if message is not None:
        tasks.append(("registration.tasks.send_message", (message.pk,)))
    if export is not None:
        tasks.append(("registration.tasks_reports.report_export_task", (export.pk,)))
    if batch is not None:
        tasks.append(("registration.tasks_badges.badge_batch_build", (batch.pk,)))
    with transaction.atomic():
        for func, args in tasks:
            enqueue_after_commit(func, *args)
    say(f"queued {len(tasks)} tasks by their old dotted paths")
    return missing


def main() -> int:
    out = Path(sys.argv[1])
    call_command("migrate", verbosity=0)
    say("migrate")
    call_command("setup_schedules", verbosity=0)
    say("setup_schedules")
    call_command("load_demo")
    say("load_demo")

    event = demo_event()
    organiser = get_user_model().objects.get(username="organiser")
    missing = in_flight(event, organiser)

    from django_q.models import OrmQ

    snapshot = {
        "commit": os.environ.get("UPGRADE_FROM", ""),
        "event_id": event.pk,
        "tables": dbstate.tables_state(),
        "content_types": dbstate.content_types_state(),
        "schedules": dbstate.schedules_state(),
        "queued": dbstate.queued_tasks(),
        "not_made": missing,
    }
    out.write_text(json.dumps(snapshot, indent=1, default=str))
    say(
        f"snapshot: {len(snapshot['tables'])} tables, {len(snapshot['content_types'])} content "
        f"types, {len(snapshot['schedules'])} schedules, {OrmQ.objects.count()} queued tasks"
    )
    for line in missing:
        say(f"NOTE not made with the old code: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
