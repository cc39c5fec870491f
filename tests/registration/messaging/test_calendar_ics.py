"""The participant's invite and feed: iTIP structure read back by icalendar and vobject."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from registration.links import sign_key
from registration.messaging.calendar import CANCEL, REQUEST, invite_ics
from tests import factories
from tests.registration.messaging.messages_helpers import event_with_agenda

pytestmark = pytest.mark.django_db


def _invite(registration, **kwargs) -> Calendar:
    return Calendar.from_ical(
        invite_ics(
            registration=registration, uid="abc", sequence=kwargs.pop("sequence", 3), **kwargs
        )
    )


def test_invite_request_has_every_itip_property():
    event = event_with_agenda()
    registration = factories.RegistrationFactory(
        event=event, given_name="Aida", family_name="Nurlanovna", interpretation_language="ru"
    )

    calendar = _invite(registration, method=REQUEST)

    assert str(calendar["method"]) == "REQUEST"
    [vevent] = [c for c in calendar.walk("VEVENT") if "recurrence-id" not in c]
    assert str(vevent["uid"]) == "abc@127.0.0.1"
    assert int(vevent["sequence"]) == 3
    assert "dtstamp" in vevent
    assert str(vevent["organizer"]) == "mailto:events@example.org"
    attendee = vevent["attendee"]
    assert str(attendee) == f"mailto:{registration.email}"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["CN"] == "Aida Nurlanovna"
    assert vevent["dtstart"].params["TZID"] == "Asia/Almaty"
    assert vevent.decoded("dtstart") == dt.datetime.combine(
        event.start_date, dt.time(9, 0), tzinfo=event.tz
    )
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"]
    assert str(vevent["location"]) == "Hotel Rixos President, Kabanbay Batyr 21, Astana, Kazakhstan"
    assert str(vevent["url"]).endswith(f"/{event.slug}/")
    description = str(vevent["description"])
    assert "09:00–10:30 Opening plenary" in description
    assert "Your interpretation language: Russian" in description
    assert "/registration/manage/" in description
    assert vevent["rrule"]["COUNT"] == [2]


def test_invite_day_with_other_times_is_an_override_of_the_same_uid():
    event = event_with_agenda()
    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    registration = factories.RegistrationFactory(event=event)

    calendar = _invite(registration, method=REQUEST)

    overrides = [c for c in calendar.walk("VEVENT") if "recurrence-id" in c]
    assert [str(c["uid"]) for c in calendar.walk("VEVENT")] == ["abc@127.0.0.1"] * 2
    assert len(overrides) == 1
    assert overrides[0].decoded("recurrence-id") == dt.datetime.combine(
        event.end_date, dt.time(9, 0), tzinfo=event.tz
    )
    assert overrides[0].decoded("dtstart") == dt.datetime.combine(
        event.end_date, dt.time(10, 0), tzinfo=event.tz
    )


def test_invite_cancel_keeps_uid_and_says_cancelled():
    event = event_with_agenda()
    registration = factories.RegistrationFactory(event=event)

    calendar = _invite(registration, method=CANCEL, sequence=4, partstat="DECLINED")

    assert str(calendar["method"]) == "CANCEL"
    [vevent] = calendar.walk("VEVENT")
    assert (str(vevent["uid"]), int(vevent["sequence"]), str(vevent["status"])) == (
        "abc@127.0.0.1",
        4,
        "CANCELLED",
    )


def test_invite_parses_with_vobject_with_wall_clock_times():
    import vobject

    event = event_with_agenda()
    event.sessions.filter(title="Working groups").update(start_time=dt.time(10, 0))
    registration = factories.RegistrationFactory(event=event, language="ru")
    data = invite_ics(registration=registration, uid="abc", sequence=1).decode()

    parsed = vobject.readOne(data)

    assert parsed.method.value == "REQUEST"
    # Moments, not "DD HH:MM" strings: strings sort wrong across a month or year end.
    starts = sorted(v.dtstart.value for v in parsed.vevent_list)
    assert starts == [
        dt.datetime.combine(event.start_date, dt.time(9, 0), tzinfo=event.tz),
        dt.datetime.combine(event.end_date, dt.time(10, 0), tzinfo=event.tz),
    ]
    assert {v.uid.value for v in parsed.vevent_list} == {"abc@127.0.0.1"}
    assert parsed.vtimezone.tzid.value == "Asia/Almaty"


def test_feed_lists_every_session_for_a_signed_key(client):
    event = event_with_agenda()
    registration = factories.RegistrationFactory(event=event, interpretation_language="en")

    response = client.get(
        f"/en/registration/calendar/{sign_key(registration, purpose='calendar')}.ics"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(v["summary"]) for v in calendar.walk("VEVENT"))
    assert summaries == ["Opening plenary", "Working groups"]
    assert all(
        "Interpretation into: English, Russian" in str(v["description"])
        for v in calendar.walk("VEVENT")
    )
    assert all(
        "Your interpretation language: English" in str(v["description"])
        for v in calendar.walk("VEVENT")
    )
    assert registration.email not in response.content.decode()


def test_feed_of_a_cancelled_registration_is_empty(client):
    event = event_with_agenda()
    registration = factories.RegistrationFactory(event=event, status="cancelled")

    response = client.get(
        f"/en/registration/calendar/{sign_key(registration, purpose='calendar')}.ics"
    )

    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_feed_refuses_a_key_signed_for_another_purpose(client):
    event = event_with_agenda()
    registration = factories.RegistrationFactory(event=event)

    response = client.get(f"/en/registration/calendar/{sign_key(registration)}.ics")

    assert response.status_code == 404
