"""The approved nominee's invitation and their registration through it (helper "nominee")."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from registration.messaging.models import Message
from registration.messaging.tasks import send_due_messages
from registration.models import Registration
from registration.nominations.services.decisions import nominations_decide
from registration.nominations.services.nominees import (
    invite_url,
    nomination_from_invite,
    nominee_invite,
)
from registration.services.lifecycle import registration_anonymise
from tests.registration.nominations.focal_helpers import delegation_create
from tests.registration.nominations.nominee_helpers import approved_nomination
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

#: What the nominee adds themself on the prefilled form.
OWN = {
    "organisation_type": "police",
    "country": "KG",
    "interpretation_language": "ru",
    "language": "ru",
    "consent": "on",
}


def _prefilled(nomination) -> dict:
    return {
        "given_name": nomination.given_name,
        "family_name": nomination.family_name,
        "sex": nomination.sex,
        "position": nomination.position,
        "organisation": nomination.organisation,
        **OWN,
    }


def test_approval_sends_one_bilingual_invitation_with_a_personal_link():
    nomination = approved_nomination()

    # A retried task or a second approval finds it queued already.
    assert nominee_invite(nomination=nomination) is None
    nominations_decide(nominations=[nomination], decision="approve")
    assert Message.objects.filter(kind="nominee_invite").count() == 1

    send_due_messages()
    sent = [m for m in mail.outbox if m.to == [nomination.email]]
    assert len(sent) == 1
    body = sent[0].body
    # The focal point's language (Russian) first, then English.
    assert body.index("Здравствуйте") < body.index("Dear Aizada Toktogulova")
    assert "Your invitation to register" in sent[0].subject
    links = re.findall(r"https?://\S+/nominations/invite/(\S+)/", body)
    assert len(links) == 2
    assert {nomination_from_invite(key) for key in links} == {nomination}
    assert f"/ru/nominations/invite/{links[0]}/" in body


def test_the_link_opens_the_event_form_prefilled_without_the_invitation_code(client):
    event = event_create(invitation_only=True, invitation_code="SECRET", translations=("ru",))
    nomination = approved_nomination(delegation_create(event))

    response = client.get(invite_url(nomination, language="en", absolute=False))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Aizada"' in page
    assert 'value="Toktogulova"' in page
    assert 'value="Inspector"' in page
    assert nomination.email in page
    assert 'name="invitation_code"' not in page
    assert 'name="role"' not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_registering_through_the_link_makes_the_registration_and_links_the_nomination(client):
    event = event_create(invitation_only=True, invitation_code="SECRET", translations=("ru",))
    nomination = approved_nomination(delegation_create(event), role="speaker")
    url = invite_url(nomination, language="en", absolute=False)

    # A changed e-mail address in the POST is ignored: the nomination's stays.
    response = client.post(url, {**_prefilled(nomination), "email": "other@example.org"})

    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.email == nomination.email
    assert registration.role == "speaker"
    assert registration.interpretation_language == "ru"
    nomination.refresh_from_db()
    assert nomination.registration == registration
    # The same link now says the registration is made; it cannot register twice.
    again = client.get(url)
    assert again.status_code == 200
    assert "Check your e-mail" in again.content.decode()
    assert client.post(url, _prefilled(nomination)).status_code == 200
    assert Registration.objects.filter(event=event).count() == 1


def test_a_form_with_errors_keeps_the_prefilled_values_and_says_what_is_missing(client):
    nomination = approved_nomination()
    url = invite_url(nomination, language="en", absolute=False)

    response = client.post(url, {**_prefilled(nomination), "consent": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "To register, agree to the privacy notice." in page
    assert 'value="Aizada"' in page
    assert not Registration.objects.exists()


def test_a_declined_nominee_cannot_use_the_link(client):
    nomination = approved_nomination()
    url = invite_url(nomination, language="ru", absolute=False)
    nominations_decide(nominations=[nomination], decision="decline", message="Sorry")

    response = client.get(url)
    posted = client.post(url, _prefilled(nomination))

    assert response.status_code == 410
    assert "приглашение больше не действует" in response.content.decode().lower()
    assert posted.status_code == 410
    assert not Registration.objects.exists()


def test_a_forged_link_is_refused(client):
    response = client.get("/en/nominations/invite/not-a-real-key/")
    assert response.status_code == 400
    assert "This link is incomplete or has been changed." in response.content.decode()


def test_anonymising_the_registration_blanks_the_nomination_and_its_invitation(client):
    nomination = approved_nomination()
    client.post(invite_url(nomination, language="en", absolute=False), _prefilled(nomination))
    registration = Registration.objects.get()

    registration_anonymise(registration=registration)

    nomination.refresh_from_db()
    invitation = Message.objects.get(kind="nominee_invite")
    assert nomination.anonymised_at is not None
    assert "Toktogulova" not in (nomination.given_name + nomination.family_name)
    assert nomination.email != "Aizada.1@Mvd.example.kg"
    assert "Toktogulova" not in invitation.body_text
    registration.refresh_from_db()
    assert invitation.to_email == registration.email  # the placeholder address
