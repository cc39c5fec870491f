"""The organiser role edits its own events' pages with Wagtail's page permissions: creates,
edits, translates and publishes the events it organises, sees and edits no other event; other
staff roles get no page rights."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale

from cms import demo as cms_demo
from cms.models import EventIndexPage, EventPage
from registration import demo as registration_demo
from registration.models.registrations import EventRole, StaffRole
from registration.permissions import event_group_name, roles_sync_groups
from tests.cms.conftest import event_form_data, make_event
from tests.factories import HomePageFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db):
    """The English event index under the English home page."""
    home = HomePageFactory()
    index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
    home.add_child(instance=index)
    index.save_revision().publish()
    return EventIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def ru_index(index):
    copy = index.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.title = "Мероприятия"
    copy.save_revision().publish()
    return EventIndexPage.objects.get(pk=copy.pk)


@pytest.fixture
def events(index, ru_index):
    mine = make_event(index, title="Border management workshop", slug="mine")
    theirs = make_event(index, title="Cyber security seminar", slug="theirs")
    return mine, theirs


@pytest.fixture
def organiser(events):
    return StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=events[0])


def _can(user, page):
    return page.permissions_for_user(user)


def _denied(response) -> bool:
    """Wagtail answers a page view the user may not open by sending them to the dashboard
    with "Sorry, you do not have permission to access this area"."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_organiser_lists_only_their_events_under_events(client, organiser, events, index):
    client.force_login(organiser)
    response = client.get(reverse("wagtailadmin_explore", args=[index.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Border management workshop" in body
    assert "Cyber security seminar" not in body


def test_organiser_edits_and_publishes_their_event_not_another(client, organiser, events):
    mine, theirs = events
    client.force_login(organiser)
    assert _denied(client.get(reverse("wagtailadmin_pages:edit", args=[theirs.pk])))
    assert not _can(organiser, theirs).can_edit()
    assert not _can(organiser, theirs).can_publish()

    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])).status_code == 200
    data = event_form_data(mine, subtitle="Second edition")
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[mine.pk]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.subtitle == "Second edition"
    assert mine.live

    data = event_form_data(theirs, subtitle="Hijacked")
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[theirs.pk]), data)
    theirs.refresh_from_db()
    assert theirs.subtitle != "Hijacked"


def test_organiser_translates_their_event_and_publishes_the_copy(client, organiser, events):
    mine, _theirs = events
    client.force_login(organiser)
    ru = Locale.objects.get(language_code="ru")
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[mine.pk]),
        {"locales": [ru.pk]},
    )
    assert response.status_code == 302
    copy = EventPage.objects.get(translation_key=mine.translation_key, locale=ru)
    assert _can(organiser, copy).can_edit()
    assert _can(organiser, copy).can_publish()
    # The copy of an event they do not organise is not theirs to touch.
    other = _theirs.copy_for_translation(ru)
    other.save_revision()
    assert not _can(organiser, other).can_edit()


def test_organiser_creates_an_event_and_gets_the_role_on_it(client, organiser, index):
    client.force_login(organiser)
    draft = EventPage(
        title="Training of trainers",
        slug="tot",
        start_date=index.latest_revision_created_at.date(),
        end_date=index.latest_revision_created_at.date(),
        time_zone="Europe/Vienna",
        locale=index.locale,
    )
    # "Add" on the index lets an organiser save a draft (publishing a new page would need
    # "publish" on the index, which would cover every other event too) ...
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", index.pk])
    response = client.post(url, event_form_data(draft))
    assert response.status_code == 302, response.context["form"].errors
    event = EventPage.objects.get(slug="tot")
    assert not event.live
    assert event.owner == organiser
    assert EventRole.objects.filter(user=organiser, event=event, role="organiser").exists()
    # ... and the role given on creation lets them publish it.
    assert _can(organiser, event).can_publish()
    data = event_form_data(event)
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.live
    listing = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()
    assert "Training of trainers" in listing


