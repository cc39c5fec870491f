"""The organiser's screens: message log with resend, writing to participants with a preview
in each language, cancelling the event; only for organisers and managers of that event."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from registration.messaging.models import EventCalendar, Message, MessageStatus, OrganiserMessage
from registration.messaging.services.notices import organiser_message_queue
from registration.messaging.services.sending import messages_send_due
from registration.permissions import event_role_assign
from registration.services.registrations import registration_create
from tests import factories
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda
from tests.registration.registration_helpers import person

pytestmark = pytest.mark.django_db


def _staff(username: str, event=None, role: str = "organiser"):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    if event is not None:
        event_role_assign(user=user, event=event, role=role)
    return user


def _form(**extra) -> dict:
    data = {
        "statuses": ["confirmed"],
        "subject_en": "Bus to the venue",
        "body_en": "The bus leaves the hotel at 08:15.",
        "subject_ru": "Автобус до места проведения",
        "body_ru": "Автобус отходит от гостиницы в 08:15.",
        "subject_uk": "",
        "body_uk": "",
    }
    data.update(extra)
    return data


def test_staff_without_a_role_on_the_event_is_refused(client):
    event = event_with_agenda()
    other = event_with_agenda(slug="other-event")
    client.force_login(_staff("checker", other, role="organiser"))

    responses = [
        client.get(f"/admin/messages/event/{event.pk}/"),
        client.get(f"/admin/messages/event/{event.pk}/write/"),
        client.post(f"/admin/messages/event/{event.pk}/cancel/"),
    ]

    assert [r.status_code for r in responses] != [200, 200, 302]
    assert all(r.status_code in (302, 403) for r in responses)
    assert not EventCalendar.objects.filter(event=event, cancelled_at__isnull=False).exists()


def test_checkin_staff_of_the_event_cannot_open_the_log(client):
    event = event_with_agenda()
    client.force_login(_staff("scanner", event, role="checkin"))

    assert client.get(f"/admin/messages/event/{event.pk}/").status_code in (302, 403)


def test_preview_shows_each_language_and_send_queues_one_per_participant(client):
    event = event_with_agenda()
    english = factories.RegistrationFactory(event=event, language="en")
    russian = factories.RegistrationFactory(event=event, language="ru")
    ukrainian = factories.RegistrationFactory(event=event, language="uk")
    factories.RegistrationFactory(event=event, status="waitlisted")
    client.force_login(_staff("organiser", event))

    preview = client.post(f"/admin/messages/event/{event.pk}/write/", {**_form(), "preview": "1"})
    content = preview.content.decode()

    assert preview.status_code == 200
    assert "Автобус отходит от гостиницы в 08:15." in content
    assert "The bus leaves the hotel at 08:15." in content
    assert "Send to 3 participants" in content
    assert OrganiserMessage.objects.count() == 0

    sent = client.post(f"/admin/messages/event/{event.pk}/write/", {**_form(), "send": "1"})
    assert sent.status_code == 302
    note = OrganiserMessage.objects.get()
    assert organiser_message_queue(message_id=note.pk) == 3
    assert organiser_message_queue(message_id=note.pk) == 0
    messages_send_due()
    subjects = {e.to[0]: e.subject for e in mail.outbox}
    assert subjects == {
        english.email: "Bus to the venue",
        russian.email: "Автобус до места проведения",
        ukrainian.email: "Bus to the venue",
    }


def test_subject_without_text_is_an_error_on_the_field(client):
    event = event_with_agenda()
    factories.RegistrationFactory(event=event)
    client.force_login(_staff("organiser", event))

    response = client.post(
        f"/admin/messages/event/{event.pk}/write/", {**_form(body_ru=""), "send": "1"}
    )

    assert response.status_code == 200
    assert "Write both the subject and the text, or neither." in response.content.decode()
    assert OrganiserMessage.objects.count() == 0


def test_log_lists_failed_rows_and_resend_makes_a_new_row(client):
    event = event_with_agenda()
    registration = confirmed(event)
    Message.objects.update(status=MessageStatus.FAILED, last_error="550 5.1.1 User unknown")
    client.force_login(_staff("manager", event, role="registration_manager"))

    page = client.get(f"/admin/messages/event/{event.pk}/").content.decode()
    original = Message.objects.get()
    response = client.post(f"/admin/messages/{original.pk}/resend/")

    assert "550 5.1.1 User unknown" in page
    assert registration.email in page
    assert response.status_code == 302
    assert list(Message.objects.order_by("pk").values_list("dedupe_key", "status")) == [
        (original.dedupe_key, MessageStatus.FAILED),
        (f"resend:{original.pk}:1", MessageStatus.PENDING),
    ]


def test_organiser_cancels_the_event_from_the_admin(client):
    event = event_with_agenda()
    confirmed(event)
    client.force_login(_staff("organiser", event))

    response = client.post(f"/admin/messages/event/{event.pk}/cancel/")

    assert response.status_code == 302
    assert EventCalendar.objects.get(event=event).cancelled_at is not None


def test_log_says_a_new_registration_s_e_mail_is_written_when_it_goes_out(client):
    """Queued unrendered (the sender renders it), the row is not a blank line in the log:
    it says when its text appears, and shows the subject once sent."""
    event = event_with_agenda()
    registration = registration_create(event=event, data=person(), language="en").registration
    client.force_login(_staff("manager", event, role="registration_manager"))

    before = client.get(f"/admin/messages/event/{event.pk}/").content.decode()
    messages_send_due()
    after = client.get(f"/admin/messages/event/{event.pk}/").content.decode()

    assert registration.email in before
    assert "Written when it goes out" in before
    assert "Written when it goes out" not in after
    assert Message.objects.get().subject in after
