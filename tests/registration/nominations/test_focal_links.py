"""The focal point's signed link: what a forged, expired, revoked or renewed link shows
(``registration/nominations/links.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from registration.nominations.links import (
    DelegationLinkError,
    delegation_from_key,
    delegation_key,
    delegation_url,
)
from registration.nominations.models import new_key
from tests.factories import EventPageFactory
from tests.registration.nominations.focal_helpers import delegation_create

pytestmark = pytest.mark.django_db


def _after_event(delegation, days: int) -> dt.datetime:
    day = delegation.event.end_date + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(12), tzinfo=delegation.event.tz)


def test_delegation_url_is_signed_in_the_focal_points_language_without_personal_data():
    delegation = delegation_create(focal_language="kk")

    url = delegation_url(delegation)

    assert "/kk/nominations/d/" in url
    for private in ("Kyrgyz", "focal", "Bakyt", delegation.access_key):
        assert private not in url
    key = url.rstrip("/").rsplit("/", 1)[1]
    assert delegation_from_key(key) == delegation


def test_delegation_from_key_expires_30_days_after_the_event():
    delegation = delegation_create()
    key = delegation_key(delegation)

    assert delegation_from_key(key, now=_after_event(delegation, 30)) == delegation
    with pytest.raises(DelegationLinkError) as expired:
        delegation_from_key(key, now=_after_event(delegation, 31))

    assert expired.value.code == "expired"


def test_delegation_from_key_of_a_participant_link_is_forged():
    delegation = delegation_create()
    other_purpose = signing.dumps(
        f"{delegation.access_key}:{delegation.event_id}", salt="registration.link.manage"
    )

    with pytest.raises(DelegationLinkError) as forged:
        delegation_from_key(other_purpose)

    assert forged.value.code == "forged"


def test_forged_link_page_says_so_with_400():
    delegation = delegation_create()
    key = delegation_key(delegation)
    tampered = key[:-3] + ("AAA" if not key.endswith("AAA") else "BBB")

    response = Client().get(f"/ru/nominations/d/{tampered}/")

    text = response.content.decode()
    assert response.status_code == 400
    assert "Эта ссылка не работает" in text
    assert "изменена" in text  # "incomplete or has been changed"
    assert "Kyrgyz" not in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_expired_link_page_names_the_event_contact_with_410():
    # An event that ended on 5 March 2020: beyond the link's life on any day tests run.
    event = EventPageFactory(
        today=dt.date(2020, 3, 3),
        starts_in_days=0,
        length_days=3,
        translations=("ru",),
        contact_email="astana@osce.example",
    )
    key = delegation_key(delegation_create(event))

    response = Client().get(f"/en/nominations/d/{key}/")

    text = response.content.decode()
    assert response.status_code == 410
    assert "A delegation's page closes 30 days after the event ends." in text
    assert "astana@osce.example" in text
    assert "Kyrgyz" not in text
    assert "Bakyt" not in text


@pytest.mark.parametrize("how", ["revoked", "renewed"])
def test_revoked_or_renewed_link_page_with_410(how):
    delegation = delegation_create()
    key = delegation_key(delegation)
    if how == "revoked":
        delegation.revoked_at = timezone.now()
    else:
        delegation.access_key = new_key()
    delegation.save()

    response = Client().get(f"/uk/nominations/d/{key}/")

    text = response.content.decode()
    assert response.status_code == 410
    assert "Це посилання не працює" in text
    assert "новішим" in text  # "replaced by a newer one"
    assert "Kyrgyz" not in text
    if how == "renewed":
        new = Client().get(delegation_url(delegation, absolute=False))
        assert new.status_code == 200
