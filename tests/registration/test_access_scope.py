"""Access scoped in one place: Wagtail's generic screens, the audit log, access logging, and
bulk actions that change all or nothing."""

from __future__ import annotations

import importlib
import io
import types

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from registration.admin.registrations import ApproveBulkAction, ScopedBulkActionMixin
from registration.models import EventLogEntry, EventRole, Registration, StatusChange
from registration.permissions import access_log, event_role_assign
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import event_today
from tests.registration.registration_helpers import event_create
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey

pytestmark = pytest.mark.django_db

CHOOSER = "wagtailsnippetchoosers_registration_registration"
SITE_HISTORY = "wagtailadmin_reports:site_history"


def staff(username: str, event, role: str):
    user = get_user_model().objects.create_user(username, password="pw")
    event_role_assign(user=user, event=event, role=role)
    return user


@pytest.fixture
def world():
    ours = event_create(title="Astana conference", translations=())
    theirs = event_create(title="Kyiv training", translations=())
    mine = RegistrationFactory(
        event=ours, given_name="Aigerim", family_name="Saparova", status="awaiting_approval"
    )
    other = RegistrationFactory(
        event=theirs, given_name="Olena", family_name="Kovalenko", status="awaiting_approval"
    )
    return types.SimpleNamespace(
        ours=ours,
        theirs=theirs,
        mine=mine,
        other=other,
        manager=staff("manager", ours, "registration_manager"),
        their_manager=staff("their-manager", theirs, "registration_manager"),
        checkin=staff("checkin", ours, "checkin"),
    )


def _label(registration: Registration) -> str:
    return f"Registration #{registration.pk}"


# --- labels ---------------------------------------------------------------------------------


def test_registration_str_is_a_pseudonym(world):
    assert str(world.mine) == _label(world.mine)


def test_registration_log_entry_label_holds_no_personal_data_and_knows_its_event(world):
    entry = log(world.mine, "registration.viewed", user=world.manager)

    assert isinstance(entry, EventLogEntry)
    assert entry.label == _label(world.mine)
    assert entry.event_id == world.ours.pk
    assert not ModelLogEntry.objects.filter(object_id=str(world.mine.pk)).exists()


def test_log_label_is_in_the_site_language_whatever_the_admin_language(world):
    with translation.override("ru"):
        shown = str(world.mine)
        entry = log(world.mine, "registration.viewed", user=world.manager)

    assert shown == f"Регистрация № {world.mine.pk}"
    assert entry.label == _label(world.mine)


# --- the chooser ----------------------------------------------------------------------------


def test_chooser_lists_only_registrations_of_own_events(client, world):
    client.force_login(world.manager)

    html = client.get(reverse(f"{CHOOSER}:choose_results")).content.decode()

    assert _label(world.mine) in html
    assert _label(world.other) not in html


def test_chooser_chosen_of_another_event_is_not_found(client, world):
    client.force_login(world.manager)

    theirs = client.get(reverse(f"{CHOOSER}:chosen", args=[world.other.pk]))
    ours = client.get(reverse(f"{CHOOSER}:chosen", args=[world.mine.pk]))

    assert theirs.status_code in (302, 404)  # a 404 under /admin/ redirects to /en/admin/…
    assert b"chosen" not in theirs.content
    assert ours.status_code == 200


def test_chooser_lists_nothing_to_checkin_staff(client, world):
    client.force_login(world.checkin)

    html = client.get(reverse(f"{CHOOSER}:choose")).content.decode()
    results = client.get(reverse(f"{CHOOSER}:choose_results")).content.decode()

    assert "Registration #" not in html
    assert "No participants of your events to choose from." in results
    assert "/admin/participants/add/" not in results  # made through the public form only


