"""Agenda changes on publish: one update per confirmed participant with the final times;
nothing for wording; cancellation by the participant or the organiser withdraws the entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from registration.messaging.models import EventCalendar, Message, MessageStatus
from registration.messaging.services.invites import (
    calendar_updates_queue,
    event_cancel,
    event_cancellations_queue,
)
from registration.messaging.services.sending import messages_send_due
from tests import factories
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda, publish

pytestmark = pytest.mark.django_db


def _sent_calendars(kind: str) -> dict[str, Calendar]:
    """Recipient → parsed calendar of every e-mail of ``kind`` in the test outbox."""
    result = {}
    for email in mail.outbox:
        if email.extra_headers["X-Conference-Message"].split(":")[0] != kind:
            continue
        [ics] = [a.content for a in email.alternatives if a.mimetype.startswith("text/calendar")]
        assert email.to[0] not in result, f"two {kind} e-mails to {email.to[0]}"
        result[email.to[0]] = Calendar.from_ical(ics)
    return result


def _day_two_start(calendar: Calendar, event) -> dt.datetime:
    """When the entry says the second day starts (its override, or the daily repeat)."""
    for vevent in calendar.walk("VEVENT"):
        if "recurrence-id" in vevent and vevent.decoded("dtstart").date() == event.end_date:
            return vevent.decoded("dtstart")
    master = next(v for v in calendar.walk("VEVENT") if "recurrence-id" not in v)
    return master.decoded("dtstart") + dt.timedelta(days=1)


def _flush_updates(event) -> None:
    """What the worker does after the publish, and later when the delay has passed."""
    calendar_updates_queue(event_id=event.pk)


def _send_everything_due() -> None:
    Message.objects.filter(status=MessageStatus.PENDING).update(send_after=timezone.now())
    messages_send_due()


@pytest.fixture
def invited():
    """An event with an agenda, three confirmed participants whose invites went out, and a
    waitlisted one; returns (event, the three)."""
    event = event_with_agenda()
    people = [confirmed(event) for _ in range(3)]
    # A confirmed address: promotion then gives a place and an invite (an unconfirmed one must
    # confirm first and gets no calendar yet).
    factories.RegistrationFactory(event=event, waitlisted=True, email_confirmed_at=timezone.now())
    messages_send_due()
    mail.outbox.clear()
    return event, people


def test_moved_session_sends_one_update_with_raised_sequence_and_new_times(invited):
    event, people = invited
    first_sequence = int(
        Calendar.from_ical(Message.objects.filter(kind="confirmed").first().ics).walk("VEVENT")[0][
            "sequence"
        ]
    )

    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    publish(event)
    _flush_updates(event)
    _flush_updates(event)  # the safety net runs it again: nothing more
    _send_everything_due()

    updates = _sent_calendars("update")
    assert sorted(updates) == sorted(p.email for p in people)
    for calendar in updates.values():
        master = next(v for v in calendar.walk("VEVENT") if "recurrence-id" not in v)
        assert int(master["sequence"]) == first_sequence + 1
        assert _day_two_start(calendar, event) == dt.datetime.combine(
            event.end_date, dt.time(10, 0), tzinfo=event.tz
        )
    assert EventCalendar.objects.get(event=event).sequence == first_sequence + 1


def test_update_waits_for_the_configured_delay(settings, invited):
    settings.MESSAGES_UPDATE_DELAY = 300
    event, _people = invited

    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    publish(event)
    _flush_updates(event)
    messages_send_due()

    assert mail.outbox == []
    row = Message.objects.filter(kind="calendar_update").first()
    assert row.send_after > timezone.now() + dt.timedelta(seconds=250)


def test_wording_only_change_sends_nothing(invited):
    event, _people = invited
    before = EventCalendar.objects.get(event=event).sequence

    event.sessions.filter(title="Working groups").update(
        title="Working groups on mentoring", description="New wording"
    )
    event.subtitle = "A new subtitle"
    event.save_revision().publish()
    _flush_updates(event)
    _send_everything_due()

    assert [e.extra_headers["X-Conference-Message"] for e in mail.outbox] == []
    assert EventCalendar.objects.get(event=event).sequence == before


def test_two_quick_publishes_send_one_update_with_the_final_times(invited):
    event, people = invited

    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    publish(event)
    _flush_updates(event)
    event.sessions.filter(title="Working groups").update(start_time=dt.time(11, 0))
    publish(event)
    _flush_updates(event)
    _send_everything_due()

    updates = _sent_calendars("update")
    assert sorted(updates) == sorted(p.email for p in people)
    for calendar in updates.values():
        assert _day_two_start(calendar, event) == dt.datetime.combine(
            event.end_date, dt.time(11, 0), tzinfo=event.tz
        )
    assert Message.objects.filter(kind="calendar_update", status="superseded").count() == 3


def test_participant_cancels_and_the_entry_is_withdrawn(invited):
    from registration.services.registrations import registration_cancel

    _event, people = invited

    registration_cancel(registration=people[0])
    _send_everything_due()

    cancels = _sent_calendars("status")
    calendar = cancels[people[0].email]
    assert str(calendar["method"]) == "CANCEL"
    confirmation = Calendar.from_ical(
        Message.objects.get(registration=people[0], kind="confirmed").ics
    )
    [vevent] = calendar.walk("VEVENT")
    original = confirmation.walk("VEVENT")[0]
    assert str(vevent["uid"]) == str(original["uid"])
    assert int(vevent["sequence"]) > int(original["sequence"])


def test_organiser_cancels_the_event_and_everyone_with_an_entry_gets_cancel(invited):
    event, people = invited

    assert event_cancel(event=event) is True
    assert event_cancel(event=event) is False
    event_cancellations_queue(event_id=event.pk)
    event_cancellations_queue(event_id=event.pk)
    _send_everything_due()

    cancels = _sent_calendars("event_cancelled")
    assert sorted(cancels) == sorted(p.email for p in people)
    assert {str(c["method"]) for c in cancels.values()} == {"CANCEL"}


@pytest.mark.parametrize("size", [2, 20])
def test_update_fan_out_reads_the_agenda_once_per_language_not_per_participant(size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = event_with_agenda()
    people = [confirmed(event) for _ in range(size - 1)] + [confirmed(event, language="ru")]
    messages_send_due()
    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    event.save_revision().publish()  # raises the sequence; the fan-out is measured below
    table = event.sessions.model._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        queued = calendar_updates_queue(event_id=event.pk)

    assert queued == len(people)
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    # English: the source's sessions; Russian: the translation's, and the source's because the
    # translation lags behind. The same for 2 participants as for 20 (or 3,500).
    assert len(reads) == 3
    for row in Message.objects.filter(kind="calendar_update"):
        calendar = Calendar.from_ical(row.ics)
        [vtimezone] = calendar.walk("VTIMEZONE")
        assert vtimezone["tzid"] == event.time_zone
        assert _day_two_start(calendar, event).time() == dt.time(10, 0)
