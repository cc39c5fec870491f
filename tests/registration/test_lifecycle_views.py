"""The participant's "your data" section, download, deletion request and privacy prompt; the
staff's deletion-request screen."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from registration.links import manage_url, sign_key
from registration.messaging.models import Message, MessageStatus
from registration.models import EventLogEntry, PrivacyAcceptance, Registration
from registration.permissions import event_role_assign
from registration.services.lifecycle import deletion_request
from registration.services.registrations import registration_create
from tests.factories import RegistrationFactory, privacy_page_create
from tests.registration.registration_helpers import event_create, person
from tests.registration.reports.report_fixtures import answer, check_in, make_survey, past_event

pytestmark = pytest.mark.django_db


def _url(name: str, registration: Registration, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"registration:{name}", kwargs={"key": sign_key(registration)})


def test_manage_page_shows_your_data_section_in_russian(client):
    registration = RegistrationFactory(event=event_create(), language="ru")

    response = client.get(manage_url(registration, absolute=False))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Персональные данные и конфиденциальность" in body
    assert "/my-data.json" in body
    assert "/delete/" in body


def test_data_json_holds_everything_we_keep():
    event = past_event()
    registration = RegistrationFactory(
        event=event,
        given_name="Aigerim",
        family_name="Saparova",
        phone="+77011234567",
        dietary_needs="No nuts",
        status="confirmed",
    )
    registration.status_changes.create(from_status="", to_status="confirmed", note="approved")
    Message.objects.create(
        event=event,
        registration=registration,
        kind="confirmed",
        dedupe_key="c:1",
        to_email=registration.email,
        subject="Your place is confirmed",
        body_text="secret body",
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
    )
    check_in(registration, event.days[0])
    survey = make_survey(event, anonymous=True)
    answer(survey, registration, [2, 4, 1, [0, 2], "More practice"])

    response = Client().get(_url("data_json", registration))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["registration"]["given_name"] == "Aigerim"
    assert data["registration"]["phone"] == "+77011234567"
    assert data["registration"]["dietary_needs"] == "No nuts"
    assert data["consent"]["version"] == registration.consent_version
    assert [row["to"] for row in data["status_history"]] == ["confirmed"]
    assert [row["subject"] for row in data["messages"]] == ["Your place is confirmed"]
    assert "secret body" not in response.content.decode()
    assert [row["day"] for row in data["check_ins"]] == [event.days[0].isoformat()]
    answers = {row["question"]: row for row in data["survey_answers"]}
    assert answers["Was the length right?"]["choice"] == "Right"
    assert answers["What should we change?"]["text"] == "More practice"


def test_data_page_is_readable_in_russian(client):
    registration = RegistrationFactory(
        event=event_create(), given_name="Айгерим", dietary=["halal"], language="ru"
    )

    response = client.get(_url("data_html", registration, "ru"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Айгерим" in body
    assert "Халяль" in body
    assert "Подтверждено" in body or "Подтверждена" in body


def test_data_download_with_tampered_link_is_refused(client):
    registration = RegistrationFactory(event=event_create(translations=()))
    url = _url("data_json", registration)

    response = client.get(url.replace("my-data", "x").replace(sign_key(registration), "nope"))

    assert response.status_code in (400, 404)


def test_deletion_request_asks_first_then_records_the_time(client):
    registration = RegistrationFactory(event=event_create(translations=()))
    url = _url("deletion_request", registration)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, delete my data" in confirm.content.decode()
    assert Registration.objects.get(pk=registration.pk).deletion_requested_at is None

    response = client.post(url, follow=True)

    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.deletion_requested_at is not None
    assert "You asked us to delete your data" in response.content.decode()


def test_new_privacy_version_is_asked_for_and_accepted_on_the_personal_page(client):
    privacy_page_create(version="2026-01", translations=("ru",))
    registration = RegistrationFactory(event=event_create(), language="ru")
    page_url = manage_url(registration, absolute=False)
    assert (
        "Мы изменили уведомление о конфиденциальности" not in client.get(page_url).content.decode()
    )

    privacy_page_create(version="2026-07", translations=("ru",))
    prompt = client.get(page_url).content.decode()
    assert "Мы изменили уведомление о конфиденциальности" in prompt
    assert "/ru/privacy/" in prompt

    response = client.post(
        _url("privacy_accept", registration, "ru"), {"version": "2026-07"}, follow=True
    )

    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.consent_version == "2026-07"
    history = list(PrivacyAcceptance.objects.filter(registration=fresh).values_list("version"))
    assert history == [("2026-01",), ("2026-07",)]
    assert "Мы изменили уведомление о конфиденциальности" not in response.content.decode()


def test_accepting_a_version_that_is_no_longer_current_records_nothing(client):
    privacy_page_create(version="2026-09")
    registration = RegistrationFactory(event=event_create(translations=()))

    client.post(_url("privacy_accept", registration), {"version": "2026-08"})

    assert Registration.objects.get(pk=registration.pk).consent_version == "2026-01"
    assert not PrivacyAcceptance.objects.exists()


def test_registration_form_records_the_published_privacy_version(client):
    privacy_page_create(version="2026-11")
    event = event_create(translations=())

    result = registration_create(event=event, data=person(), language="en")

    assert result.registration.consent_version == "2026-11"


def _staff(username: str, event, role: str = "registration_manager"):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    event_role_assign(user=user, event=event, role=role)
    return user


def test_staff_see_open_requests_of_their_events_only(client):
    ours = event_create(title="Astana conference", translations=())
    theirs = event_create(title="Kyiv training", translations=())
    mine = RegistrationFactory(event=ours, given_name="Oksana", family_name="Ours")
    other = RegistrationFactory(event=theirs, given_name="Olena", family_name="Theirs")
    RegistrationFactory(event=ours, given_name="Nobody", family_name="Asked")
    deletion_request(registration=mine)
    deletion_request(registration=other)
    client.force_login(_staff("registrations", ours))

    response = client.get(reverse("deletion_requests:index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Oksana Ours" in body
    assert "Theirs" not in body
    assert "Asked" not in body
    other_url = reverse("deletion_requests:carry_out", args=[other.pk])
    assert client.post(other_url, follow=True).status_code == 404
    assert Registration.objects.get(pk=other.pk).anonymised_at is None


def test_staff_carry_out_a_request_after_confirming(client):
    event = event_create(translations=())
    registration = RegistrationFactory(event=event, given_name="Oksana", family_name="Ours")
    deletion_request(registration=registration)
    client.force_login(_staff("registrations", event))
    url = reverse("deletion_requests:carry_out", args=[registration.pk])

    confirm = client.get(url)
    assert "Anonymise now" in confirm.content.decode()
    response = client.post(url, follow=True)

    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.anonymised_at is not None
    assert fresh.given_name == "Anonymised"
    assert "Oksana" not in response.content.decode()


def test_checkin_staff_cannot_open_deletion_requests(client):
    event = event_create(translations=())
    client.force_login(_staff("checkin", event, role="checkin"))

    response = client.get(reverse("deletion_requests:index"))

    assert response.status_code in (302, 403)


def test_viewing_deletion_requests_is_in_the_event_audit_log(client):
    event = event_create(translations=())
    deletion_request(registration=RegistrationFactory(event=event))
    manager = _staff("registrations", event)
    client.force_login(manager)

    client.get(reverse("deletion_requests:index"))

    entry = EventLogEntry.objects.filter(action="registration.deletion_requests_viewed").get()
    assert (entry.event_id, entry.user_id) == (event.pk, manager.pk)
