"""A large event's export runs in a real django-q2 worker, with progress, and downloads."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conference import test_settings
from registration.permissions import event_role_assign
from registration.reports.models import ReportExport
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey
from tests.worker import running_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_large_event_docx_is_made_by_the_worker(client, settings):
    from docx import Document

    settings.REPORT_INLINE_EXPORT_MAX = 2  # the hand-counted event has 7 registrations
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT  # where the worker process writes
    settings.PRIVATE_MEDIA_ROOT = test_settings.PRIVATE_MEDIA_ROOT
    event, people = hand_counted_event()
    hand_counted_survey(event, people)
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    event_role_assign(user=user, event=event, role="reporter")
    client.force_login(user)

    response = client.post(
        reverse("reports_admin:export", args=[event.pk]), {"format": "docx", "language": "ru"}
    )
    export = ReportExport.objects.get()
    assert response["Location"] == reverse("reports_admin:export_status", args=[export.pk])
    with running_cluster():
        wait_until(lambda: ReportExport.objects.filter(pk=export.pk, job__status="done").exists())

    status = client.get(reverse("reports_admin:export_json", args=[export.pk])).json()
    assert (status["status"], status["progress"]) == ("done", 100)
    download = client.get(status["download_url"])
    doc = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert doc.paragraphs[0].text == "Отчёт: Training of Mentors"
    assert download["Content-Disposition"].startswith("attachment;")
