"""The organiser's delegation services: create and edit with translated errors, invite once
in the focal point's language with a working link, renew, revoke, reopen; decisions one and
many along the allowed transitions only, one e-mail per delegation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from registration.messaging.services.sending import messages_send_due
from registration.nominations.links import DelegationLinkError, delegation_from_key
from registration.nominations.models import Delegation, NominationStatus
from registration.nominations.services.decisions import nominations_decide
from registration.nominations.services.delegations import (
    delegation_create,
    delegation_invite,
    delegation_link_renew,
    delegation_reopen,
    delegation_revoke,
    delegation_update,
)
from registration.nominations.signals import nomination_approved
from tests.registration.nominations.delegations_helpers import (
    delegation_create as delegation_make,
)
from tests.registration.nominations.delegations_helpers import delegation_data, nomination_add
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db


def _key(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _sent() -> list:
    messages_send_due()
    return list(mail.outbox)


def test_create_names_a_state_after_its_country_and_checks_the_rest():
    event = event_create()
    delegation = delegation_create(event=event, data=delegation_data())
    assert delegation.name == "Kyrgyzstan"
    assert delegation.event == event

    with pytest.raises(ValidationError) as caught:
        delegation_create(
            event=event,
            data=delegation_data(quota=2, role_quotas={"speaker": 2, "observer": 1}),
        )
    errors = caught.value.message_dict
    assert errors["country"] == ["This event has a delegation of that State already."]
    assert errors["role_quotas"] == [
        "The places per role add up to more than the delegation's places."
    ]


def test_errors_are_translated():
    event = event_create()
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        delegation_create(
            event=event, data=delegation_data(kind="organisation", name="", focal_email="x")
        )
    errors = caught.value.message_dict
    assert errors["name"] == ["Введите название организации."]
    assert errors["focal_email"] == ["Введите адрес электронной почты контактного лица."]


def test_update_keeps_the_link_and_refuses_a_taken_name():
    event = event_create()
    kg = delegation_create(event=event, data=delegation_data())
    cs = delegation_create(
        event=event, data=delegation_data(kind="organisation", country="", name="Civil society")
    )
    key = kg.access_key
    kg = delegation_update(delegation=kg, data={"quota": 6, "role_quotas": {"speaker": 2}})
    assert (kg.quota, kg.role_quotas, kg.access_key) == (6, {"speaker": 2}, key)
    with pytest.raises(ValidationError) as caught:
        delegation_update(delegation=cs, data={"name": "Kyrgyzstan"})
    assert "name" in caught.value.message_dict


def test_invite_sends_once_in_the_focal_language_with_a_working_link():
    event = event_create(translations=("ru", "uk", "kk"))
    delegation = delegation_make(event, invited_at=None, focal_language="ru")
    assert delegation_invite(delegation=delegation) is not None
    assert delegation_invite(delegation=delegation) is None  # twice: sent once
    [email] = _sent()
    assert email.to == ["focal@gov.example.kg"]
    assert "Уважаемый(-ая) Bakyt Focal" in email.body or "Bakyt Focal" in email.body
    assert "Kyrgyz Republic" in email.body
    assert "4 места" in email.body  # the quota, in Russian
    url = next(line for line in email.body.splitlines() if "/nominations/" in line).strip()
    assert url.startswith("http")
    assert "/ru/" in url
    assert delegation_from_key(_key(url)) == delegation
    delegation.refresh_from_db()
    assert delegation.invited_at is not None

    delegation_invite(delegation=delegation, resend=True)
    assert len(_sent()) == 2


def test_renew_kills_the_old_link_and_revoke_closes_it():
    delegation = delegation_make()
    delegation_invite(delegation=delegation, resend=True)
    [email] = _sent()
    old = _key(next(line for line in email.body.splitlines() if "/nominations/" in line))
    delegation_link_renew(delegation=delegation)
    with pytest.raises(DelegationLinkError) as caught:
        delegation_from_key(old)
    assert caught.value.code == "revoked"

    delegation_invite(delegation=delegation)  # a new link is a new invitation
    new_email = _sent()[-1]
    new = _key(next(line for line in new_email.body.splitlines() if "/nominations/" in line))
    assert delegation_from_key(new) == delegation

    delegation_revoke(delegation=delegation)
    with pytest.raises(DelegationLinkError):
        delegation_from_key(new)
    with pytest.raises(ValidationError):
        delegation_invite(delegation=delegation)


def test_reopen_sets_the_time_and_refuses_the_past():
    delegation = delegation_make()
    now = delegation.deadline + dt.timedelta(days=1)
    until = now + dt.timedelta(days=3)
    delegation_reopen(delegation=delegation, until=until, now=now)
    assert Delegation.objects.get(pk=delegation.pk).reopened_until == until
    with pytest.raises(ValidationError):
        delegation_reopen(delegation=delegation, until=now - dt.timedelta(hours=1), now=now)


def test_decide_many_allowed_transitions_only_one_email_per_delegation():
    event = event_create(translations=("ru", "uk", "kk"))
    kg = delegation_make(event)
    tj = delegation_make(event, country="TJ", name="Tajikistan", focal_email="fp@tj.example")
    people = [nomination_add(kg, n) for n in range(3)] + [nomination_add(tj, 9)]
    withdrawn = nomination_add(kg, 5, status="withdrawn")
    approved = []

    def receiver(sender, nomination, **kwargs):
        approved.append(nomination.pk)

    nomination_approved.connect(receiver)
    try:
        result = nominations_decide(
            nominations=[*people, withdrawn], decision="approve", message="Welcome"
        )
    finally:
        nomination_approved.disconnect(receiver)
    assert sorted(n.pk for n in result.decided) == sorted(p.pk for p in people)
    assert [n.pk for n in result.skipped] == [withdrawn.pk]
    assert sorted(approved) == sorted(p.pk for p in people)
    people[0].refresh_from_db()
    assert people[0].status == NominationStatus.APPROVED
    assert people[0].message == "Welcome"
    assert people[0].decided_at is not None

    # The focal points' e-mails (the nominees' own invitations are the nominee side's).
    emails = [e for e in _sent() if e.to[0] in ("focal@gov.example.kg", "fp@tj.example")]
    assert sorted(e.to[0] for e in emails) == ["focal@gov.example.kg", "fp@tj.example"]
    kg_email = next(e for e in emails if e.to[0] == "focal@gov.example.kg")
    assert all(f"{p.given_name} {p.family_name}" in kg_email.body for p in people[:3])
    assert "Welcome" in kg_email.body

    # approved → declined is allowed; approved → replacement is not.
    result = nominations_decide(nominations=[people[0]], decision="replacement", message="")
    assert result.decided == []
    assert len(result.skipped) == 1
    result = nominations_decide(nominations=[people[0].pk], decision="decline", message="Sorry")
    assert [n.status for n in result.decided] == [NominationStatus.DECLINED]
    with pytest.raises(ValidationError):
        nominations_decide(nominations=[people[1]], decision="maybe", message="")
