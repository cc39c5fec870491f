"""Every link the site makes carries the address it is served at (``make demo PORT=8100``).

``SITE_URL`` is that address: the Makefile and ``conference.devserver`` set it from HOST and
PORT, and e-mails, invites, feeds and the printed demo logins are built from it. Calendar
``URL:`` lines use it too, never the Wagtail Site record's ``http://localhost``.
"""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from django.test import override_settings
from icalendar import Calendar

from cms import demo as cms_demo
from cms.calendar import event_ics, events_ics
from conference.devserver import site_url
from registration import demo as registration_demo
from registration.messaging.calendar import REQUEST, feed_ics, invite_ics
from registration.messaging.models import Message
from registration.messaging.templatetags.calendar_tags import calendar_links
from tests import factories
from tests.registration.messaging.messages_helpers import confirmed, event_with_agenda

ROOT = Path(__file__).resolve().parent.parent
SITE = "http://127.0.0.1:8100"
_MAKE_ENV = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SITE_URL", "HOST", "PORT"}


def _url_lines(ics: bytes) -> list[str]:
    """The ``URL`` property of every component, read back by icalendar."""
    return [str(c["url"]) for c in Calendar.from_ical(ics).walk() if "url" in c]


def test_make_demo_passes_the_port_into_site_url():
    dry_run = subprocess.run(
        ["make", "-n", "demo", "PORT=8100"],
        cwd=ROOT,
        # Not the settings of a `make test` this runs under, nor a SITE_URL of the shell.
        env={k: v for k, v in os.environ.items() if k not in _MAKE_ENV},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in dry_run.splitlines() if "load_demo" in line or "devserver" in line]
    assert len(commands) == 2, dry_run
    assert all(f"SITE_URL={SITE} " in line for line in commands), commands


def test_devserver_links_the_port_it_serves_on(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert site_url("127.0.0.1", "8100") == SITE
    assert site_url("0.0.0.0", "8100") == SITE
    monkeypatch.setenv("SITE_URL", "https://events.example.org/")
    assert site_url("127.0.0.1", "8100") == "https://events.example.org"


def test_settings_take_site_url_for_links_and_admin_hints():
    env = {**os.environ, "SITE_URL": SITE, "DEBUG": "1"}
    env.pop("TESTING", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'conference.settings'); django.setup(); from django.conf import settings; "
            "print(settings.SITE_URL, settings.WAGTAILADMIN_BASE_URL)",
        ],
        cwd=ROOT,
        env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [SITE, SITE]


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
def test_email_and_its_invite_link_to_port_8100():
    event = event_with_agenda()
    registration = confirmed(event)

    message = Message.objects.get(registration=registration, kind="confirmed")
    parsed = email.message_from_bytes(bytes(message.wire), policy=policy.default)
    texts, invites = [], []
    for part in parsed.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            texts.append(part.get_content())
        elif part.get_content_type() == "text/calendar":
            invites.append(part.get_payload(decode=True))

    links = [u for text in texts for u in re.findall(r"(?:https?|webcal)://[^\s\"'<>]+", text)]
    ours = [u for u in links if "example.org" not in u]
    assert any("/registration/manage/" in u for u in ours), links
    assert ours
    assert all(u.startswith(f"{SITE}/") for u in ours), ours
    assert invites, "the confirmation carries its invite"
    for ics in invites:
        urls = _url_lines(ics)
        assert urls
        assert urls == [f"{SITE}{event.url}"] * len(urls)


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
def test_calendars_url_lines_use_the_site_url_never_localhost():
    event = event_with_agenda()
    registration = factories.RegistrationFactory(event=event)
    made = {
        "agenda": event_ics(event),
        "feed of events": events_ics([event], name="Events"),
        "invite": invite_ics(registration=registration, uid="abc", sequence=1, method=REQUEST),
        "personal feed": feed_ics(registration=registration),
    }

    for name, ics in made.items():
        urls = _url_lines(ics)
        assert urls, name
        assert all(u == f"{SITE}{event.url}" for u in urls), (name, urls)
        raw_url_lines = [
            line for line in ics.decode().splitlines() if line.upper().startswith("URL")
        ]
        assert not any("localhost" in line for line in raw_url_lines), (name, raw_url_lines)
    links = calendar_links(registration)
    assert links["feed"].startswith(f"{SITE}/")
    assert links["webcal"].startswith("webcal://127.0.0.1:8100/")


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
def test_demo_prints_the_admin_address_with_the_port():
    lines: list[str] = []
    cms_demo.load(write=lines.append)
    registration_demo.load(write=lines.append)

    logins = [line for line in lines if "Staff logins" in line]
    assert logins == [f"  Staff logins ({SITE}/admin/), each with a role on every demo event:"], (
        lines
    )
    assert not any(":8000" in line for line in lines)
