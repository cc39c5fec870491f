"""The demo: staff per role, ~60 registrations in every status and script; idempotent."""

from __future__ import annotations

import re

import pytest

from cms import demo as cms_demo
from registration import demo
from registration.models import EventRole, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_every_status_script_and_role(capsys):
    cms_demo.load()
    demo.load()
    first = Registration.objects.count()
    roles = EventRole.objects.count()
    demo.load()
    out = capsys.readouterr().out
    assert Registration.objects.count() == first
    assert EventRole.objects.count() == roles
    assert 55 <= first <= 70
    assert set(Registration.objects.values_list("status", flat=True)) == set(
        RegistrationStatus.values
    )
    names = list(Registration.objects.values_list("family_name", flat=True))
    assert any(re.search("[А-Яа-яІіЇї]", n) for n in names)
    assert any(re.fullmatch(r"[A-Za-z’' -]+", n) for n in names)
    assert set(Registration.objects.values_list("language", flat=True)) == {"en", "ru", "uk", "kk"}
    assert Registration.objects.values("event").distinct().count() == 4
    for username in ("organiser", "registrations", "checkin", "reporter"):
        assert f"user: {username}" in out
    assert EventRole.objects.filter(user__username="checkin").count() == 4
    assert "sent-mail/" in out
