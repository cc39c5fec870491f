"""Reminders and survey invitations: each exactly once per registration, however often the
scheduler runs; the schedules themselves are created or updated by name."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registration.messaging.models import Message
from registration.messaging.services.notices import (
    event_bounds,
    offset_parse,
    reminders_queue_due,
)
from registration.messaging.services.sending import messages_send_due
from registration.reports.services.surveys import survey_invitations_queue_due
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda

pytestmark = pytest.mark.django_db


def test_offset_parse_reads_days_hours_minutes_and_refuses_the_rest():
    assert [offset_parse(v) for v in ("7d", "12h", "30m")] == [
        dt.timedelta(days=7),
        dt.timedelta(hours=12),
        dt.timedelta(minutes=30),
    ]
    with pytest.raises(ValueError, match="not an offset"):
        offset_parse("a week")


def test_reminders_go_once_per_offset_even_when_the_scheduler_runs_twice(settings):
    settings.MESSAGES_REMINDER_OFFSETS = ["7d", "1d"]
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(2, event=event)
    factories.RegistrationFactory(event=event, status="waitlisted")
    start, _end = event_bounds(event)
    from registration.models import Registration

    Registration.objects.update(created_at=start - dt.timedelta(days=20))

    week_before = start - dt.timedelta(days=6)
    counts = [reminders_queue_due(now=week_before), reminders_queue_due(now=week_before)]
    day_before = start - dt.timedelta(hours=20)
    counts += [reminders_queue_due(now=day_before), reminders_queue_due(now=day_before)]
    counts.append(reminders_queue_due(now=start + dt.timedelta(hours=1)))  # too late: none
    messages_send_due()

    assert counts == [2, 0, 2, 0, 0]
    assert sorted(Message.objects.values_list("dedupe_key", flat=True)) == sorted(
        f"reminder:{p.pk}:{label}" for p in people for label in ("7d", "1d")
    )
    reminder = next(e for e in mail.outbox if e.to == [people[0].email])
    assert "Kabanbay Batyr 21" in reminder.body
    assert "https://maps.example.org/rixos" in reminder.body
    assert "https://meet.example.org/astana" in reminder.body
    assert "09:00" in reminder.body
    assert "Almaty (UTC+05:00)" in reminder.body


def test_reminder_is_not_sent_to_someone_who_registered_after_its_moment(settings):
    settings.MESSAGES_REMINDER_OFFSETS = ["7d"]
    event = event_with_agenda()
    from registration.models import Registration

    late, early = factories.RegistrationFactory.create_batch(2, event=event)
    start, _end = event_bounds(event)
    Registration.objects.filter(pk=late.pk).update(created_at=start - dt.timedelta(days=5))
    Registration.objects.filter(pk=early.pk).update(created_at=start - dt.timedelta(days=9))

    assert reminders_queue_due(now=start - dt.timedelta(days=3)) == 1
    assert list(Message.objects.values_list("dedupe_key", flat=True)) == [f"reminder:{early.pk}:7d"]


def test_survey_invitation_goes_once_after_the_event_with_the_survey_link(settings):
    settings.MESSAGES_SURVEY_DELAY = "2h"
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(2, event=event, language="ru")
    factories.SurveyFactory(
        event=event, title_i18n={"en": "Your views", "ru": "Ваше мнение"}, questions=False
    )
    _start, end = event_bounds(event)

    counts = [
        survey_invitations_queue_due(now=end + dt.timedelta(hours=1)),
        survey_invitations_queue_due(now=end + dt.timedelta(hours=3)),
        survey_invitations_queue_due(now=end + dt.timedelta(hours=3)),
    ]
    messages_send_due()

    assert counts == [0, 2, 0]
    assert sorted(e.to[0] for e in mail.outbox) == sorted(p.email for p in people)
    assert "/ru/registration/survey/" in mail.outbox[0].body
    assert "«Ваше мнение»" in mail.outbox[0].body or "Ваше мнение" in mail.outbox[0].body


def test_setup_schedules_creates_then_updates_by_name_without_duplicates():
    from django_q.models import Schedule

    from conference.schedules import schedules_all

    specs = schedules_all()
    call_command("setup_schedules", verbosity=0)
    Schedule.objects.filter(name=specs[0].name).update(minutes=30)
    Schedule.objects.create(name=specs[1].name, func="x.y")  # a stray duplicate
    # A schedule under its name from before the rooms were split, with its old task path.
    Schedule.objects.create(
        name="registration: reminders and survey invitations",
        func="registration.tasks.queue_reminders",
    )
    call_command("setup_schedules", verbosity=0)

    rows = list(Schedule.objects.order_by("name").values_list("name", "func", "minutes"))
    assert rows == sorted((s.name, s.func, s.minutes) for s in specs)
    assert {s.func.rsplit(".", 1)[0] for s in specs} == {
        "conference.jobs",
        "registration.tasks",
        "registration.messaging.tasks",
        "registration.reports.tasks",
        "registration.nominations.tasks",
    }


def test_old_reminders_task_path_still_sends_survey_invitations(settings):
    """A schedule stored before the rooms were split runs ``registration.tasks.queue_reminders``
    (resolved as django-q2 does: module, then attribute): until ``setup_schedules`` rewrites
    it, that path still queues the survey invitations, now the reports room's work."""
    settings.MESSAGES_SURVEY_DELAY = "1m"
    two_days_ago = timezone.localdate() - dt.timedelta(days=2)
    event = event_with_agenda(start_date=two_days_ago, end_date=two_days_ago)
    people = factories.RegistrationFactory.create_batch(2, event=event)
    factories.SurveyFactory(event=event, questions=False)
    module, name = ["registration.tasks", "queue_reminders"]

    queued = getattr(importlib.import_module(module), name)()

    assert queued == 2
    assert sorted(Message.objects.values_list("dedupe_key", flat=True)) == sorted(
        f"survey:{p.pk}" for p in people
    )