# --- bulk-action confirmation pages ---------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "decline", "cancel", "delete", "revoke_links"])
def test_bulk_confirmation_all_lists_only_own_events(client, world, action):
    client.force_login(world.manager)
    url = reverse("wagtail_bulk_action", args=["registration", "registration", action])

    response = client.get(url + "?id=all")

    html = response.content.decode()
    assert "Kovalenko" not in html
    assert _label(world.other) not in html
    if action != "delete":  # deleting is for administrators: listed as not allowed
        assert "Saparova" in html


@pytest.mark.parametrize("action", ["approve", "delete"])
def test_bulk_confirmation_for_checkin_staff_shows_no_one(client, world, action):
    client.force_login(world.checkin)
    url = reverse("wagtail_bulk_action", args=["registration", "registration", action])

    response = client.get(url + f"?id={world.mine.pk}")

    assert response.status_code in (302, 404)  # a 404 under /admin/ redirects to /en/admin/…
    assert b"Saparova" not in response.content


def test_every_registration_bulk_action_is_scoped():
    bulk_action_registry._scan_for_bulk_actions()

    actions = bulk_action_registry.actions["registration"]["registration"]

    assert {"approve", "decline", "cancel", "delete"} <= set(actions)
    assert [
        name for name, cls in actions.items() if not issubclass(cls, ScopedBulkActionMixin)
    ] == []


# --- bulk actions: all or nothing -----------------------------------------------------------


def test_bulk_approve_failing_half_way_changes_nothing(world):
    second = RegistrationFactory(event=world.ours, status="awaiting_approval")
    saved = []

    def die_on_second(sender, instance, created, **kwargs):
        saved.append(instance.pk)
        if len(saved) == 2:
            raise RuntimeError("the web process died")

    post_save.connect(die_on_second, sender=StatusChange, dispatch_uid="die")
    try:
        with pytest.raises(RuntimeError):
            ApproveBulkAction.execute_action(
                [world.mine, second],
                user=world.manager,
                message="",
                self=types.SimpleNamespace(),
            )
    finally:
        post_save.disconnect(dispatch_uid="die", sender=StatusChange)

    assert list(
        Registration.objects.filter(pk__in=[world.mine.pk, second.pk]).values_list(
            "status", flat=True
        )
    ) == ["awaiting_approval", "awaiting_approval"]
    assert not StatusChange.objects.filter(registration__event=world.ours).exists()


# --- site history ---------------------------------------------------------------------------


def test_site_history_shows_only_entries_of_own_events(client, world):
    log(world.mine, "registration.viewed", user=world.manager)
    log(world.other, "registration.viewed", user=world.their_manager)
    client.force_login(world.manager)

    html = client.get(reverse(SITE_HISTORY)).content.decode()
    csv = b"".join(client.get(reverse(SITE_HISTORY), {"export": "csv"}).streaming_content)

    assert _label(world.mine) in html
    assert _label(world.other) not in html
    assert _label(world.mine).encode() in csv
    assert _label(world.other).encode() not in csv


def test_site_history_of_checkin_staff_is_empty(client, world):
    log(world.mine, "registration.viewed", user=world.manager)
    client.force_login(world.checkin)

    html = client.get(reverse(SITE_HISTORY)).content.decode()

    assert "Registration #" not in html


def test_event_role_list_shows_only_staff_of_own_events(client, world):
    organiser = staff("organiser", world.ours, "organiser")
    client.force_login(organiser)

    html = client.get(reverse("event_roles:index")).content.decode()
    theirs = EventRole.objects.get(user=world.their_manager)
    edit = client.get(reverse("event_roles:edit", args=[theirs.pk]))

    assert "their-manager" not in html
    assert "checkin" in html
    assert edit.status_code in (302, 404)
    assert b"their-manager" not in edit.content


# --- the data migration ---------------------------------------------------------------------


