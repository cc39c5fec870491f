"""The event page's admin form: every rule gives a sentence on the field that must change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from cms.models import EventPage, Room, Session, SessionSpeaker, Speaker
from tests.cms.conftest import event_form_data, make_event, session_form

pytestmark = pytest.mark.django_db


def _post(client, event, data, *, publish=False):
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), data)


def _session_errors(response, index=0):
    form = response.context["form"]
    return form.formsets["sessions"].forms[index].errors


def test_edit_with_sessions_and_nested_speakers_publishes(admin_client, index):
    event = make_event(index)
    speaker = Speaker.objects.create(name="Dr. Elena Marchetti", locale=event.locale)
    room = Room.objects.create(name="Plenary hall", locale=event.locale)
    day = event.start_date.isoformat()
    data = event_form_data(
        event,
        sessions=[
            session_form(
                day=day,
                room=str(room.pk),
                speakers=inline_formset([{"speaker": str(speaker.pk), "role": "moderator"}]),
            ),
            session_form(
                day=day, start_time="10:00", end_time="11:00", title="Panel", kind="panel"
            ),
        ],
    )

    response = _post(admin_client, event, data, publish=True)

    assert response.status_code == 302, response.context["form"].errors
    sessions = list(Session.objects.filter(page=event).order_by("start_time"))
    assert [s.title for s in sessions] == ["Opening", "Panel"]
    link = SessionSpeaker.objects.get(session=sessions[0])
    assert (link.speaker, link.role) == (speaker, "moderator")
    assert sessions[0].interpretation_languages == ["en", "ru"]


def test_end_date_before_start_date_is_an_error_on_the_last_day(admin_client, index):
    event = make_event(index)
    data = event_form_data(event, end_date=(event.start_date - dt.timedelta(days=1)).isoformat())

    response = _post(admin_client, event, data)

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "The last day cannot be before the first day. Check both dates."
    ]
    assert EventPage.objects.get(pk=event.pk).end_date == event.end_date


def test_session_ending_before_it_starts_is_an_error_on_its_end(admin_client, index):
    event = make_event(index)
    data = event_form_data(
        event,
        sessions=[
            session_form(day=event.start_date.isoformat(), start_time="11:00", end_time="10:00")
        ],
    )

    response = _post(admin_client, event, data, publish=True)

    assert response.status_code == 200
    assert _session_errors(response)["end_time"] == ["A session must end after it starts."]
    assert "A session must end after it starts." in response.content.decode()
    assert not Session.objects.filter(page=event).exists()


def test_session_outside_the_event_dates_is_an_error_on_its_day(admin_client, index):
    event = make_event(index)
    outside = (event.end_date + dt.timedelta(days=1)).isoformat()
    data = event_form_data(event, sessions=[session_form(day=outside)])

    response = _post(admin_client, event, data)

    assert response.status_code == 200
    expected = (
        "The session's day must be within the event's dates "
        f"({event.start_date.isoformat()} – {event.end_date.isoformat()})."
    )
    assert _session_errors(response)["day"] == [expected]


def test_room_booked_twice_at_once_is_an_error_on_the_room(admin_client, index):
    event = make_event(index)
    room = Room.objects.create(name="Meeting room A", locale=event.locale)
    day = event.start_date.isoformat()
    data = event_form_data(
        event,
        sessions=[
            session_form(day=day, room=str(room.pk), start_time="09:00", end_time="10:30"),
            session_form(
                day=day, room=str(room.pk), start_time="10:00", end_time="11:00", title="Panel"
            ),
        ],
    )

    response = _post(admin_client, event, data)

    assert response.status_code == 200
    assert _session_errors(response, 1)["room"] == [
        "Meeting room A is already booked from 09:00 to 10:30 for “Opening”. "
        "Choose another room or time."
    ]
    assert "room" not in _session_errors(response, 0)


def test_room_booked_by_another_event_is_an_error_on_the_room(admin_client, index):
    event = make_event(index)
    other = make_event(index, title="Training of mentors")
    room = Room.objects.create(name="Meeting room B", locale=event.locale)
    Session.objects.create(
        page=other,
        day=event.start_date,
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 0),
        title="Module 1",
        room=room,
    )
    data = event_form_data(
        event, sessions=[session_form(day=event.start_date.isoformat(), room=str(room.pk))]
    )

    response = _post(admin_client, event, data)

    assert _session_errors(response)["room"] == [
        "Meeting room B is already booked from 09:30 to 12:00 for “Module 1 (Training of "
        "mentors)”. Choose another room or time."
    ]


def test_back_to_back_sessions_in_one_room_are_fine(admin_client, index):
    event = make_event(index)
    room = Room.objects.create(name="Meeting room A", locale=event.locale)
    day = event.start_date.isoformat()
    data = event_form_data(
        event,
        sessions=[
            session_form(day=day, room=str(room.pk), start_time="09:00", end_time="10:00"),
            session_form(day=day, room=str(room.pk), start_time="10:00", end_time="11:00"),
        ],
    )

    response = _post(admin_client, event, data, publish=True)

    assert response.status_code == 302
    assert Session.objects.filter(page=event).count() == 2


def test_interpretation_outside_the_event_languages_is_an_error_on_the_session(admin_client, index):
    event = make_event(index)
    data = event_form_data(
        event,
        sessions=[
            session_form(day=event.start_date.isoformat(), interpretation_languages=["ru", "kk"])
        ],
    )

    response = _post(admin_client, event, data)

    assert _session_errors(response)["interpretation_languages"] == [
        "Interpretation can only be into the event's working languages; "
        "Қазақ тілі is not one of them."
    ]


def test_event_interpretation_outside_its_languages_is_an_error_on_the_field(admin_client, index):
    event = make_event(index)
    data = event_form_data(event, languages=["en"], interpretation_languages=["en", "ru"])

    response = _post(admin_client, event, data)

    assert response.context["form"].errors["interpretation_languages"] == [
        "Interpretation can only be into the event's working languages; Русский is not one of them."
    ]


def test_errors_are_translated_for_a_russian_organiser(admin_client, index, admin_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()
    event = make_event(index)
    data = event_form_data(
        event,
        sessions=[
            session_form(day=event.start_date.isoformat(), start_time="11:00", end_time="10:00")
        ],
    )

    response = _post(admin_client, event, data)

    assert _session_errors(response)["end_time"] == ["Сессия должна заканчиваться после начала."]
