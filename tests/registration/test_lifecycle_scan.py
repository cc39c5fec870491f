"""After anonymisation no string of the person is left anywhere: every table, every file.

The participant's every field holds a unique marker; the markers are also copied where our
code copies personal data (e-mails, notes, audit log, task records, generated files). Then
every table of the database (raw rows, and every model's values as Python sees them, which
unpickles django-q2's task records and decodes JSON) and every file under the media and
private roots are searched for the markers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from wagtail.log_actions import log

from registration.messaging.models import MessageStatus
from registration.models import StatusChange
from registration.services.lifecycle import registration_anonymise
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    MessageFactory,
    RegistrationFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

MARKERS = {
    "given_name": "Zqvgiven",
    "family_name": "Zqvfamily",
    "badge_name": "Zqvbadge",
    "email": "zqvmail.person@example.org",
    "phone": "+77015550199",
    "organisation": "Zqvorganisation",
    "position": "Zqvposition",
    "access_needs_other": "Zqvaccess",
    "dietary_needs": "Zqvdiet",
    "invitation_code": "Zqvinvite",
}
EXTRA = ["Zqvnote", "Zqvbody", "Zqvhtml", "Zqvics", "Zqvwire", "Zqverror", "Zqvanswer"]


def _needles() -> list[str]:
    return [value.lower().lstrip("+") for value in [*MARKERS.values(), *EXTRA]]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "ignore")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _found_in_tables() -> list[tuple[str, str]]:
    """(table, marker) for every marker in any raw row of any table."""
    needles = _needles()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                haystack = " ".join(_text(value) for value in row).lower()
                found += [(table, n) for n in needles if n in haystack]
    return found


def _found_in_models() -> list[tuple[str, str]]:
    """(model, marker) for every marker in any model's values as the ORM returns them (JSON
    decoded, django-q2's pickled arguments and results unpickled)."""
    needles = _needles()
    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names):
            haystack = " ".join(
                _text(value) if not isinstance(value, str) else value for value in row
            )
            haystack = (haystack + " " + repr(row)).lower()
            found += [(model._meta.label, n) for n in needles if n in haystack]
    return found


def _file_roots() -> list[Path]:
    roots = {Path(settings.MEDIA_ROOT)}
    if getattr(settings, "PRIVATE_MEDIA_ROOT", None):
        roots.add(Path(settings.PRIVATE_MEDIA_ROOT))
    from django.core.files.storage import storages

    for alias in settings.STORAGES:
        location = getattr(storages[alias], "location", None)
        if location:
            roots.add(Path(location))
    return [root for root in roots if root.exists()]


def _found_in_files() -> list[tuple[str, str]]:
    needles = _needles()
    found = []
    for root in _file_roots():
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                content = (name + " ").encode() + path.read_bytes()
                found += [(str(path), n) for n in needles if n.encode() in content.lower()]
    return found


def _generated_file(event, text: str, name: str) -> None:
    """A generated PDF that names the person (a badge sheet), in whichever shape the badge
    batch has: its own file, or a job that holds it."""
    from registration.checkin.models import BadgeBatch

    content = ContentFile(text.encode())
    fields = {f.name for f in BadgeBatch._meta.concrete_fields}
    if "job" in fields:
        from conference.models import Job

        job = Job.objects.create(kind="badge_batch", status="done")
        job.file.save(name, content)
        BadgeBatch.objects.create(event=event, job=job)
    else:
        batch = BadgeBatch.objects.create(event=event, status="done")
        batch.file.save(name, content)


@pytest.fixture
def _roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.mark.usefixtures("_roots")
def test_anonymise_leaves_no_marker_in_any_table_or_file():
    from django_q.models import Task

    event = EventPageFactory(past=True)
    person = RegistrationFactory(event=event, status="confirmed", dietary=["halal"], **MARKERS)
    StatusChange.objects.create(registration=person, to_status="confirmed", note="Zqvnote")
    MessageFactory(
        registration=person,
        kind="confirmed",
        subject="Your place is confirmed",
        body_text=f"Dear Zqvgiven Zqvfamily, Zqvbody {person.email}",
        body_html="<p>Zqvhtml</p>",
        ics="BEGIN:VCALENDAR\nATTENDEE:mailto:zqvmail.person@example.org\nZqvics",
        wire=b"To: zqvmail.person@example.org\r\n\r\nZqvwire",
        last_error="550 mailbox zqvmail.person@example.org Zqverror",
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
    )
    CheckInFactory(registration=person, day=event.days[0])
    survey = SurveyFactory(event=event, anonymous=False)
    SurveyResponseFactory(
        survey=survey, registration=person, answers=[3, 4, 1, [0], "Zqvanswer from Zqvgiven"]
    )
    log(person, "registration.viewed")
    log(event, "registration.exported", data={"search": "Zqvfamily", "by": "Zqvgiven Zqvfamily"})
    Task.objects.create(
        id="zqv-task-1",
        name="send-confirmed",
        func="registration.messaging.tasks.messages_tick",
        args=(person.pk,),
        kwargs={},
        result="SMTPRecipientsRefused: zqvmail.person@example.org",
        started=timezone.now(),
        stopped=timezone.now(),
        success=False,
    )
    _generated_file(event, "Badge: Zqvbadge Zqvgiven Zqvfamily Zqvorganisation", "badges.pdf")
    # The scan sees every marker before (the task record only as the ORM unpickles it).
    seen = {needle for _where, needle in _found_in_tables() + _found_in_models()}
    assert seen == set(_needles())
    assert _found_in_files()

    registration_anonymise(registration=person)

    assert _found_in_tables() == []
    assert _found_in_models() == []
    assert _found_in_files() == []
