"""The registration status machine, capacity, waiting list, opt-in expiry, invitation, dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from wagtail.models import Locale

from cms.models import EventPage
from registration.links import registration_from_key
from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.models import Registration, StatusChange
from registration.models.registrations import STAFF
from registration.services.registrations import (
    RegistrationError,
    registration_approve,
    registration_cancel,
    registration_confirm_email,
    registration_create,
    registration_decline,
    registration_expire_unconfirmed,
    registration_resend_link,
    registration_update,
)
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create, person

pytestmark = pytest.mark.django_db


def kinds(registration) -> list[str]:
    return list(
        Message.objects.filter(registration=registration)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_create_holds_a_place_records_change_and_queues_confirmation_in_language():
    event = event_create(capacity=10)
    result = registration_create(event=event, data=person(), language="en")
    reg = result.registration
    assert result.created is True
    assert reg.status == "awaiting_email"
    assert reg.email_normalised == "aida.1@example.org"
    assert reg.consent_version == "2026-01"
    assert reg.consent_at is not None
    change = StatusChange.objects.get(registration=reg)
    assert (change.from_status, change.to_status) == ("", "awaiting_email")
    message = Message.objects.get(registration=reg)
    assert message.kind == "confirm_email"
    assert message.dedupe_key == f"status:{reg.pk}:confirm_email:{change.pk}"
    assert message.language == "ru"
    # The visitor waited only for the row: the sender renders it, in the participant's language.
    assert (message.subject, message.body_text) == ("", "")
    assert messages_send_due() == 1
    [sent] = mail.outbox
    message.refresh_from_db()
    assert (sent.subject, sent.body) == (message.subject, message.body_text)
    assert "Подтвердите" in sent.subject or "подтвердите" in sent.body.lower()
    key = re.search(r"/ru/registration/manage/([^/\s]+)/", sent.body).group(1)
    assert registration_from_key(key) == reg


def test_double_submit_returns_existing_without_second_row_or_email():
    event = event_create()
    first = registration_create(event=event, data=person(), language="en")
    again = registration_create(
        event=event, data=person(email="  AIDA.1@example.ORG "), language="en"
    )
    assert again.created is False
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert Message.objects.count() == 1


def test_registration_belongs_to_source_page_when_made_on_translation():
    event = event_create(translations=())
    ru = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru.save_revision().publish()
    result = registration_create(event=ru, data=person(), language="ru")
    assert result.registration.event_id == event.pk


def test_confirm_email_confirms_and_second_call_sends_nothing():
    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    registration_confirm_email(registration=reg)
    registration_confirm_email(registration=reg)
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    assert reg.email_confirmed_at is not None
    assert kinds(reg) == ["confirm_email", "confirmed"]


def test_needs_approval_then_approve_many_with_message():
    event = event_create(needs_approval=True)
    regs = [
        registration_create(event=event, data=person(n), language="en").registration
        for n in range(3)
    ]
    for reg in regs:
        registration_confirm_email(registration=reg)
    assert {r.status for r in Registration.objects.all()} == {"awaiting_approval"}
    for reg in regs:
        registration_approve(registration=reg, message="See you in Astana.")
    assert {r.status for r in Registration.objects.all()} == {"confirmed"}
    confirmed = Message.objects.filter(kind="confirmed")
    assert confirmed.count() == 3
    assert all("See you in Astana." in m.body_text for m in confirmed)
    assert (
        StatusChange.objects.filter(to_status="confirmed", note="See you in Astana.").count() == 3
    )


def test_approve_from_wrong_status_is_invalid_transition():
    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    with pytest.raises(RegistrationError) as exc:
        registration_approve(registration=reg)
    assert exc.value.code == "invalid_transition"


def test_full_event_waitlists_and_cancellation_promotes_first_and_tells_them():
    event = event_create(capacity=2)
    regs = [
        registration_create(event=event, data=person(n), language="en").registration
        for n in range(4)
    ]
    assert [r.status for r in regs] == [
        "awaiting_email",
        "awaiting_email",
        "waitlisted",
        "waitlisted",
    ]
    registration_confirm_email(registration=regs[0])
    registration_confirm_email(registration=regs[2])  # on the waiting list, address confirmed
    registration_cancel(registration=regs[0])
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        regs[0].pk: "cancelled",
        regs[1].pk: "awaiting_email",
        regs[2].pk: "confirmed",
        regs[3].pk: "waitlisted",
    }
    assert kinds(regs[2]) == ["waitlisted", "promoted"]
    assert kinds(regs[0]) == ["confirm_email", "confirmed", "cancelled"]


def test_full_event_without_waiting_list_refuses(django_assert_max_num_queries):
    """Refused before anything is written or rendered; the one who has the place hears the
    same when they submit again (nobody learns who is registered) and is told by e-mail."""
    event = event_create(capacity=1, waiting_list=False)
    first = registration_create(event=event, data=person(1), language="en").registration
    with django_assert_max_num_queries(5), pytest.raises(RegistrationError) as exc:
        registration_create(event=event, data=person(2), language="en")
    assert exc.value.code == "full"
    assert Registration.objects.count() == 1
    assert StatusChange.objects.count() == 1
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(RegistrationError) as again:  # the same answer as for a newcomer
        registration_create(event=event, data=person(1), language="en")
    assert again.value.code == "full"
    assert kinds(first) == ["confirm_email", "already_registered"]


def test_decline_frees_place_for_waiting_list():
    event = event_create(capacity=1, needs_approval=True)
    first = registration_create(event=event, data=person(1), language="en").registration
    second = registration_create(event=event, data=person(2), language="en").registration
    registration_confirm_email(registration=second)
    registration_decline(registration=first, message="Only police officers this time.")
    second.refresh_from_db()
    assert second.status == "awaiting_approval"
    declined = Message.objects.get(registration=first, kind="declined")
    assert "Only police officers this time." in declined.body_text


def test_cancel_twice_sends_one_email_and_cancelled_cannot_be_edited():
    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    registration_cancel(registration=reg)
    registration_cancel(registration=reg)
    assert kinds(reg) == ["confirm_email", "cancelled"]
    with pytest.raises(RegistrationError) as exc:
        registration_update(registration=reg, data={"interpretation_language": "en"})
    assert exc.value.code == "invalid_transition"


def test_unconfirmed_registrations_expire_and_free_their_place(settings):
    settings.REGISTRATION_CONFIRM_HOURS = 48
    event = event_create(capacity=1)
    old = registration_create(event=event, data=person(1), language="en").registration
    waiting = registration_create(event=event, data=person(2), language="en").registration
    Registration.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    StatusChange.objects.filter(registration=old).update(at=timezone.now() - dt.timedelta(hours=49))
    registration_confirm_email(registration=waiting)  # confirmed on the waiting list
    assert registration_expire_unconfirmed() == 1
    assert registration_expire_unconfirmed() == 0
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert old.status == "expired"
    assert waiting.status == "confirmed"
    with pytest.raises(RegistrationError) as exc:
        registration_confirm_email(registration=old)
    assert exc.value.code == "expired"


def test_recent_unconfirmed_registration_does_not_expire():
    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    assert registration_expire_unconfirmed() == 0
    reg.refresh_from_db()
    assert reg.status == "awaiting_email"


def test_invitation_only_needs_the_right_code():
    event = event_create(invitation_only=True, invitation_code="ASTANA-2026")
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=event, data=person(1, invitation_code="wrong"), language="en")
    assert exc.value.code == "invitation_required"
    with pytest.raises(RegistrationError):
        registration_create(event=event, data=person(1), language="en")
    result = registration_create(
        event=event, data=person(1, invitation_code=" astana-2026 "), language="en"
    )
    assert result.created
    assert result.registration.invitation_code == " astana-2026 "[:64]


def test_registration_not_open_yet_and_closed():
    now = timezone.now()
    later = event_create(registration_opens=now + dt.timedelta(days=1))
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=later, data=person(), language="en")
    assert exc.value.code == "not_open"
    closed = event_create(registration_closes=now - dt.timedelta(minutes=1))
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=closed, data=person(), language="en")
    assert exc.value.code == "closed"
    past = event_create(
        start_date=timezone.localdate() - dt.timedelta(days=10),
        end_date=timezone.localdate() - dt.timedelta(days=9),
    )
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=past, data=person(), language="en")
    assert exc.value.code == "closed"
    assert Registration.objects.count() == 0


def test_a_repeat_after_closing_or_without_the_code_hears_what_a_newcomer_hears():
    """Registered while open, submitted again after closing (or without the invitation code):
    the same refusal as a newcomer's, so nobody learns who is registered; the registered
    address is told by e-mail after closing (not without the code), nothing else is written."""
    event = event_create(invitation_only=True, invitation_code="ASTANA-2026")
    first = registration_create(
        event=event, data=person(1, invitation_code="ASTANA-2026"), language="en"
    ).registration
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(RegistrationError) as repeat:
        registration_create(event=event, data=person(1), language="en")
    with pytest.raises(RegistrationError) as newcomer:
        registration_create(event=event, data=person(2), language="en")
    assert repeat.value.code == newcomer.value.code == "invitation_required"
    EventPage.objects.filter(pk=event.pk).update(
        registration_closes=timezone.now() - dt.timedelta(minutes=1)
    )
    event.refresh_from_db()
    codes = []
    for n in (1, 2):
        with pytest.raises(RegistrationError) as exc:
            registration_create(
                event=event, data=person(n, invitation_code="ASTANA-2026"), language="en"
            )
        codes.append(exc.value.code)
    assert codes == ["closed", "closed"]
    assert Registration.objects.count() == 1
    assert kinds(first) == ["confirm_email", "already_registered"]


def test_error_messages_are_translated():
    event = event_create(registration_closes=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=event, data=person(), language="ru")
    with translation.override("ru"):
        assert str(exc.value.message) == "Регистрация на это мероприятие закрыта."


def test_update_changes_only_editable_fields_and_records_it():
    event = event_create(interpretation_languages=["en", "ru"])
    reg = registration_create(event=event, data=person(), language="en").registration
    changed = registration_update(
        registration=reg,
        data={"interpretation_language": "en", "email": "other@example.org", "role": "speaker"},
    )
    reg.refresh_from_db()
    assert changed == ["interpretation_language"]
    assert reg.interpretation_language == "en"
    assert reg.email == "Aida.1@Example.org"
    assert reg.role == "participant"
    assert StatusChange.objects.filter(registration=reg, note__contains="interpretation").exists()
    assert registration_update(registration=reg, data={"interpretation_language": "en"}) == []


def test_update_by_staff_may_change_the_role_but_not_the_participants_own_answers():
    event = event_create(interpretation_languages=["en", "ru"])
    reg = registration_create(event=event, data=person(), language="en").registration

    changed = registration_update(
        registration=reg,
        data={"role": "speaker", "sex": "male", "email": "other@example.org"},
        editor=STAFF,
    )

    reg.refresh_from_db()
    assert changed == ["role"]
    assert (reg.role, reg.sex, reg.email) == ("speaker", "female", "Aida.1@Example.org")


def test_registration_window_refusals_follow_the_event_pages_rule():
    """A closing date after the last day keeps registration open until that date, on the
    event page and in the service alike (one rule: ``EventPage.registration_state_at``)."""
    today = timezone.localdate()
    event = event_create(
        start_date=today - dt.timedelta(days=3),
        end_date=today - dt.timedelta(days=2),
        registration_closes=timezone.now() + dt.timedelta(days=1),
    )

    assert event.registration_state == "open"
    assert registration_create(event=event, data=person(), language="en").created


def test_resend_link_queues_for_registered_address_and_reveals_nothing_otherwise():
    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    assert registration_resend_link(event=event, email="nobody@example.org") is None
    assert registration_resend_link(event=event, email="AIDA.1@example.org") is None
    assert registration_resend_link(event=event, email="aida.1@example.org") is None
    assert kinds(reg) == ["confirm_email", "link_resend"]  # once per quarter hour


def test_queued_message_is_sent_once(django_capture_on_commit_callbacks):
    from registration.messaging.services.sending import message_send

    event = event_create()
    reg = registration_create(event=event, data=person(), language="en").registration
    message = Message.objects.get(registration=reg)
    assert message_send(message_id=message.pk) is True
    assert message_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Aida.1@Example.org"]


def test_factory_registration_counts_against_capacity():
    event = event_create(capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    result = registration_create(event=event, data=person(), language="en")
    assert result.registration.status == "waitlisted"
