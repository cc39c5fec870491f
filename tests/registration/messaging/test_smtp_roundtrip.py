"""Through a real SMTP server on loopback (aiosmtpd): what the participant's mail program
receives, refused addresses, concurrent senders, a sender that lost its claim."""

from __future__ import annotations

import datetime as dt
import threading
import time
from email.utils import parsedate_to_datetime

import pytest
import vobject
from django.db import close_old_connections, connection
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from registration.messaging.models import Message, MessageStatus
from registration.messaging.services.outbox import message_id_header
from registration.messaging.services.sending import (
    CLAIM_LOST,
    SmtpOutbox,
    message_send,
    messages_claim,
    messages_send_due,
)
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda
from tests.registration.messaging.smtpd import BUSY, REFUSAL, smtp_server, smtp_settings


@pytest.fixture
def smtp():
    with (
        smtp_server(refuse={"nobody@example.org"}, busy={"busy@example.org"}) as (handler, port),
        override_settings(**smtp_settings(port)),
    ):
        yield handler


@pytest.mark.django_db
def test_confirmation_round_trip_parses_as_mail_and_calendar(smtp):
    event = event_with_agenda()
    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    registration = confirmed(event, language="ru", interpretation_language="en")
    row = Message.objects.get()

    assert message_send(message_id=row.pk) is True

    [received] = smtp.received
    assert received.rcpt_tos == [registration.email]
    parsed = received.message
    assert parsed["To"] == registration.email
    assert parsed["Message-ID"] == message_id_header(Message.objects.get())
    # Built when queued, dated when sent: one Date header, from the moment of sending.
    assert bytes(row.wire).startswith(b"Content-Type: multipart/mixed")
    assert b"\r\nDate:" not in bytes(row.wire)
    assert len(parsed.get_all("Date")) == 1
    sent_at = parsedate_to_datetime(parsed["Date"])
    assert abs((sent_at - Message.objects.get().sent_at).total_seconds()) < 60
    assert parsed.get_content_type() == "multipart/mixed"
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert registration.full_name in text
    assert "/ru/registration/manage/" in html
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_param("method") for p in calendars] == ["REQUEST", "REQUEST"]
    assert calendars[1].get_filename() == "invite.ics"
    data = calendars[0].get_content()
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "REQUEST"
    master = next(c for c in calendar.walk("VEVENT") if "recurrence-id" not in c)
    assert master.decoded("dtstart") == dt.datetime.combine(
        event.start_date, dt.time(9, 0), tzinfo=event.tz
    )
    assert "английский" in str(master["description"])  # the interpretation language
    card = vobject.readOne(data)
    # Wall-clock times as vobject reads them (it gets UTC offsets wrong, see PITFALLS), compared
    # as datetimes: sorted "DD HH:MM" strings break when the event spans a month's end.
    assert sorted(v.dtstart.value.replace(tzinfo=None) for v in card.vevent_list) == [
        dt.datetime.combine(event.start_date, dt.time(9, 0)),
        dt.datetime.combine(event.end_date, dt.time(10, 0)),
    ]
    assert Message.objects.get().status == MessageStatus.SENT


@pytest.mark.django_db
def test_refused_address_fails_at_once_with_the_servers_answer_and_others_go_on(smtp):
    event = event_with_agenda()
    before = confirmed(event, email="before@example.org")
    refused = confirmed(event, email="nobody@example.org")
    after = confirmed(event, email="after@example.org")

    sent = messages_send_due()

    assert sent == 2
    assert smtp.count_by_recipient() == {before.email: 1, after.email: 1}
    row = Message.objects.get(registration=refused)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 1)
    assert row.last_error == REFUSAL
    assert set(Message.objects.exclude(pk=row.pk).values_list("status", flat=True)) == {
        MessageStatus.SENT
    }


@pytest.mark.django_db
def test_server_that_hangs_up_leaves_its_row_for_later_and_the_rest_go_out_anew(smtp):
    """A 421 closes the connection (smtplib hangs up too): that row waits for its back-off,
    the next ones go out over a new connection instead of failing on the closed one."""
    event = event_with_agenda()
    busy = confirmed(event, email="busy@example.org")
    after = [confirmed(event, email=f"after{i}@example.org") for i in range(2)]

    sent = messages_send_due()

    assert sent == 2
    assert smtp.count_by_recipient() == {p.email: 1 for p in after}
    row = Message.objects.get(registration=busy)
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.PENDING, 1, BUSY)
    assert row.send_after > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once(smtp):
    event = event_with_agenda()
    people = [confirmed(event, email=f"p{i}@example.org") for i in range(120)]
    ids = list(Message.objects.values_list("pk", flat=True))
    results: list[int] = []
    barrier = threading.Barrier(3)

    def sender(fn):
        barrier.wait()
        try:
            results.append(fn())
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=sender, args=(messages_send_due,)),
        threading.Thread(target=sender, args=(messages_send_due,)),
        threading.Thread(
            target=sender, args=(lambda: sum(message_send(message_id=i) for i in ids),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 120
    assert smtp.count_by_recipient() == {p.email: 1 for p in people}
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


@pytest.mark.django_db
def test_sender_whose_lease_ran_out_delivers_nothing(smtp):
    """Past its hold another worker may own the row: write nothing of it."""
    confirmed(event_with_agenda())
    token, [row] = messages_claim()
    outbox = SmtpOutbox()

    outcome = outbox.deliver(row, token, held_until=time.monotonic() - 1)
    outbox.close()

    assert (outcome.sent, outcome.error) == (False, CLAIM_LOST)
    assert smtp.received == []
    assert Message.objects.get().status == MessageStatus.SENDING
