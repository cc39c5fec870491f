"""Visa requests, letters, their verification page and their staff screen (helper "nominee")."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
import zxingcpp
from django.test import Client
from django.utils import translation

from conference.l10n import format_date_range
from registration.links import sign_key
from registration.models import StaffRole
from registration.nominations.forms_nominee import VisaRequestForm
from registration.nominations.models import VisaLetter, VisaRequest
from registration.nominations.services.visa import (
    VisaError,
    visa_letter_issue,
    visa_letter_revoke,
)
from registration.nominations.tasks import visa_letter_issue_task
from registration.services.lifecycle import registration_anonymise
from registration.services.registrations import registration_approve
from registration.signals import personal_data_requested
from tests.factories import RegistrationFactory, StaffUserFactory
from tests.registration.nominations.nominee_helpers import letter_template, visa_request
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    # Lines wrap where the page ends them: compare words, not line breaks.
    return " ".join(" ".join(page.get_textpage().get_text_range() for page in document).split())


def pdf_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [
        r.text for page in document for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())
    ]


def _participant(event=None, **extra):
    event = event or event_create(translations=("ru",))
    return RegistrationFactory(event=event, visa_letter=True, **extra)


# --- the request ------------------------------------------------------------------------------


def _form_data(event, **extra) -> dict:
    data = {
        "name_in_passport": "TOKTOGULOVA AIZADA",
        "nationality": "KG",
        "passport_number": "ac 123 4567",
        "passport_expires": (event.end_date + dt.timedelta(days=365)).isoformat(),
        "date_of_birth": "1985-04-23",
    }
    data.update(extra)
    return data


def test_visa_request_form_accepts_a_valid_passport_and_normalises_the_number():
    event = event_create(translations=())
    form = VisaRequestForm(_form_data(event), event=event, today=event.start_date)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["passport_number"] == "AC1234567"


def test_visa_request_form_refuses_a_passport_expiring_with_the_event_and_a_future_birth():
    event = event_create(translations=())
    form = VisaRequestForm(
        _form_data(
            event,
            passport_expires=event.end_date.isoformat(),
            date_of_birth=event.start_date.isoformat(),
            nationality="",
        ),
        event=event,
        today=event.start_date - dt.timedelta(days=30),
    )
    assert not form.is_valid()
    assert form.errors["passport_expires"] == [
        "Your passport must be valid after the event's last day."
    ]
    assert form.errors["date_of_birth"] == ["Your date of birth must be in the past."]
    assert form.errors["nationality"] == ["Choose your nationality."]


def test_visa_request_errors_are_translated(client):
    registration = _participant()
    url = f"/ru/nominations/me/{sign_key(registration)}/visa/"
    response = client.post(url, _form_data(registration.event, date_of_birth="2999-01-01"))
    assert response.status_code == 400
    assert "Дата рождения должна быть в прошлом." in response.content.decode()
    assert not VisaRequest.objects.exists()


def test_participant_enters_the_request_on_their_page_and_the_worker_issues_the_letter(client):
    registration = _participant()
    letter_template(registration.event, "en")
    key = sign_key(registration)
    manage = client.get(f"/en/registration/manage/{key}/")
    assert "Enter your passport details" in manage.content.decode()

    response = client.post(
        f"/en/nominations/me/{key}/visa/", _form_data(registration.event), follow=False
    )

    assert response.status_code == 302
    assert VisaRequest.objects.get(registration=registration).passport_number == "AC1234567"
    # The worker's task (enqueued after the commit) issues it once, however often it runs.
    assert visa_letter_issue_task(registration.pk) == "issued"
    assert visa_letter_issue_task(registration.pk) == "issued already"
    assert VisaLetter.objects.filter(registration=registration).count() == 1
    page = client.get(f"/en/registration/manage/{key}/").content.decode()
    assert "Download your visa letter (PDF)" in page
    download = client.get(f"/en/nominations/me/{key}/visa-letter.pdf")
    assert download["Content-Type"] == "application/pdf"
    assert "TOKTOGULOVA AIZADA" in pdf_text(download.content)


# --- the letter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Kyrgyzstan", "Purpose: participation in the conference", "Anna Organiser"]),
        ("ru", ["Киргизия", "Цель: участие в конференции", "Анна Организатор"]),
    ],
)
def test_letter_pdf_carries_passport_details_dates_and_reference_in_its_language(
    client, language, expected
):
    registration = _participant(language=language)
    letter_template(registration.event, language)
    visa_request(registration)

    letter = visa_letter_issue(registration=registration)
    pdf = client.get(f"/{language}/nominations/me/{sign_key(registration)}/visa-letter.pdf")

    text = pdf_text(pdf.content)
    event = registration.event
    assert letter.reference == f"{event.pk}-{letter.issued_at.year}-0001"
    assert letter.reference in text
    assert "TOKTOGULOVA AIZADA" in text
    assert "AC1234567" in text
    for word in expected:
        assert word in text
    with translation.override(language):
        assert format_date_range(event.start_date, event.end_date) in text


def test_letter_language_falls_back_to_the_events_first_working_language():
    registration = _participant(language="uk")
    letter_template(registration.event, "ru")
    letter_template(registration.event, "en")
    visa_request(registration)
    assert visa_letter_issue(registration=registration).language == "en"


def test_reissuing_keeps_reference_and_token_and_a_second_letter_counts_on():
    event = event_create(translations=())
    letter_template(event, "en")
    first, second = _participant(event), _participant(event)
    visa_request(first)
    visa_request(second)
    letter = visa_letter_issue(registration=first)
    visa_letter_revoke(letter=letter)
    again = visa_letter_issue(registration=first)
    other = visa_letter_issue(registration=second)
    assert (again.reference, again.token, again.revoked_at) == (
        letter.reference,
        letter.token,
        None,
    )
    assert other.reference.endswith("-0002")


def test_no_letter_before_confirmation_without_request_or_template():
    registration = _participant(status="awaiting_approval")
    with pytest.raises(VisaError) as not_confirmed:
        visa_letter_issue(registration=registration)
    confirmed = _participant(registration.event)
    with pytest.raises(VisaError) as no_request:
        visa_letter_issue(registration=confirmed)
    visa_request(confirmed)
    with pytest.raises(VisaError) as no_template:
        visa_letter_issue(registration=confirmed)
    codes = (not_confirmed.value.code, no_request.value.code, no_template.value.code)
    assert codes == ("not_confirmed", "no_request", "no_template")


# --- verification ----------------------------------------------------------------------------


def test_the_qr_code_opens_the_verification_page_with_reference_name_and_dates_only(client):
    registration = _participant()
    letter_template(registration.event, "en")
    visa_request(registration)
    letter = visa_letter_issue(registration=registration)
    pdf = client.get(f"/en/nominations/me/{sign_key(registration)}/visa-letter.pdf").content

    codes = pdf_codes(pdf)

    assert len(codes) == 1
    assert codes[0].endswith(f"/en/nominations/visa/{letter.token}/")
    path = "/" + codes[0].split("/", 3)[3]
    page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert letter.reference in text
    assert "TOKTOGULOVA AIZADA" in text
    assert "AC1234567" not in text
    assert "1985" not in text


def test_a_revoked_letter_says_so_and_an_unknown_token_finds_nothing(client):
    registration = _participant()
    letter_template(registration.event, "en")
    visa_request(registration)
    letter = visa_letter_revoke(letter=visa_letter_issue(registration=registration))

    revoked = client.get(f"/en/nominations/visa/{letter.token}/")
    unknown = client.get("/en/nominations/visa/no-such-letter/")

    assert revoked.status_code == 410
    assert "was revoked" in revoked.content.decode()
    assert "TOKTOGULOVA" not in revoked.content.decode()
    assert unknown.status_code == 404
    assert "There is no such visa letter." in unknown.content.decode()
    # And the participant's download stops.
    download = client.get(f"/en/nominations/me/{sign_key(registration)}/visa-letter.pdf")
    assert download.status_code == 404


def test_the_verification_page_is_rate_limited(client, settings):
    settings.RATELIMIT_CERTIFICATE_VERIFY = "2/m"
    codes = [client.get("/en/nominations/visa/nothing/").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


# --- personal data ---------------------------------------------------------------------------


def test_anonymisation_deletes_the_visa_request_and_letter_and_export_lists_them():
    registration = _participant()
    letter_template(registration.event, "en")
    visa_request(registration)
    letter = visa_letter_issue(registration=registration)
    exported = {}
    for _receiver, part in personal_data_requested.send(sender=None, registration=registration):
        exported.update(part or {})
    assert exported["visa_request"]["passport_number"] == "AC1234567"
    assert exported["visa_letter"]["reference"] == letter.reference

    registration_anonymise(registration=registration)

    assert not VisaRequest.objects.exists()
    assert not VisaLetter.objects.exists()
    assert Client().get(f"/en/nominations/visa/{letter.token}/").status_code == 404


# --- the staff screen --------------------------------------------------------------------------


def test_registration_manager_lists_masked_passports_issues_and_downloads(client):
    registration = _participant()
    event = registration.event
    letter_template(event, "en")
    visa_request(registration)
    manager = StaffUserFactory(roles=[StaffRole.REGISTRATION_MANAGER], roles__event=event)
    client.force_login(manager)

    listing = client.get(f"/admin/nominations/{event.pk}/visa/")
    issued = client.post(f"/admin/nominations/{event.pk}/visa/{registration.pk}/issue/")
    pdf = client.get(f"/admin/nominations/{event.pk}/visa/{registration.pk}/letter.pdf")

    page = listing.content.decode()
    assert listing.status_code == 200
    assert "••••••567" in page
    assert "AC1234567" not in page
    assert issued.status_code == 302
    assert "AC1234567" in pdf_text(pdf.content)


def test_staff_of_another_event_are_refused(client):
    registration = _participant()
    letter_template(registration.event, "en")
    visa_request(registration)
    visa_letter_issue(registration=registration)
    other = event_create(title="Other", translations=())
    organiser = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=other)
    client.force_login(organiser)
    event_id, reg_id = registration.event.pk, registration.pk

    # Wagtail answers PermissionDenied with a redirect to the dashboard and an error message.
    for response in (
        client.get(f"/admin/nominations/{event_id}/visa/"),
        client.get(f"/admin/nominations/{event_id}/visa/{reg_id}/letter.pdf"),
        client.post(f"/admin/nominations/{event_id}/visa/{reg_id}/revoke/"),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert VisaLetter.objects.get().revoked_at is None


def test_letter_template_editor_refuses_an_unknown_placeholder(client):
    event = event_create(translations=())
    organiser = StaffUserFactory(roles=[StaffRole.ORGANISER], roles__event=event)
    client.force_login(organiser)
    url = f"/admin/nominations/{event.pk}/visa/templates/add/"
    data = {
        "language": "en",
        "body": "Dear {nam}",
        "purpose": "conference",
        "signatory_name": "Anna",
    }

    refused = client.post(url, data)
    saved = client.post(url, {**data, "body": "We invite {name} to {event}."})

    assert refused.status_code == 400
    assert "placeholder that is not offered" in refused.content.decode()
    assert saved.status_code == 302
    assert event.visa_letter_templates.get().body == "We invite {name} to {event}."


# --- issued after approval ---------------------------------------------------------------------

TASK = "registration.nominations.tasks.visa_letter_issue_task"


def _queued_tasks(callbacks) -> list[tuple]:
    """The worker tasks the commit would enqueue (``enqueue_after_commit``'s closures)."""
    found = []
    for callback in callbacks:
        cells = [cell.cell_contents for cell in callback.__closure__ or ()]
        if TASK in cells:
            found.append(next(cell for cell in cells if isinstance(cell, tuple)))
    return found


def test_approving_a_registration_with_a_visa_request_issues_the_letter_in_the_worker(
    django_capture_on_commit_callbacks,
):
    registration = _participant(status="awaiting_approval")
    letter_template(registration.event, "en")
    visa_request(registration)

    with django_capture_on_commit_callbacks() as callbacks:
        registration_approve(registration=registration)

    assert _queued_tasks(callbacks) == [(registration.pk,)]
    assert visa_letter_issue_task(registration.pk) == "issued"
    assert VisaLetter.objects.get(registration=registration).revoked_at is None
