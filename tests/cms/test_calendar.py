"""The agenda ICS: two parsers agree, every session has what a calendar needs."""

from __future__ import annotations

import datetime as dt

import pytest

from cms.calendar import event_ics
from cms.models import Room, Session, SessionSpeaker, Speaker
from tests.cms.conftest import fill_agenda, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(index):
    event = make_event(index, time_zone="Europe/Kyiv", city="Kyiv", venue_name="Training centre")
    room = Room.objects.create(name="Training room 1", locale=event.locale)
    trainer = Speaker.objects.create(
        name="Marta Chumalo", title="Project expert", organisation="WIN", locale=event.locale
    )
    session = Session.objects.create(
        page=event,
        day=event.start_date,
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 0),
        title="Module 1: Mentoring techniques",
        kind="training",
        room=room,
        floor_language="uk",
        interpretation_languages=["en"],
    )
    SessionSpeaker.objects.create(session=session, speaker=trainer, role="trainer")
    return fill_agenda(event, days=2, sessions=2, speakers=1, papers=0)


def test_every_session_has_uid_times_with_tzid_location_and_description(event):
    import icalendar

    calendar = icalendar.Calendar.from_ical(event_ics(event))

    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 5
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Kyiv"]
    for vevent in vevents:
        assert str(vevent["UID"]).startswith("session-")
        assert str(vevent["UID"]).endswith("@127.0.0.1")
        assert vevent["DTSTART"].params["TZID"] == "Europe/Kyiv"
        assert vevent["DTEND"].params["TZID"] == "Europe/Kyiv"
        assert vevent.decoded("DTEND") > vevent.decoded("DTSTART")
        assert str(vevent["LOCATION"])
        assert str(vevent["DESCRIPTION"])
    module = next(v for v in vevents if str(v["SUMMARY"]).startswith("Module 1"))
    assert module.decoded("DTSTART").isoformat() == f"{event.start_date}T09:30:00+02:00" or (
        module.decoded("DTSTART").utcoffset() == dt.timedelta(hours=3)
    )
    assert str(module["LOCATION"]) == "Training room 1, Training centre, Kyiv"
    assert str(module["DESCRIPTION"]).splitlines()[:3] == [
        "Trainer: Marta Chumalo (Project expert, WIN)",
        "Floor language: Ukrainian",
        "Interpretation into: English",
    ]


def test_second_parser_vobject_reads_the_same_sessions(event):
    import icalendar
    import vobject

    body = event_ics(event)
    parsed = vobject.readOne(body.decode())
    theirs = {
        str(v.uid.value): (v.dtstart.value.replace(tzinfo=None), v.dtend.value.replace(tzinfo=None))
        for v in parsed.vevent_list
    }
    ours = {
        str(v["UID"]): (
            v.decoded("DTSTART").replace(tzinfo=None),
            v.decoded("DTEND").replace(tzinfo=None),
        )
        for v in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }

    assert theirs == ours  # wall-clock times (vobject's UTC offsets are unreliable here)
    assert body.count(b"DTSTART;TZID=Europe/Kyiv:") == len(parsed.vevent_list) == 5
    for vevent in parsed.vevent_list:
        assert vevent.dtstart.value.tzinfo is not None  # vobject resolved the TZID
        assert vevent.dtend.value.tzinfo is not None
        assert vevent.location.value
        assert vevent.description.value


def test_uids_are_stable_between_downloads(event, client):
    first = client.get(f"{event.url}agenda.ics").content
    second = client.get(f"{event.url}agenda.ics").content

    assert first == second
    assert first.count(b"BEGIN:VEVENT") == 5
