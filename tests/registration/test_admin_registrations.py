"""Staff screens: a registration manager sees only their events' people; check-in staff none."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import capfirst

from registration.admin.registrations import EXPORT_FOLDED
from registration.messaging.models import Message
from registration.models import EventLogEntry, Registration
from registration.models.registrations import PARTICIPANT_FIELDS, STAFF, participant_field_names
from registration.permissions import event_role_assign, events_for, user_has_event_role
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_registration_registration:list"
EDIT = "wagtailsnippets_registration_registration:edit"
INSPECT = "wagtailsnippets_registration_registration:inspect"


def user(username, **extra):
    return get_user_model().objects.create_user(username, f"{username}@example.org", "pw", **extra)


@pytest.fixture
def world():
    ours = event_create(title="Astana conference", translations=())
    theirs = event_create(title="Kyiv training", translations=())
    a = RegistrationFactory(
        event=ours,
        given_name="Aigerim",
        family_name="Saparova",
        status="awaiting_approval",
        access_needs=["wheelchair"],
        visa_letter=True,
        country="KG",
    )
    b = RegistrationFactory(event=ours, given_name="Ерлан", family_name="Жумабаев")
    c = RegistrationFactory(
        event=theirs, given_name="Olena", family_name="Kovalenko", status="awaiting_approval"
    )
    manager = user("manager")
    event_role_assign(user=manager, event=ours, role="registration_manager")
    checkin = user("checkin")
    event_role_assign(user=checkin, event=ours, role="checkin")
    return {
        "ours": ours,
        "theirs": theirs,
        "a": a,
        "b": b,
        "c": c,
        "manager": manager,
        "checkin": checkin,
    }


def test_permissions_helpers(world):
    manager, checkin = world["manager"], world["checkin"]
    assert list(events_for(manager, "registration_manager")) == [world["ours"]]
    assert list(events_for(manager, "checkin")) == []
    assert user_has_event_role(manager, world["ours"], "registration_manager", "organiser")
    assert not user_has_event_role(manager, world["theirs"])
    assert user_has_event_role(checkin, world["ours"], "checkin")
    assert not manager.is_superuser
    assert not manager.is_staff
    assert manager.has_perm("wagtailadmin.access_admin")
    admin = user("boss", is_superuser=True)
    assert set(events_for(admin)) == {world["ours"], world["theirs"]}


def test_manager_lists_only_their_events_people_and_access_is_logged(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aigerim" in html
    assert "Ерлан" in html
    assert "Olena" not in html
    # Asking for the other event's people does not show them either.
    html = client.get(reverse(LIST), {"event": world["theirs"].pk}).content.decode()
    assert "Olena" not in html
    html = client.get(reverse(LIST), {"q": "Olena"}).content.decode()
    assert "Kovalenko" not in html
    assert EventLogEntry.objects.filter(
        event=world["ours"], action="registration.list_viewed", user=world["manager"]
    ).exists()
    assert (
        not EventLogEntry.objects.filter(event=world["theirs"])
        .filter(action__startswith="registration.")
        .exists()
    )


def test_manager_filters_by_status_and_need(client, world):
    client.force_login(world["manager"])
    html = client.get(reverse(LIST), {"status": "confirmed"}).content.decode()
    assert "Ерлан" in html
    assert "Aigerim" not in html
    html = client.get(reverse(LIST), {"access_need": "wheelchair"}).content.decode()
    assert "Aigerim" in html
    assert "Ерлан" not in html
    html = client.get(reverse(LIST), {"country": "KG"}).content.decode()
    assert "Aigerim" in html
    assert "Ерлан" not in html


def test_manager_cannot_open_other_events_registration(client, world):
    client.force_login(world["manager"])
    for name in (EDIT, INSPECT):
        response = client.get(reverse(name, args=[world["c"].pk]))
        assert response.status_code in (302, 404)
        assert b"Kovalenko" not in response.content
    response = client.get(reverse(INSPECT, args=[world["a"].pk]))
    assert response.status_code == 200
    assert EventLogEntry.objects.filter(
        action="registration.viewed",
        object_id=str(world["a"].pk),
        event=world["ours"],
        user=world["manager"],
    ).exists()


def test_export_csv_and_xlsx_contain_only_own_people_with_labels(client, world):
    from openpyxl import load_workbook

    client.force_login(world["manager"])
    response = client.get(reverse(LIST), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert header[:5] == ["Event", "Status", "Title", "Given name", "Family name"]
    people = {(r[3], r[4]) for r in rows[1:]}
    assert people == {("Aigerim", "Saparova"), ("Ерлан", "Жумабаев")}
    aigerim = next(r for r in rows[1:] if r[3] == "Aigerim")
    assert aigerim[header.index("Status")] == "Awaiting approval"
    assert aigerim[header.index("Accessibility needs")] == "Wheelchair access"
    assert aigerim[header.index("Country")] == "Kyrgyzstan"
    assert aigerim[header.index("Visa support letter")] == "yes"
    response = client.get(reverse(LIST), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert {v[3] for v in values[1:]} == {"Aigerim", "Ерлан"}
    assert EventLogEntry.objects.filter(action="registration.exported").count() == 2


def test_export_headings_in_russian(client, world):
    client.force_login(world["manager"])
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(world["manager"])
    profile.preferred_language = "ru"
    profile.save()
    response = client.get(reverse(LIST), {"export": "csv"})
    header = b"".join(response.streaming_content).decode().splitlines()[0]
    assert header.startswith("Мероприятие,Статус,Обращение,Имя,Фамилия")


def test_bulk_approve_with_message_only_for_own_events(client, world):
    client.force_login(world["manager"])
    a, c = world["a"], world["c"]
    url = (
        reverse("wagtail_bulk_action", args=["registration", "registration", "approve"])
        + f"?id={a.pk}&id={c.pk}"
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Aigerim" in page.content.decode()
    response = client.post(url, {"message": "Welcome to Astana."})
    assert response.status_code == 302
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == "confirmed"
    assert c.status == "awaiting_approval"
    message = Message.objects.get(registration=a, kind="confirmed")
    assert "Welcome to Astana." in message.body_text
    assert a.status_changes.last().by == world["manager"]


def test_bulk_decline_and_cancel(client, world):
    client.force_login(world["manager"])
    a, b = world["a"], world["b"]
    base = "wagtail_bulk_action"
    client.post(
        reverse(base, args=["registration", "registration", "decline"]) + f"?id={a.pk}",
        {"message": ""},
    )
    client.post(
        reverse(base, args=["registration", "registration", "cancel"]) + f"?id={b.pk}",
        {"message": "The venue changed."},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("declined", "cancelled")
    assert "The venue changed." in Message.objects.get(registration=b, kind="cancelled").body_text


def test_checkin_staff_cannot_see_lists_exports_or_details(client, world):
    client.force_login(world["checkin"])
    for response in (
        client.get(reverse(LIST)),
        client.get(reverse(LIST), {"export": "csv"}),
        client.get(reverse(INSPECT, args=[world["a"].pk])),
        client.get(reverse("logistics:index")),
    ):
        assert response.status_code in (302, 403, 404)
        body = b"" if response.streaming else response.content
        assert b"Aigerim" not in body
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/participants/" not in menu


def test_manager_sees_logistics_summary(client, world):
    client.force_login(world["manager"])
    RegistrationFactory(event=world["ours"], interpretation_language="en", dietary=["halal"])
    response = client.get(reverse("logistics:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Interpretation: head-count per language and day" in html
    assert "Halal" in html
    # Aigerim awaits approval: not counted; the two confirmed people are.
    assert "2 confirmed participants." in html
    other = client.get(reverse("logistics:index"), {"event": world["theirs"].pk})
    assert other.status_code in (302, 403)


def test_superuser_sees_everyone(client, world):
    client.force_login(user("boss", is_superuser=True))
    html = client.get(reverse(LIST)).content.decode()
    assert "Aigerim" in html
    assert "Olena" in html
    assert Registration.objects.count() == 3


def test_event_role_assigned_in_admin_adds_group(client, world):
    client.force_login(user("boss", is_superuser=True))
    newcomer = user("newcomer")
    response = client.post(
        reverse("event_roles:add"),
        {"user": newcomer.pk, "event": world["theirs"].pk, "role": "registration_manager"},
    )
    assert response.status_code == 302
    assert user_has_event_role(newcomer, world["theirs"], "registration_manager")
    assert newcomer.groups.filter(name="Registration managers").exists()


def _edit_data(registration, **changes) -> dict:
    """The staff edit form's fields as a browser posts them, from the registration's values."""
    data = {}
    for name in participant_field_names(editable_by=STAFF):
        value = getattr(registration, name)
        if name == "country":
            value = value.code
        elif name == "phone":
            value = str(value) if value else ""
        data[name] = value
    data.update(changes)
    if not data.pop("visa_letter"):
        return data
    return {**data, "visa_letter": "on"}


def test_staff_edit_goes_through_the_update_service_like_a_participant_edit(client, world):
    client.force_login(world["manager"])
    a = world["a"]

    response = client.post(
        reverse(EDIT, args=[a.pk]), _edit_data(a, family_name="Saparova-Nur", role="speaker")
    )

    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.family_name, a.role, a.sex) == ("Saparova-Nur", "speaker", "female")
    change = a.status_changes.get()
    assert (change.from_status, change.to_status) == ("awaiting_approval", "awaiting_approval")
    assert change.note == "updated: family_name, role"
    assert change.by == world["manager"]


def test_staff_edit_checks_typed_text_as_the_participant_forms_do(client, world):
    client.force_login(world["manager"])
    a = world["a"]

    response = client.post(reverse(EDIT, args=[a.pk]), _edit_data(a, given_name="R2D2"))

    assert response.status_code == 200
    assert "Use only letters, spaces, hyphens, apostrophes and full stops" in (
        response.content.decode()
    )
    a.refresh_from_db()
    assert a.given_name == "Aigerim"
    assert not a.status_changes.exists()


def test_staff_edit_of_a_cancelled_registration_is_refused_as_for_the_participant(client, world):
    client.force_login(world["manager"])
    a = world["a"]
    Registration.objects.filter(pk=a.pk).update(status="cancelled")
    a.refresh_from_db()

    response = client.post(reverse(EDIT, args=[a.pk]), _edit_data(a, family_name="Changed"))

    assert response.status_code == 200
    assert "This cannot be done while the registration is" in response.content.decode()
    a.refresh_from_db()
    assert a.family_name == "Saparova"


def test_every_participant_field_is_in_the_admin_screens_and_the_export(client, world):
    client.force_login(world["manager"])
    a = world["a"]

    edit = client.get(reverse(EDIT, args=[a.pk])).content.decode()
    inspect = client.get(reverse(INSPECT, args=[a.pk])).content.decode()
    response = client.get(reverse(LIST), {"export": "csv"})
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    for spec in PARTICIPANT_FIELDS:
        assert (f'name="{spec.name}"' in edit) == (STAFF in spec.editable_by), spec.name
        assert str(capfirst(spec.model_field.verbose_name)) in inspect, spec.name
        if spec.name not in EXPORT_FOLDED:
            assert str(spec.label) in header, spec.name