def test_migration_moves_old_entries_and_scrubs_labels(world):
    migration = importlib.import_module("registration.migrations.0008_access_scope")
    registration_type = ContentType.objects.get_for_model(Registration)
    gone = RegistrationFactory(event=world.theirs, given_name="Gone", family_name="Person")
    gone_pk = gone.pk
    now = timezone.now()
    for registration in (world.mine, gone):
        ModelLogEntry.objects.create(
            content_type=registration_type,
            object_id=str(registration.pk),
            label=f"{registration.full_name} <{registration.email}>",
            action="registration.viewed",
            timestamp=now,
        )
    gone.delete()
    PageLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(world.ours),
        page=world.ours,
        label=world.ours.title,
        action="registration.list_viewed",
        timestamp=now,
    )

    migration.move_entries(apps, None)

    assert not ModelLogEntry.objects.filter(content_type=registration_type).exists()
    assert not PageLogEntry.objects.filter(action="registration.list_viewed").exists()
    moved = {(e.label, e.event_id) for e in EventLogEntry.objects.all()}
    assert moved == {
        (_label(world.mine), world.ours.pk),
        (f"Registration #{gone_pk}", None),  # its event is unknown now: administrators only
        (world.ours.title, world.ours.pk),
    }
    assert not EventLogEntry.objects.filter(label__contains="@").exists()


# --- access to personal data is logged ------------------------------------------------------


def _logged(action: str, user, event) -> bool:
    return EventLogEntry.objects.filter(action=action, user=user, event=event).exists()


def test_messages_log_view_is_logged(client, world):
    client.force_login(world.manager)

    response = client.get(reverse("messaging_admin:log", args=[world.ours.pk]))

    assert response.status_code == 200
    assert _logged("registration.messages_viewed", world.manager, world.ours)


def test_scanner_name_search_is_logged_without_the_query(client):
    event = event_today(title="Scanner day")
    RegistrationFactory(event=event, given_name="Aigerim", family_name="Sadykova")
    scanner = staff("scanner", event, "checkin")
    client.force_login(scanner)

    found = client.get(reverse("checkin_admin:search", args=[event.pk]), {"q": "Sadyk"})
    client.get(reverse("checkin_admin:search", args=[event.pk]), {"q": "Nobody"})

    assert found.json()["results"][0]["name"] == "Aigerim Sadykova"
    entries = EventLogEntry.objects.filter(action="checkin.searched", user=scanner)
    assert [e.data for e in entries] == [{"results": 1}]


def test_attendance_view_is_logged(client):
    event = event_today(title="Attendance day")
    manager = staff("att-manager", event, "registration_manager")
    client.force_login(manager)

    response = client.get(reverse("checkin_admin:attendance", args=[event.pk]))

    assert response.status_code == 200
    assert _logged("checkin.attendance_viewed", manager, event)


def test_report_with_open_answers_is_logged(client):
    event, people = hand_counted_event()
    hand_counted_survey(event, people)
    reporter = staff("reporter", event, "reporter")
    client.force_login(reporter)

    response = client.get(reverse("reports_admin:detail", args=[event.pk]))

    assert response.status_code == 200
    assert "More practice, please" in response.content.decode()
    entry = EventLogEntry.objects.get(action="report.answers_viewed", user=reporter)
    assert entry.event_id == event.pk
    assert entry.data == {"answers": 1, "anonymous": False}


def test_participant_list_search_words_are_not_kept_in_the_log(client, world):
    client.force_login(world.manager)

    client.get(reverse("wagtailsnippets_registration_registration:list"), {"q": "Saparova"})

    entry = EventLogEntry.objects.get(action="registration.list_viewed", user=world.manager)
    assert "Saparova" not in str(entry.data)
    assert entry.data["searched"] is True


def test_access_log_of_an_event_is_read_only_by_its_staff(client, world):
    access_log(user=world.their_manager, event=world.theirs, action="registration.list_viewed")
    client.force_login(world.manager)

    rows = client.get(reverse(SITE_HISTORY), {"export": "csv"}).streaming_content
    text = io.BytesIO(b"".join(rows)).getvalue().decode()

    assert "Kyiv training" not in text