def test_removing_the_role_takes_the_page_rights_away(client, organiser, events, index):
    mine, _theirs = events
    client.force_login(organiser)
    created = make_event(index, title="Own event", slug="own")
    created.owner = organiser
    created.save()
    EventRole.objects.create(user=organiser, event=created, role=StaffRole.ORGANISER)
    assert _can(organiser, created).can_publish()

    EventRole.objects.filter(user=organiser).delete()

    organiser = type(organiser).objects.get(pk=organiser.pk)  # Wagtail caches permissions
    for event in (mine, created):
        event.refresh_from_db()
        assert not _can(organiser, event).can_edit()
        assert _denied(client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])))
    assert not Group.objects.get(name=event_group_name(mine)).user_set.exists()


def test_an_organised_event_can_be_deleted_with_its_copies(organiser, events):
    mine, _theirs = events
    copy = mine.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.save_revision()
    assert _can(organiser, copy).can_edit()

    copy.delete()
    EventPage.objects.get(pk=mine.pk).delete()

    assert not EventRole.objects.filter(user=organiser).exists()
    group = Group.objects.get(name=event_group_name(mine))
    assert not group.user_set.exists()
    assert not group.page_permissions.exists()


@pytest.mark.parametrize(
    "role", [StaffRole.REGISTRATION_MANAGER, StaffRole.CHECKIN, StaffRole.REPORTER]
)
def test_other_staff_roles_get_no_page_rights(client, events, role):
    mine, _theirs = events
    user = StaffUserFactory(roles=[role], roles__event=mine)
    client.force_login(user)
    assert not _can(user, mine).can_edit()
    assert _denied(client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])))
    data = event_form_data(mine, subtitle="Changed by staff")
    client.post(reverse("wagtailadmin_pages:edit", args=[mine.pk]), data)
    mine.refresh_from_db()
    assert mine.subtitle != "Changed by staff"


def test_sync_is_idempotent(organiser, events):
    mine, _theirs = events
    before = (
        Group.objects.count(),
        organiser.groups.count(),
        Group.objects.get(name=event_group_name(mine)).page_permissions.count(),
    )
    roles_sync_groups()
    roles_sync_groups()
    after = (
        Group.objects.count(),
        organiser.groups.count(),
        Group.objects.get(name=event_group_name(mine)).page_permissions.count(),
    )
    assert before == after
    assert _can(organiser, mine).can_publish()


def test_demo_organiser_edits_and_publishes_the_demo_events_and_nobody_else_does(client):
    cms_demo.load()
    registration_demo.load()
    registration_demo.load()  # twice: the permissions are made once
    users = get_user_model().objects
    organiser = users.get(username="organiser")
    events = EventPage.objects.filter(pk__in=EventRole.objects.values("event_id"))
    assert events.exists()
    for event in events:
        for copy in EventPage.objects.filter(translation_key=event.translation_key):
            assert _can(organiser, copy).can_publish(), copy
    for index in EventIndexPage.objects.all():
        assert _can(organiser, index).can_add_subpage(), index.locale
        assert not _can(organiser, index).can_edit()
    for username in ("registrations", "checkin", "reporter"):
        user = users.get(username=username)
        assert not any(_can(user, event).can_edit() for event in events)
        assert not any(
            _can(user, index).can_add_subpage() for index in EventIndexPage.objects.all()
        )
    client.force_login(organiser)
    index = EventIndexPage.objects.filter(locale__language_code="en").first()
    assert client.get(reverse("wagtailadmin_explore", args=[index.pk])).status_code == 200


def test_organiser_may_upload_papers_and_photos_and_edit_the_event_directory(organiser):
    from wagtail.documents.permissions import permission_policy as documents
    from wagtail.images.permissions import permission_policy as images

    for policy in (documents, images):
        assert policy.user_has_permission(organiser, "add")
        assert policy.user_has_permission(organiser, "choose")
    for model in ("room", "speaker", "organiser"):
        assert organiser.has_perm(f"cms.add_{model}")
        assert organiser.has_perm(f"cms.change_{model}")
    assert not organiser.has_perm("cms.change_fieldofwork")
    assert organiser.has_perm("simple_translation.submit_translation")


def test_registration_manager_may_not_upload_or_translate(events):
    from wagtail.documents.permissions import permission_policy as documents

    manager = StaffUserFactory(roles=[StaffRole.REGISTRATION_MANAGER], roles__event=events[0])
    assert not documents.user_has_permission(manager, "add")
    assert not manager.has_perm("simple_translation.submit_translation")
    assert not manager.has_perm("cms.add_room")
