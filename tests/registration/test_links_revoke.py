"""Staff revoke a participant's links: every old link stops, a new one arrives by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.log_actions import registry as log_action_registry

from registration.links import LinkError, registration_from_key, sign_key
from registration.messaging.models import Message
from registration.permissions import event_role_assign
from registration.services.links import LinkRevokeError, registration_links_revoke
from tests import factories
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

BULK = "wagtail_bulk_action"


def _user(username):
    return get_user_model().objects.create_user(username, f"{username}@example.org", "pw")


@pytest.fixture
def world():
    ours = event_create(title="Astana conference", translations=("ru",))
    theirs = event_create(title="Kyiv training", translations=())
    manager = _user("manager")
    event_role_assign(user=manager, event=ours, role="registration_manager")
    other_organiser = _user("other")
    event_role_assign(user=other_organiser, event=theirs, role="organiser")
    checkin = _user("checkin")
    event_role_assign(user=checkin, event=ours, role="checkin")
    registration = factories.RegistrationFactory(event=ours, given_name="Aigerim", language="ru")
    return {
        "ours": ours,
        "manager": manager,
        "other": other_organiser,
        "checkin": checkin,
        "registration": registration,
    }


def test_revoked_links_stop_working_for_every_purpose(client, world):
    registration = world["registration"]
    old = {p: sign_key(registration, purpose=p) for p in ("manage", "survey", "calendar")}

    registration_links_revoke(registration=registration, by=world["manager"])

    for purpose, key in old.items():
        with pytest.raises(LinkError) as caught:
            registration_from_key(key, purpose=purpose)
        assert (caught.value.code, caught.value.event_id) == ("revoked", world["ours"].pk)
    page = client.get(f"/ru/registration/manage/{old['manage']}/")
    assert page.status_code == 410
    html = page.content.decode()
    assert "заменена новой" in html
    assert reverse("registration:resend_link", kwargs={"event_id": world["ours"].pk}) in html
    feed = client.get(f"/en/registration/calendar/{old['calendar']}.ics")
    assert feed.status_code == 410


def test_revoke_sends_a_fresh_link_that_works(client, world):
    registration = world["registration"]

    registration_links_revoke(
        registration=registration, by=world["manager"], message="Your old e-mail was shared."
    )

    message = Message.objects.get(registration=registration, kind="link_new")
    assert "Your old e-mail was shared." in message.body_text
    assert message.subject.startswith("Ваша новая ссылка")
    new_path = re.search(r"https?://[^/]+(/ru/registration/manage/[^/\s]+/)", message.body_text)
    assert client.get(new_path.group(1)).status_code == 200
    logs = log_action_registry.get_logs_for_instance(registration)
    assert logs.filter(action="registration.links_revoked").exists()


def test_revoke_twice_sends_two_distinct_messages(world):
    registration = world["registration"]

    registration_links_revoke(registration=registration, by=world["manager"])
    registration_links_revoke(registration=registration, by=world["manager"])

    assert Message.objects.filter(registration=registration, kind="link_new").count() == 2


@pytest.mark.parametrize("who", ["other", "checkin"])
def test_revoke_refused_without_participant_role_on_the_event(world, who):
    registration = world["registration"]
    key_before = registration.access_key

    with pytest.raises(LinkRevokeError) as caught:
        registration_links_revoke(registration=registration, by=world[who])

    assert caught.value.code == "permission_denied"
    registration.refresh_from_db()
    assert registration.access_key == key_before
    assert not Message.objects.filter(kind="link_new").exists()


def test_bulk_action_revokes_and_sends_for_own_event(client, world):
    registration = world["registration"]
    old_key = sign_key(registration)
    client.force_login(world["manager"])
    url = reverse(BULK, args=["registration", "registration", "revoke_links"])
    url += f"?id={registration.pk}"

    confirm = client.get(url)
    done = client.post(url, {"message": ""})

    assert confirm.status_code == 200
    assert "Aigerim" in confirm.content.decode()
    assert done.status_code == 302
    with pytest.raises(LinkError):
        registration_from_key(old_key)
    assert Message.objects.filter(registration=registration, kind="link_new").count() == 1


def test_bulk_action_of_another_events_organiser_changes_nothing(client, world):
    registration = world["registration"]
    key_before = registration.access_key
    client.force_login(world["other"])
    url = reverse(BULK, args=["registration", "registration", "revoke_links"])
    url += f"?id={registration.pk}"

    client.get(url)
    client.post(url, {"message": ""})

    registration.refresh_from_db()
    assert registration.access_key == key_before
    assert not Message.objects.filter(kind="link_new").exists()


def test_lost_link_form_after_revoke_sends_the_current_link(client, world):
    registration = world["registration"]
    old_key = sign_key(registration)
    registration_links_revoke(registration=registration, by=world["manager"])
    page = client.get(f"/en/registration/manage/{old_key}/")
    resend_url = reverse("registration:resend_link", kwargs={"event_id": world["ours"].pk})

    client.post(resend_url, {"email": registration.email})

    assert resend_url in page.content.decode()
    message = Message.objects.get(registration=registration, kind="link_resend")
    path = re.search(r"https?://[^/]+(/\w\w/registration/manage/[^/\s]+/)", message.body_text)
    assert client.get(path.group(1)).status_code == 200
    assert path.group(1).split("/")[-2] != old_key
