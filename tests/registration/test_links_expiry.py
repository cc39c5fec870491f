"""Signed links stop working ``LINK_VALID_DAYS_AFTER_EVENT`` days after the event ends."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import signing
from django.urls import reverse

from registration.links import LinkError, manage_url, registration_from_key, sign_key
from tests import factories

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def _past_event(**fields):
    """An event that ended on 5 March 2020: beyond any link's life on any day tests run."""
    return factories.EventPageFactory(
        today=dt.date(2020, 3, 3), starts_in_days=0, length_days=3, translations=("ru",), **fields
    )


def test_link_valid_until_the_last_allowed_day_in_the_event_time_zone(settings):
    settings.LINK_VALID_DAYS_AFTER_EVENT = 90
    registration = factories.RegistrationFactory(event=_past_event())
    key = sign_key(registration)
    last_day = dt.datetime(2020, 6, 3, 23, 30, tzinfo=ALMATY)  # 5 March + 90 days

    found = registration_from_key(key, now=last_day)

    assert found == registration
    with pytest.raises(LinkError) as caught:
        registration_from_key(key, now=last_day + dt.timedelta(hours=1))
    assert (caught.value.code, caught.value.event_id) == ("expired", registration.event_id)


def test_link_limit_follows_the_setting(settings):
    registration = factories.RegistrationFactory(event=_past_event())
    key = sign_key(registration, purpose="survey")
    ten_days_after = dt.datetime(2020, 3, 15, 12, tzinfo=ALMATY)
    settings.LINK_VALID_DAYS_AFTER_EVENT = 9

    with pytest.raises(LinkError):
        registration_from_key(key, purpose="survey", now=ten_days_after)
    settings.LINK_VALID_DAYS_AFTER_EVENT = 10
    assert registration_from_key(key, purpose="survey", now=ten_days_after) == registration


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "stop working 90 days after the event ends"),
        ("ru", "перестают работать через 90 дней после окончания мероприятия"),
    ],
)
def test_personal_page_of_event_ended_beyond_limit_is_410_and_says_why(client, lang, text):
    event = _past_event(contact_name="Dana Organiser", contact_email="dana@example.org")
    registration = factories.RegistrationFactory(event=event)
    key = sign_key(registration)

    responses = [
        client.get(f"/{lang}/registration/manage/{key}/"),
        client.get(f"/{lang}/registration/manage/{key}/cancel/"),
        client.get(f"/{lang}/registration/survey/{sign_key(registration, purpose='survey')}/"),
    ]

    for response in responses:
        assert response.status_code == 410
        assert text in response.content.decode()
        assert "mailto:dana@example.org" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_calendar_feed_of_event_ended_beyond_limit_is_gone(client):
    registration = factories.RegistrationFactory(event=_past_event())

    feed = client.get(f"/en/registration/calendar/{sign_key(registration, purpose='calendar')}.ics")
    invite = client.get(f"/en/registration/manage/{sign_key(registration)}/calendar.ics")

    assert (feed.status_code, invite.status_code) == (410, 410)
    assert b"BEGIN:VCALENDAR" not in feed.content


def test_link_of_upcoming_event_works(client):
    registration = factories.RegistrationFactory(event=factories.EventPageFactory())

    response = client.get(manage_url(registration, absolute=False))

    assert response.status_code == 200


def test_link_signed_before_event_id_was_added_still_works():
    registration = factories.RegistrationFactory(event=factories.EventPageFactory())
    old_key = signing.dumps(registration.access_key, salt="registration.link.manage")

    assert registration_from_key(old_key) == registration


def test_tampered_link_is_400_and_points_at_lost_link_only_in_general(client):
    registration = factories.RegistrationFactory(event=factories.EventPageFactory())
    key = sign_key(registration)

    response = client.get(reverse("registration:manage", kwargs={"key": key[:-2] + "xx"}))

    assert response.status_code == 400
    assert "Lost your link?" in response.content.decode()


def test_badge_link_of_event_ended_beyond_limit_is_410_and_says_why(client):
    event = _past_event(contact_name="Dana Organiser", contact_email="dana@example.org")
    registration = factories.RegistrationFactory(event=event)

    response = client.get(f"/en/registration/manage/{sign_key(registration)}/badge.pdf")

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "stop working 90 days after the event ends" in response.content.decode()
