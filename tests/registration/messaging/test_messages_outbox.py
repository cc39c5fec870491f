"""The outbox: one row per cause, the invite attached by kind, each row sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_q.brokers import get_broker
from icalendar import Calendar

from registration.messaging.models import CalendarInvite, Message, MessageStatus, OutboxWakeUp
from registration.messaging.services import sending
from registration.messaging.services.outbox import message_queue, message_resend
from registration.messaging.services.sending import (
    message_send,
    messages_recover_stale,
    messages_send_due,
)
from registration.services.registrations import registration_create
from tests import factories
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda
from tests.registration.messaging.smtpd import smtp_server, smtp_settings
from tests.registration.registration_helpers import event_create, person

pytestmark = pytest.mark.django_db


def _queue(registration, kind, key):
    with transaction.atomic():
        return message_queue(registration=registration, kind=kind, dedupe_key=key)


def test_queue_same_key_twice_makes_one_row():
    registration = factories.RegistrationFactory(event=event_with_agenda())

    first = _queue(registration, "confirmed", "k1")
    second = _queue(registration, "confirmed", "k1")

    assert first is not None
    assert second is None
    assert Message.objects.filter(dedupe_key="k1").count() == 1


def test_queue_rolled_back_with_its_cause_leaves_nothing():
    registration = factories.RegistrationFactory(event=event_with_agenda())

    def queue_then_fail() -> None:
        with transaction.atomic():
            message_queue(registration=registration, kind="confirmed", dedupe_key="k1")
            raise RuntimeError("the cause failed")

    with pytest.raises(RuntimeError):
        queue_then_fail()

    assert Message.objects.count() == 0
    assert CalendarInvite.objects.count() == 0


def test_confirmed_gets_request_and_cancelled_gets_cancel_with_same_uid_higher_sequence():
    registration = confirmed(event_with_agenda())

    _queue(registration, "cancelled", "k-cancel")

    invite, cancel = Message.objects.order_by("pk")
    request_cal = Calendar.from_ical(invite.ics)
    cancel_cal = Calendar.from_ical(cancel.ics)
    assert (invite.ics_method, cancel.ics_method) == ("REQUEST", "CANCEL")
    [req_event] = [c for c in request_cal.walk("VEVENT") if "recurrence-id" not in c]
    [can_event] = cancel_cal.walk("VEVENT")
    assert str(req_event["uid"]) == str(can_event["uid"])
    assert int(can_event["sequence"]) == int(req_event["sequence"]) + 1


def test_cancelled_without_an_invite_gets_no_calendar_part():
    registration = factories.RegistrationFactory(event=event_with_agenda(), status="waitlisted")

    message = _queue(registration, "cancelled", "k")

    assert (message.ics, message.ics_method) == ("", "")


def test_declined_after_confirmation_withdraws_the_entry():
    registration = confirmed(event_with_agenda())

    message = _queue(registration, "declined", "k")

    assert message.ics_method == "CANCEL"


def test_send_builds_multipart_with_calendar_part_and_stable_message_id():
    registration = confirmed(event_with_agenda(), language="ru")
    row = Message.objects.get()

    assert message_send(message_id=row.pk) is True

    [email] = mail.outbox
    parsed = email.message()
    types = [part.get_content_type() for part in parsed.walk()]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "text/calendar",
    ]
    calendar_part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    assert email.to == [registration.email]
    assert email.extra_headers["Message-ID"].startswith("<")
    assert email.subject == row.subject


def test_send_twice_sends_once():
    confirmed(event_with_agenda())
    row = Message.objects.get()

    results = [message_send(message_id=row.pk), message_send(message_id=row.pk)]

    assert results == [True, False]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MessageStatus.SENT, 1)


def test_send_due_skips_rows_not_yet_due():
    registration = factories.RegistrationFactory(event=event_with_agenda())
    with transaction.atomic():
        message_queue(
            registration=registration,
            kind="confirmed",
            dedupe_key="later",
            send_after=timezone.now() + dt.timedelta(hours=1),
        )

    assert messages_send_due() == 0
    assert mail.outbox == []


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,  # discard port: nothing listens, the connection is refused
    MESSAGES_MAX_ATTEMPTS=3,
)
def test_transient_failure_retries_with_backoff_then_fails():
    confirmed(event_with_agenda())
    row = Message.objects.get()

    message_send(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == MessageStatus.PENDING
    assert row.send_after > timezone.now() + dt.timedelta(seconds=50)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()

    for _ in range(2):
        Message.objects.filter(pk=row.pk).update(send_after=timezone.now())
        message_send(message_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 3)


@override_settings(MESSAGES_SENDING_LEASE=60)
def test_stale_sending_row_goes_to_attention_when_backend_cannot_prove_it():
    confirmed(event_with_agenda())
    Message.objects.update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )

    assert messages_recover_stale() == 1

    assert Message.objects.get().status == MessageStatus.ATTENTION
    assert messages_send_due() == 0
    assert mail.outbox == []


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", MESSAGES_SENDING_LEASE=60
)
def test_stale_sending_row_over_smtp_goes_back_to_pending():
    confirmed(event_with_agenda())
    Message.objects.update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )

    messages_recover_stale()

    assert Message.objects.get().status == MessageStatus.PENDING


def test_resend_is_a_new_row_with_a_new_key():
    confirmed(event_with_agenda())
    original = Message.objects.get()
    message_send(message_id=original.pk)

    first = message_resend(message=original)
    second = message_resend(message=original)
    messages_send_due()

    assert [first.dedupe_key, second.dedupe_key] == [
        f"resend:{original.pk}:1",
        f"resend:{original.pk}:2",
    ]
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)  # real commits: the wake-up happens after each
def test_a_burst_of_commits_wakes_one_send_task_until_it_starts():
    """Each commit that queues mail would enqueue a task; while one is queued and has not
    started, later commits rely on it. Once it starts (and reads the outbox), the next
    commit enqueues again — no message waits for the one-minute safety net."""
    event = event_with_agenda()
    registrations = [factories.RegistrationFactory(event=event) for _ in range(3)]
    broker = get_broker()
    before = broker.queue_size()  # publishing the event queued its own calendar task

    for n, registration in enumerate(registrations[:2]):
        _queue(registration, "waitlisted", f"burst-{n}")
    assert broker.queue_size() - before == 1
    assert OutboxWakeUp.objects.count() == 1

    assert messages_send_due() == 2  # the task: clears the wake-up first, then sends both
    assert OutboxWakeUp.objects.count() == 0

    _queue(registrations[2], "waitlisted", "burst-2")
    assert broker.queue_size() - before == 2
    assert {m.to[0] for m in mail.outbox} == {r.email for r in registrations[:2]}


def test_send_due_whose_hold_runs_out_gives_rows_back_at_once():
    """The cause of the flaky fault test on PostgreSQL: a worker whose hold on a chunk ran out
    (half of ``MESSAGES_SENDING_LEASE``, short in that test, a busy machine) left the rest of
    the chunk in SENDING, and with no later run to recover them they were never sent."""
    event = event_with_agenda()
    people = factories.RegistrationFactory.create_batch(3, event=event)
    with transaction.atomic():
        for registration in people:
            message_queue(
                registration=registration, kind="confirmed", dedupe_key=f"t:{registration.pk}"
            )
    with smtp_server() as (smtp, port):
        with override_settings(**smtp_settings(port), MESSAGES_SENDING_LEASE=0):
            assert messages_send_due() == 0  # no message can be written within the hold

        left = list(Message.objects.values_list("status", "attempts", "claim_token"))
        assert left == [(MessageStatus.PENDING, 0, "")] * 3

        with override_settings(**smtp_settings(port)):  # the next run, a lease that is long
            assert messages_send_due() == 3
    assert smtp.invites_by_recipient() == {p.email: 1 for p in people}


def _registered(language: str):
    """A new registration through the service: its e-mail is queued for the sender to render."""
    event = event_create(capacity=10)
    result = registration_create(event=event, data=person(language=language), language="en")
    return result.registration, Message.objects.get(registration=result.registration)


def test_a_new_registration_s_e_mail_is_rendered_by_the_sender_over_smtp():
    """Queued blank, rendered just before it goes out: the server receives the Russian text
    with the participant's link, and the row keeps what was sent (staff's log, the export)."""
    registration, row = _registered("ru")
    assert (row.subject, row.body_text, bytes(row.wire)) == ("", "", b"")

    with smtp_server() as (smtp, port), override_settings(**smtp_settings(port)):
        assert messages_send_due() == 1

    [received] = smtp.received
    sent = received.message
    row.refresh_from_db()
    assert row.status == MessageStatus.SENT
    assert str(sent["Subject"]).strip() == row.subject
    assert "Подтвердите" in row.subject
    text = sent.get_body(("plain",)).get_content()
    assert text.strip().splitlines() == row.body_text.strip().splitlines()
    assert "/ru/registration/manage/" in text
    assert registration.given_name in text


def test_the_sender_renders_in_the_language_chosen_by_then():
    """A participant who switches their messages to Ukrainian before the worker runs gets
    the e-mail in Ukrainian, and the row says so."""
    registration, row = _registered("ru")
    type(registration).objects.filter(pk=registration.pk).update(language="uk")

    assert messages_send_due() == 1

    [sent] = mail.outbox
    row.refresh_from_db()
    assert row.language == "uk"
    assert "/uk/registration/manage/" in sent.body
    assert sent.subject == row.subject
    assert "Підтвердьте" in sent.subject or "підтвердьте" in sent.body.lower()


def test_an_e_mail_that_cannot_be_rendered_is_retried_and_the_others_go_out(monkeypatch):
    """A broken template fails its own row (kept, with the error, for a later try) and the
    batch goes on with the rest."""
    _, broken = _registered("ru")
    other = factories.RegistrationFactory(event=event_with_agenda())
    _queue(other, "confirmed", "other")
    real = sending.message_render_late

    def render(message):
        if message.pk == broken.pk:
            raise ValueError("template exploded")
        return real(message)

    monkeypatch.setattr(sending, "message_render_late", render)

    assert messages_send_due() == 1

    assert [m.to for m in mail.outbox] == [[other.email]]
    broken.refresh_from_db()
    assert broken.status == MessageStatus.PENDING
    assert broken.attempts == 1
    assert "template exploded" in broken.last_error
    assert broken.send_after > timezone.now()
