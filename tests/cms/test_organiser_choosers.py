"""An event page offers the snippets of its own locale only; rooms and speakers can be made
from the page's chooser, in that locale; Russian and Ukrainian titles give Latin slugs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Locale

from cms.models import EventIndexPage, EventPage, FieldOfWork, Room, Session, Speaker
from tests.cms.conftest import event_form_data, make_event, session_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ru")}


@pytest.fixture
def ru_index(index, locales):
    copy = index.copy_for_translation(locales["ru"])
    copy.title = "Мероприятия"
    copy.save_revision().publish()
    return EventIndexPage.objects.get(pk=copy.pk)


@pytest.fixture
def fields(locales):
    """Two fields of work in English and their Russian translations."""
    made = {}
    for slug, en, ru in (("policing", "Policing", "Полиция"), ("gender", "Gender", "Гендер")):
        field = FieldOfWork.objects.create(slug=slug, name=en, locale=locales["en"])
        copy = field.copy_for_translation(locales["ru"])
        copy.name = ru
        copy.save()
        made[slug] = (field, copy)
    return made


def _edit_form(admin_client, page):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response, response.context["form"]


def test_fields_of_work_of_the_page_locale_only(admin_client, index, ru_index, fields):
    event = make_event(index)
    response, form = _edit_form(admin_client, event)
    assert sorted(form.fields["fields_of_work"].queryset.values_list("name", flat=True)) == [
        "Gender",
        "Policing",
    ]
    assert 'name="fields_of_work"' in response.content.decode()
    assert "Полиция" not in response.content.decode()

    event.fields_of_work.set([fields["policing"][0]])
    event.save_revision().publish()
    copy = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    copy.save_revision()
    response, form = _edit_form(admin_client, EventPage.objects.get(pk=copy.pk))
    names = sorted(form.fields["fields_of_work"].queryset.values_list("name", flat=True))
    assert names == ["Гендер", "Полиция"]
    # The copy still points at the English field: the Russian one shows ticked instead.
    assert [f.name for f in form.initial["fields_of_work"]] == ["Полиция"]


def test_a_session_room_of_another_locale_is_refused(admin_client, index, locales):
    event = make_event(index)
    ru_room = Room.objects.create(name="Зал", locale=locales["ru"])
    en_room = Room.objects.create(name="Hall", locale=locales["en"])
    day = event.start_date.isoformat()
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    response = admin_client.post(
        url, event_form_data(event, sessions=[session_form(day=day, room=str(ru_room.pk))])
    )
    assert response.status_code == 200
    assert "room" in response.context["form"].formsets["sessions"].forms[0].errors
    data = event_form_data(event, sessions=[session_form(day=day, room=str(en_room.pk))])
    data["action-publish"] = "action-publish"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert [session.room for session in Session.objects.filter(page=event)] == [en_room]


def test_room_chooser_lists_and_creates_in_the_page_locale(admin_client, locales):
    Room.objects.create(name="Plenary hall", locale=locales["en"])
    Room.objects.create(name="Пленарный зал", locale=locales["ru"])
    viewset = Room.snippet_viewset.chooser_viewset
    choose = reverse(viewset.get_url_name("choose"))
    body = admin_client.get(choose, {"locale": "ru"}).json()["html"]
    assert "Пленарный зал" in body
    assert "Plenary hall" not in body
    # The chooser has a "Create" tab, and what it makes is in the page's locale.
    assert 'name="name"' in body
    create = reverse(viewset.get_url_name("create")) + "?locale=ru"
    response = admin_client.post(create, {"name": "Малый зал", "venue": "", "capacity": "40"})
    assert response.json()["step"] == "chosen"
    room = Room.objects.get(name="Малый зал")
    assert room.locale == locales["ru"]
    assert room.capacity == 40


def test_speaker_chooser_creates_in_the_page_locale(admin_client, locales):
    viewset = Speaker.snippet_viewset.chooser_viewset
    create = reverse(viewset.get_url_name("create")) + "?locale=ru"
    response = admin_client.post(
        create, {"name": "Анна Коваленко", "title": "Советник", "organisation": "ОБСЕ"}
    )
    assert response.json()["step"] == "chosen"
    assert Speaker.objects.get(name="Анна Коваленко").locale == locales["ru"]
    # An empty name is refused on the field, and nothing is saved.
    response = admin_client.post(create, {"name": "", "title": "", "organisation": ""})
    assert response.json()["step"] == "reshow_creation_form"
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "slug", "expected"),
    [
        ("Конференция по безопасности", "", "konferentsiya-po-bezopasnosti"),
        ("Тренінг у Києві", "", "trening-u-kiievi"),
        ("Семинар", "семинар-в-вене", "seminar-v-vene"),
        ("Семинар", "seminar-vienna", "seminar-vienna"),
    ],
)
def test_cyrillic_titles_give_latin_slugs(admin_client, ru_index, title, slug, expected):
    draft = make_event(ru_index.get_parent().specific, publish=False, slug="template")
    data = event_form_data(draft, title=title, slug=slug)
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", ru_index.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = EventPage.objects.get(title=title)
    assert page.slug == expected
    assert page.url_path.endswith(f"/{expected}/")


def test_two_events_with_one_cyrillic_title_get_numbered_slugs(admin_client, ru_index):
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", ru_index.pk])
    draft = make_event(ru_index.get_parent().specific, publish=False, slug="template")
    for _ in range(2):
        response = admin_client.post(url, event_form_data(draft, title="Семинар", slug=""))
        assert response.status_code == 302
    assert sorted(EventPage.objects.filter(title="Семинар").values_list("slug", flat=True)) == [
        "seminar",
        "seminar-2",
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=40), slug=st.text(max_size=40))
def test_random_title_and_slug_give_a_latin_slug_or_a_field_error(
    admin_client, ru_index, title, slug
):
    draft = EventPage.objects.filter(slug="template").first() or make_event(
        ru_index.get_parent().specific, publish=False, slug="template"
    )
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", ru_index.pk])
    before = EventPage.objects.count()

    response = admin_client.post(url, event_form_data(draft, title=title, slug=slug))

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        made = EventPage.objects.latest("pk")
        assert re.fullmatch(r"[-a-zA-Z0-9_]+", made.slug), made.slug
        made.delete()
    else:
        assert response.context["form"].errors
        assert EventPage.objects.count() == before


def test_a_title_with_nothing_to_transliterate_asks_for_a_slug(admin_client, ru_index):
    draft = make_event(ru_index.get_parent().specific, publish=False, slug="template")
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", ru_index.pk])

    response = admin_client.post(url, event_form_data(draft, title="★★★", slug=""))

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == ["This field is required."]
    assert not EventPage.objects.filter(title="★★★").exists()
