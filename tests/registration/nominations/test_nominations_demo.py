"""The nominations demo (``registration/nominations/demo.py``): the Astana conference's six
delegations in every state, the Kyrgyz focal point's printed link opening their page, the
report's nomination stages, and ``load_demo`` twice changing nothing."""

from __future__ import annotations

import re

import pytest

from cms import demo as cms_demo
from cms.management.commands.load_demo import LOADERS
from cms.models import EventPage
from registration import demo as registration_demo
from registration.messaging.models import Message, MessageStatus
from registration.nominations import demo as nominations_demo
from registration.nominations.models import Delegation, DelegationDocument, Nomination, VisaRequest
from registration.reports.selectors import report_build

pytestmark = pytest.mark.django_db


def _load_demo() -> str:
    """The rooms the nominations demo stands on (content, staff, registrations), then it:
    what ``load_demo`` runs, without the rooms that do not touch nominations (fast)."""
    lines: list[str] = []
    for module in (cms_demo, registration_demo, nominations_demo):
        module.load(write=lines.append)
    return "\n".join(lines)


def _statuses(delegation: Delegation) -> list[tuple[str, str, str]]:
    """(sex, status, "" / "registered" / "visa") of each nominee."""
    registered = {None: "", False: "registered", True: "visa"}
    return sorted(
        (sex, status, registered[visa])
        for sex, status, visa in delegation.nominations.values_list(
            "sex", "status", "registration__visa_letter"
        )
    )


def _state() -> dict:
    return {
        "delegations": sorted(
            Delegation.objects.values_list("pk", "name", "invited_at", "access_key", "deadline")
        ),
        "nominations": sorted(
            Nomination.objects.values_list("pk", "status", "registration_id", "decided_at")
        ),
        "documents": sorted(DelegationDocument.objects.values_list("pk", "file")),
        "visa": sorted(VisaRequest.objects.values_list("pk", "registration_id")),
        "messages": Message.objects.count(),
        "target": list(EventPage.objects.values_list("pk", "gender_balance_target")),
    }


def test_load_demo_runs_the_nominations_demo():
    assert "registration.nominations.demo" in LOADERS


def test_demo_delegations_in_every_state_and_the_printed_link(client):
    out = _load_demo()

    event = EventPage.objects.get(slug="astana-conference", locale__language_code="en")
    assert event.gender_balance_target == 50
    delegations = {d.name: d for d in Delegation.objects.filter(event=event)}
    assert sorted(delegations) == [
        "Civil society",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
    ]
    assert {d.quota for d in delegations.values()} == {4}
    assert delegations["Civil society"].kind == "organisation"
    assert {d.focal_language for d in delegations.values()} == {"ru", "kk", "en"}
    assert all(d.focal_email.endswith("@example.org") for d in delegations.values())

    assert delegations["Turkmenistan"].invited_at is None
    assert delegations["Tajikistan"].invited_at is not None
    assert _statuses(delegations["Tajikistan"]) == []
    kg = delegations["Kyrgyzstan"]
    assert _statuses(kg) == [("female", "nominated", "")] * 2 + [("male", "nominated", "")] * 2
    (letter,) = kg.documents.all()
    assert letter.kind == "nomination_letter"
    with letter.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert sorted(s for _sex, s, _v in _statuses(delegations["Kazakhstan"])) == [
        "approved",
        "approved",
        "approved",
        "replacement_asked",
    ]
    assert _statuses(delegations["Uzbekistan"]) == [
        ("female", "approved", "registered"),
        ("female", "approved", "visa"),
        ("male", "approved", ""),
        ("male", "approved", "registered"),
    ]
    (visa,) = VisaRequest.objects.filter(registration__nomination__delegation__name="Uzbekistan")
    assert visa.registration.visa_letter is True
    assert sorted(s for _sex, s, _v in _statuses(delegations["Civil society"])) == [
        "approved",
        "declined",
    ]
    # Loading sends no e-mail: what the services queued is recorded as sent.
    assert not Message.objects.filter(
        to_email__in=[d.focal_email for d in delegations.values()],
        status=MessageStatus.PENDING,
    ).exists()
    assert Message.objects.filter(
        to_email=kg.focal_email, kind="delegation_invite", status=MessageStatus.SENT
    ).exists()

    # The report's nomination stages count them.
    stages = {s.key: s.split for s in report_build(event=event).nominations.stages}
    assert (stages["nominated"].total, stages["nominated"].women) == (14, 7)
    assert stages["registered"].total == 3

    # The printed link is the Kyrgyz focal point's page, in their language.
    match = re.search(r"A focal point's page \(Kyrgyzstan\): (\S+)", out)
    assert match, out
    path = match[1].split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("ru/nominations/")
    page = client.get("/" + path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kyrgyzstan" in html
    assert "Toktogulova" in html
    assert "Akhmetova" not in html  # another delegation's nominee

    before = _state()
    second = _load_demo()
    assert _state() == before
    assert "Delegations of the Astana conference: 0 new." in second
