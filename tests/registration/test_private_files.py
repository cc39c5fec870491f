"""Private files stay private: participants-only papers, badge PDFs and report exports.

They live in private storage (outside ``MEDIA_ROOT``, no URL) and reach only the participant
with a valid signed link or staff with a role on that event; downloads of badges and exports
are written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone, translation

from conference.jobs import job_run
from registration.checkin.services import badge_batch_create
from registration.links import sign_key
from registration.models import EventLogEntry
from registration.reports.services.reports import report_export_request
from tests.cms.conftest import make_document
from tests.factories import RegistrationFactory, event_create, paper_create
from tests.registration.checkin.checkin_factories import aigerim, home, staff_create

pytestmark = pytest.mark.django_db

SECRET = b"%PDF-1.4 participants only: list of focal points"


def _event_with_papers(**fields):
    event = event_create(parent=home(), **fields)
    public = paper_create(
        event,
        {
            "en": make_document("Concept EN", b"%PDF-1.4 concept", "concept-en.pdf"),
            "ru": make_document("Concept RU", b"%PDF-1.4 kontseptsiya", "concept-ru.pdf"),
        },
        sort_order=0,
        title="Concept note",
    )
    private = paper_create(
        event,
        {
            "en": make_document("Focal EN", SECRET, "focal-points-en.pdf"),
            "ru": make_document("Focal RU", SECRET + b" ru", "focal-points-ru.pdf"),
        },
        sort_order=1,
        title="Focal points",
        access="participants",
    )
    return event, public, private


@pytest.fixture
def papers():
    return _event_with_papers()


def _paper_url(registration, paper, language="en", *, key=None) -> str:
    key = key or sign_key(registration)
    return reverse(
        "registration:paper", kwargs={"key": key, "paper_id": paper.pk, "language": language}
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- papers at their public document URL ---------------------------------------------------


def test_participants_only_paper_document_url_is_404_for_anonymous(client, papers):
    _event, public, private = papers

    assert client.get(private.documents()["en"].url).status_code == 404
    assert client.get(private.documents()["ru"].url).status_code == 404
    assert _body(client.get(public.documents()["en"].url)) == b"%PDF-1.4 concept"


def test_participants_only_paper_document_url_is_404_for_staff_of_another_event(client, papers):
    _event, _public, private = papers
    other = event_create(parent=home(), title="Another event")
    client.force_login(staff_create(other, "organiser", "registration_manager"))

    assert client.get(private.documents()["en"].url).status_code == 404


def test_participants_only_paper_document_url_serves_staff_with_a_role(client, papers):
    event, _public, private = papers
    client.force_login(staff_create(event, "checkin"))

    response = client.get(private.documents()["en"].url)

    assert (response.status_code, _body(response)) == (200, SECRET)


def test_a_participant_link_does_not_open_the_document_url(client, papers):
    event, _public, private = papers
    registration = aigerim(event)

    response = client.get(private.documents()["en"].url + f"?key={sign_key(registration)}")

    assert response.status_code == 404


# --- papers through the participant's private view -----------------------------------------


def test_confirmed_participant_downloads_participants_only_paper(client, papers):
    event, _public, private = papers
    registration = aigerim(event)

    response = client.get(_paper_url(registration, private, "ru"))

    assert response.status_code == 200
    assert _body(response) == SECRET + b" ru"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("status", ["waitlisted", "awaiting_email", "cancelled"])
def test_unconfirmed_participant_gets_public_papers_only(client, papers, status):
    event, public, private = papers
    registration = aigerim(event, status=status)

    assert client.get(_paper_url(registration, private)).status_code == 404
    assert client.get(_paper_url(registration, public)).status_code == 200


def test_forged_or_other_purpose_link_gets_no_paper(client, papers):
    event, _public, private = papers
    registration = aigerim(event)
    key = sign_key(registration)

    for bad in (key[:-2] + "xx", "forged", sign_key(registration, purpose="survey")):
        assert client.get(_paper_url(registration, private, key=bad)).status_code == 404


def test_expired_link_gets_no_paper(client, settings):
    settings.LINK_VALID_DAYS_AFTER_EVENT = 30
    today = timezone.localdate()
    event, _public, private = _event_with_papers(
        start_date=today - dt.timedelta(days=62), end_date=today - dt.timedelta(days=61)
    )
    registration = aigerim(event)

    assert client.get(_paper_url(registration, private)).status_code == 404


def test_revoked_link_gets_no_paper(client, papers):
    event, _public, private = papers
    registration = aigerim(event)
    old_key = sign_key(registration)
    registration.access_key = "rotated-" + registration.access_key[8:]
    registration.save(update_fields=["access_key"])

    assert client.get(_paper_url(registration, private, key=old_key)).status_code == 404


def test_participant_of_another_event_gets_no_paper(client, papers):
    _event, _public, private = papers
    other_event, _p, _q = _event_with_papers(title="Another event")
    outsider = aigerim(other_event)

    assert client.get(_paper_url(outsider, private)).status_code == 404


def test_personal_page_lists_papers_in_the_reader_language_first(client, papers):
    event, _public, private = papers
    registration = aigerim(event, language="ru")

    key = sign_key(registration)  # timestamped: signed once, the page links with this one
    with translation.override("ru"):  # the link in a Russian e-mail opens the page in Russian
        html = client.get(reverse("registration:manage", kwargs={"key": key})).content.decode()
        own, english = (_paper_url(registration, private, code, key=key) for code in ("ru", "en"))

    assert "Focal points" in html
    assert "Concept note" in html
    assert html.index(own) < html.index(english)
    assert private.documents()["en"].url not in html  # never the public document URL
    assert client.get(own).status_code == 200


def test_waiting_participant_sees_title_without_link(client, papers):
    event, _public, private = papers
    registration = aigerim(event, status="waitlisted")

    key = sign_key(registration)
    with translation.override("en"):
        html = client.get(reverse("registration:manage", kwargs={"key": key})).content.decode()

    assert "Focal points" in html
    assert f"/papers/{private.pk}/" not in html
    assert "once your place is confirmed" in html


# --- badge PDFs and report exports ---------------------------------------------------------


def test_badge_pdf_only_for_staff_with_a_role_and_logged(client):
    event = event_create(parent=home())
    manager = staff_create(event, "registration_manager")
    RegistrationFactory.create_batch(2, event=event)
    batch = badge_batch_create(event=event, by=manager, layout="a6")
    job_run(job_id=batch.job_id)
    url = reverse("checkin_admin:badge_download", args=[batch.pk])
    other = event_create(parent=home(), title="Another event")

    anonymous = client.get(url)
    client.force_login(staff_create(other, "organiser", "registration_manager"))
    wrong_event = client.get(url)
    client.force_login(manager)
    allowed = client.get(url)

    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    assert wrong_event.status_code in (302, 403)
    assert not wrong_event.get("Content-Disposition")
    assert allowed.status_code == 200
    assert _body(allowed).startswith(b"%PDF")
    logged = EventLogEntry.objects.filter(action="registration.badges_downloaded")
    assert [(e.user_id, e.event_id, e.data["batch"]) for e in logged] == [
        (manager.pk, event.pk, batch.pk)
    ]


def test_report_export_download_is_logged(client):
    event = event_create(parent=home())
    reporter = staff_create(event, "reporter")
    export = report_export_request(event=event, fmt="xlsx", language="en", user=reporter)
    job_run(job_id=export.job_id)
    client.force_login(reporter)

    response = client.get(reverse("reports_admin:export_download", args=[export.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert list(
        EventLogEntry.objects.filter(action="registration.report_downloaded").values_list(
            "user_id", "event_id"
        )
    ) == [(reporter.pk, event.pk)]


# --- nothing private under the public media folder -----------------------------------------


def test_no_private_file_under_media_root(papers):
    event, _public, _private = papers
    RegistrationFactory.create_batch(2, event=event)
    job_run(job_id=badge_batch_create(event=event, by=None).job_id)
    job_run(job_id=report_export_request(event=event, fmt="pdf", language="en").job_id)
    default_storage.save("original_images/logo.png", ContentFile(b"\x89PNG public"))

    media = Path(django_settings.MEDIA_ROOT)
    private = Path(django_settings.PRIVATE_MEDIA_ROOT)
    public_files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    private_files = sorted(str(p.relative_to(private)) for p in private.rglob("*") if p.is_file())

    assert public_files == ["original_images/logo.png"]
    assert len([name for name in private_files if name.startswith("documents/")]) == 4
    assert len([name for name in private_files if name.startswith("jobs/")]) == 2
    assert not private.is_relative_to(media)
    assert not media.is_relative_to(private)


def test_private_names_have_no_url():
    with pytest.raises(NotImplementedError):
        default_storage.url("documents/focal-points-en.pdf")
    with pytest.raises(NotImplementedError):
        storages["private"].url("jobs/abc.pdf")
    assert default_storage.url("images/logo.png") == "/media/images/logo.png"
