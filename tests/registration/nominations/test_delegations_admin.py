"""The organisers' delegation screens: the overview with women's share in numbers and words,
create and edit, invite, renew, revoke, reopen, bulk decisions, documents, the participants by
delegation as XLSX and PDF — and only for the event's organisers and registration managers."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registration.messaging.services.sending import messages_send_due
from registration.models import StaffRole
from registration.models.audit import EventLogEntry
from registration.nominations.models import Delegation, DelegationDocument, NominationStatus
from tests.factories import StaffUserFactory
from tests.registration.nominations.delegations_helpers import (
    CONFIRMED,
    delegation_create,
    nomination_add,
)
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db


def _url(name: str, event, *args) -> str:
    return reverse(f"nominations_admin:{name}", args=[event.pk, *args])


@pytest.fixture
def world():
    event = event_create(gender_balance_target=40)
    kg = delegation_create(event, invited_at=None)
    nomination_add(kg, 1, sex="female", status="approved", registered=CONFIRMED)
    nomination_add(kg, 2, sex="male", status="approved")
    nomination_add(kg, 3, sex="male")
    organiser = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=event)
    return event, kg, organiser


def test_screen_shows_share_with_words_and_target(client, world):
    event, _kg, organiser = world
    client.force_login(organiser)
    response = client.get(_url("delegations", event))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kyrgyz Republic" in page
    assert "Bakyt Focal" in page
    assert "3 of 4 used, 1 left" in page
    assert "at least 40 % women" in page
    assert "1 of 3 women (33.3 %)" in page  # nominated
    assert 'nomination-share--below">1 of 3 women (33.3 %) · below the target' in page
    assert 'nomination-share--met">1 of 1 women (100.0 %) · meets the target' in page
    assert "Not invited yet" in page
    assert EventLogEntry.objects.filter(action="nominations.delegations_viewed").exists()


def test_create_edit_form_with_errors_and_event_time_zone(client, world):
    event, _kg, organiser = world
    client.force_login(organiser)
    form = {
        "kind": "organisation",
        "country": "",
        "name": "",
        "quota": "4",
        "deadline": "2030-01-10T18:00",
        "focal_name": "Dana",
        "focal_email": "dana@ngo.example",
        "focal_language": "kk",
        "role_speaker": "3",
        "role_observer": "2",
    }
    response = client.post(_url("delegation_add", event), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the organisation&#x27;s name." in page
    assert "add up to more than the delegation" in page

    form.update(name="Civil society", role_speaker="2")
    response = client.post(_url("delegation_add", event), form)
    assert response.status_code == 302
    created = Delegation.objects.get(event=event, name="Civil society")
    assert created.role_quotas == {"speaker": 2, "observer": 2}
    assert created.deadline == dt.datetime(2030, 1, 10, 18, tzinfo=event.tz)

    response = client.get(_url("delegation_edit", event, created.pk))
    assert 'value="2030-01-10T18:00"' in response.content.decode()
    form.update(quota="5")
    client.post(_url("delegation_edit", event, created.pk), form)
    created.refresh_from_db()
    assert created.quota == 5


def test_actions_invite_renew_revoke_reopen(client, world):
    event, kg, organiser = world
    client.force_login(organiser)
    client.post(_url("delegation_invite", event, kg.pk))
    client.post(_url("delegation_invite", event, kg.pk))
    messages_send_due()
    assert [e.to for e in mail.outbox] == [["focal@gov.example.kg"]]
    key = Delegation.objects.get(pk=kg.pk).access_key
    client.post(_url("delegation_renew", event, kg.pk))
    assert Delegation.objects.get(pk=kg.pk).access_key != key
    client.post(_url("delegation_revoke", event, kg.pk))
    assert Delegation.objects.get(pk=kg.pk).revoked_at is not None
    page = client.get(_url("delegations", event)).content.decode()
    assert "Link revoked" in page
    until = timezone.localtime(timezone.now() + dt.timedelta(days=5), event.tz)
    client.post(
        _url("delegation_reopen", event, kg.pk), {"until": until.strftime("%Y-%m-%dT%H:%M")}
    )
    reopened = Delegation.objects.get(pk=kg.pk).reopened_until
    assert reopened is not None
    assert abs(reopened - until) < dt.timedelta(minutes=1)


def test_bulk_decisions_from_the_nominees_screen(client, world):
    event, kg, organiser = world
    nominated = kg.nominations.get(status=NominationStatus.NOMINATED)
    other = nomination_add(kg, 4, sex="female")
    client.force_login(organiser)
    page = client.get(_url("nominees", event)).content.decode()
    assert f'value="{nominated.pk}"' in page
    response = client.post(
        _url("nominees", event),
        {
            "nominations": [nominated.pk, other.pk],
            "decision": "replacement",
            "message": "Please send a senior officer",
        },
    )
    assert response.status_code == 302
    statuses = set(
        kg.nominations.filter(pk__in=[nominated.pk, other.pk]).values_list("status", flat=True)
    )
    assert statuses == {NominationStatus.REPLACEMENT_ASKED}
    messages_send_due()
    [email] = [e for e in mail.outbox if e.to == ["focal@gov.example.kg"]]
    assert "Please send a senior officer" in email.body
    assert nominated.family_name in email.body
    assert other.family_name in email.body


def test_document_download_is_guarded(client, world):
    event, kg, organiser = world
    document = DelegationDocument(delegation=kg, filename="note-verbale.pdf", size=8)
    document.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client.force_login(organiser)
    page = client.get(_url("delegation_detail", event, kg.pk)).content.decode()
    url = _url("document", event, kg.pk, document.pk)
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert "note-verbale.pdf" in response["Content-Disposition"]


def test_participants_by_delegation_xlsx_and_pdf(client, world, tmp_path):
    event, _kg, organiser = world
    tj = delegation_create(event, country="TJ", name="Tajikistan", focal_email="tj@x.example")
    tajik = nomination_add(tj, 1, sex="female", status="approved")
    client.force_login(organiser)
    response = client.get(_url("participants_xlsx", event), {"language": "ru"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Kyrgyz Republic", "Tajikistan"]
    sheet = workbook["Tajikistan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Фамилия"
    assert rows[1][:2] == (tajik.family_name, tajik.given_name)
    kg_names = [r[0] for r in workbook["Kyrgyz Republic"].iter_rows(min_row=2, values_only=True)]
    assert len(kg_names) == 2  # the approved ones only

    response = client.get(_url("participants_pdf", event), {"language": "en"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "people.pdf"
    path.write_bytes(response.content)
    # poppler's pdftotext, as a reader would see the text.
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Kyrgyz Republic" in text
    assert "Tajikistan" in text
    assert tajik.family_name in text


@pytest.mark.parametrize("role", [StaffRole.CHECKIN, StaffRole.REPORTER])
def test_other_roles_are_refused(client, world, role):
    event, kg, _organiser = world
    user = StaffUserFactory(roles=[role], roles__event=event)
    client.force_login(user)
    for url in [
        _url("delegations", event),
        _url("nominees", event),
        _url("delegation_detail", event, kg.pk),
        _url("participants_xlsx", event),
    ]:
        assert client.get(url).status_code in (302, 403), url


def test_staff_of_another_event_cannot_reach_this_one(client, world):
    event, kg, _organiser = world
    other = event_create()
    manager = StaffUserFactory(roles=[StaffRole.REGISTRATION_MANAGER], roles__event=other)
    client.force_login(manager)
    assert client.get(_url("delegations", other)).status_code == 200
    refused = client.get(_url("delegations", event))
    # Wagtail's admin turns PermissionDenied into a redirect to its home with a message.
    assert refused.status_code in (302, 403)
    assert "Kyrgyz Republic" not in refused.content.decode()
    # Another event's delegation through one's own event id: not found.
    # (A 404 under /admin/ is first redirected to the language-prefixed path.)
    assert client.get(_url("delegation_detail", other, kg.pk), follow=True).status_code == 404
    assert client.post(_url("delegation_revoke", other, kg.pk), follow=True).status_code == 404
    assert Delegation.objects.get(pk=kg.pk).revoked_at is None


def test_event_dashboard_and_menu_lead_to_the_delegations(client, world):
    event, _kg, organiser = world
    client.force_login(organiser)
    url = _url("delegations", event)
    dashboard = client.get(reverse("registration_dashboard:event", args=[event.pk]))
    assert f'href="{url}"' in dashboard.content.decode()
    index = client.get(reverse("nominations_admin:index")).content.decode()
    assert f'href="{url}"' in index


def test_nominees_screen_lists_and_decides_only_this_events_people(client, world):
    event, _kg, organiser = world
    other = event_create()
    foreign = nomination_add(delegation_create(other), 1)
    client.force_login(organiser)
    page = client.get(_url("nominees", event)).content.decode()
    assert foreign.family_name not in page
    response = client.post(
        _url("nominees", event), {"nominations": [foreign.pk], "decision": "approve"}
    )
    assert response.status_code == 200  # the form refuses an id that is not on the list
    foreign.refresh_from_db()
    assert foreign.status == NominationStatus.NOMINATED
