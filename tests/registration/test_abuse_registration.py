"""Registration that cannot be abused: one answer for every outcome, no state in cookies,
promotion keeps the confirmation rule, public roles only, rate limits per client and address.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.models import Registration, StatusChange
from registration.reports.models import SurveyResponse
from registration.services.registrations import (
    RegistrationError,
    registration_cancel,
    registration_confirm_email,
    registration_create,
    registration_expire_unconfirmed,
)
from tests.registration.registration_helpers import event_create, person
from tests.registration.reports.test_surveys import setup, url_for, valid_post  # noqa: F401 (fixture)
from tests.registration.test_registrations_views import FORM, register_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_factory():
    """Fresh browsers (no cookies), optionally from another address."""
    from django.test import Client

    return lambda **defaults: Client(**defaults)


def kinds(registration) -> list[str]:
    return list(
        Message.objects.filter(registration=registration)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def done_page(client, event, data) -> str:
    """Submit the form as a fresh visitor would and return the page they land on."""
    response = client.post(register_url(event, "ru"), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- one answer for every outcome ------------------------------------------------------------


def test_outcome_page_is_the_same_for_new_repeated_and_waitlisted_addresses(client_factory):
    event = event_create(capacity=1)
    new = done_page(client_factory(), event, FORM)
    repeated = done_page(client_factory(), event, {**FORM, "email": " OLENA@example.org"})
    waitlisted = done_page(client_factory(), event, {**FORM, "email": "next@example.org"})
    assert new == repeated == waitlisted
    assert "Проверьте почту" in new
    assert "olena@example.org" not in new


def test_done_cookie_carries_the_event_only(client):
    event = event_create()
    response = client.post(register_url(event), FORM)
    value = response.cookies["registration_done"].value
    payload = value.split(":", 1)[0]
    assert payload == str(event.pk)
    readable = value + base64.urlsafe_b64encode(value.encode()).decode()
    for secret in ("olena", "example.org", "awaiting", "created", "true"):
        assert secret not in readable.lower()


def made_an_hour_ago() -> None:
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))


def test_double_submit_sends_only_the_registration_s_own_e_mail(client):
    event = event_create()
    for _ in range(2):
        assert client.post(register_url(event), FORM).status_code == 302
    assert kinds(Registration.objects.get()) == ["confirm_email"]


def test_repeat_submit_mails_the_owner_once_with_their_link(client):
    event = event_create()
    assert client.post(register_url(event), FORM).status_code == 302
    made_an_hour_ago()
    for _ in range(2):  # within the per-address limit (3 a minute by default)
        assert client.post(register_url(event), FORM).status_code == 302
    registration = Registration.objects.get()
    assert kinds(registration) == ["confirm_email", "already_registered"]
    messages_send_due()
    notice = next(m for m in mail.outbox if "вже зареєстровані" in m.subject)
    assert notice.to == ["olena@example.org"]
    assert "/uk/registration/manage/" in notice.body


def test_full_event_refuses_a_registered_and_a_new_address_alike(client_factory):
    event = event_create(capacity=1, waiting_list=False)
    client_factory().post(register_url(event), {**FORM, "email": "held@example.org"})
    made_an_hour_ago()
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (typed values differ)
    repeated = client_factory().post(register_url(event), {**FORM, "email": "held@example.org"})
    newcomer = client_factory().post(register_url(event), {**FORM, "email": "new@example.org"})
    assert repeated.status_code == newcomer.status_code == 400
    assert strip(repeated.content.decode()) == strip(newcomer.content.decode())
    assert Registration.objects.count() == 1
    assert kinds(Registration.objects.get()) == ["confirm_email", "already_registered"]


# --- waiting list: promotion keeps the confirmation rule, unconfirmed rows expire -------------


def test_promoted_unconfirmed_registration_must_confirm_its_address():
    event = event_create(capacity=1)
    first = registration_create(event=event, data=person(1), language="en").registration
    waiting = registration_create(event=event, data=person(2), language="en").registration
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_email"
    assert kinds(waiting) == ["waitlisted", "promoted_confirm"]
    promoted = Message.objects.get(registration=waiting, kind="promoted_confirm")
    assert promoted.ics_method == ""  # no calendar entry before the address is confirmed
    registration_confirm_email(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert kinds(waiting)[-1] == "confirmed"


def test_promoted_registration_expires_confirm_hours_after_promotion(settings):
    settings.REGISTRATION_CONFIRM_HOURS = 48
    event = event_create(capacity=1)
    first = registration_create(event=event, data=person(1), language="en").registration
    waiting = registration_create(event=event, data=person(2), language="en").registration
    long_ago = timezone.now() - dt.timedelta(days=10)
    Registration.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    StatusChange.objects.filter(registration=waiting).update(at=long_ago)
    registration_confirm_email(registration=first)
    Registration.objects.filter(pk=waiting.pk).update(email_confirmed_at=None)
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_email"
    assert registration_expire_unconfirmed() == 0  # registered long ago, promoted just now
    later = timezone.now() + dt.timedelta(hours=49)
    assert registration_expire_unconfirmed(now=later) == 1
    waiting.refresh_from_db()
    assert waiting.status == "expired"


def test_unconfirmed_waitlisted_rows_expire_and_confirmed_ones_stay(settings):
    settings.REGISTRATION_CONFIRM_HOURS = 48
    event = event_create(capacity=1)
    registration_create(event=event, data=person(1), language="en")
    fake = registration_create(event=event, data=person(2), language="en").registration
    real = registration_create(event=event, data=person(3), language="en").registration
    registration_confirm_email(registration=real)
    assert (fake.status, real.status) == ("waitlisted", "waitlisted")
    later = timezone.now() + dt.timedelta(hours=49)
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    # the holder of the place (unconfirmed too) and the fake address expire; the real one
    # gets the place and, its address confirmed, is confirmed
    assert registration_expire_unconfirmed(now=later) == 2
    fake.refresh_from_db()
    real.refresh_from_db()
    assert fake.status == "expired"
    assert real.status == "confirmed"


# --- public roles only -----------------------------------------------------------------------


def test_form_offers_only_public_roles(client):
    event = event_create()
    html = client.get(register_url(event)).content.decode()
    offered = set(re.findall(r'name="role" value="([^"]+)"', html)) or set(
        re.findall(r'<option value="([a-z]+)"[^>]*>[^<]*</option>', html.split('name="role"')[1])
    )
    assert {"participant", "mentee", "observer"} <= offered
    assert not offered & {"organiser", "speaker", "expert", "mentor", "interpreter"}


@pytest.mark.parametrize("role", ["organiser", "speaker", "mentor", "interpreter", "expert"])
def test_posting_a_staff_role_is_refused_on_the_form(client, role):
    event = event_create()
    response = client.post(register_url(event, "ru"), {**FORM, "role": role})
    assert response.status_code == 400
    assert "регистрируют организаторы" in response.content.decode()
    assert 'value="Олена"' in response.content.decode()
    assert Registration.objects.count() == 0


def test_service_refuses_a_staff_role_without_staff_and_allows_it_for_staff(admin_user):
    event = event_create()
    with pytest.raises(RegistrationError) as exc:
        registration_create(event=event, data=person(1, role="organiser"), language="en")
    assert exc.value.code == "role_not_public"
    made = registration_create(
        event=event, data=person(2, role="speaker"), language="en", by=admin_user
    )
    assert made.registration.role == "speaker"


# --- rate limits -----------------------------------------------------------------------------
# Limits count in fixed windows; the tests set periods of a day so that no window ends midway.


def test_registrations_over_the_client_limit_are_refused_with_429_keeping_input(client, settings):
    settings.RATELIMIT_REGISTER = "10/d"
    event = event_create(capacity=500)
    statuses = [
        client.post(register_url(event, "ru"), {**FORM, "email": f"p{n}@example.org"}).status_code
        for n in range(10)
    ]
    refused = client.post(register_url(event, "ru"), {**FORM, "email": "p10@example.org"})
    assert statuses == [302] * 10
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Слишком много попыток" in html
    assert 'value="p10@example.org"' in html
    assert 'value="Олена"' in html
    assert Registration.objects.count() == 10
    assert Message.objects.count() == 10


def test_one_address_is_limited_lower_than_one_client(client_factory, settings):
    settings.RATELIMIT_REGISTER_ADDRESS = "3/d"
    event = event_create()
    statuses = []
    for n in range(4):
        client = client_factory(REMOTE_ADDR=f"10.0.0.{n}")
        statuses.append(
            client.post(register_url(event), {**FORM, "email": "Olena@Example.org"}).status_code
        )
        made_an_hour_ago()
    assert statuses == [302, 302, 302, 429]
    assert kinds(Registration.objects.get()) == ["confirm_email", "already_registered"]


def test_rate_limits_can_be_turned_off(client, settings):
    settings.RATELIMIT_ENABLE = False
    event = event_create(capacity=500)
    statuses = {
        client.post(register_url(event), {**FORM, "email": f"p{n}@example.org"}).status_code
        for n in range(15)
    }
    assert statuses == {302}


def test_lost_link_is_rate_limited_per_address(client_factory, settings):
    settings.RATELIMIT_RESEND_LINK_ADDRESS = "3/d"
    event = event_create()
    url = f"/ru/registration/events/{event.pk}/lost-link/"
    statuses = [
        client_factory(REMOTE_ADDR=f"10.0.1.{n}").post(url, {"email": "x@example.org"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_lost_link_is_rate_limited_per_client(client, settings):
    settings.RATELIMIT_RESEND_LINK = "5/d"
    event = event_create()
    url = f"/en/registration/events/{event.pk}/lost-link/"
    statuses = [client.post(url, {"email": f"x{n}@example.org"}).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "Too many attempts" in client.post(url, {"email": "y@example.org"}).content.decode()


def test_survey_posts_are_rate_limited_per_participant(client_factory, setup, settings):  # noqa: F811
    settings.RATELIMIT_SURVEY_ADDRESS = "5/d"
    _event, _survey, registration, questions = setup
    url = url_for(registration, "ru")
    invalid = valid_post(questions, **{f"q_{questions[1].pk}": "9"})
    statuses = [
        client_factory(REMOTE_ADDR=f"10.0.2.{n}").post(url, invalid).status_code for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    last = client_factory(REMOTE_ADDR="10.0.2.99").post(url, valid_post(questions))
    assert last.status_code == 429
    assert "Слишком много попыток" in last.content.decode()
    assert "More practice" in last.content.decode()
    assert not SurveyResponse.objects.filter(registration=registration).exists()
