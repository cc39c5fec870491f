"""The focal point's delegation page: what they see and do through their link
(``registration/nominations/views_focal.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from registration.messaging.services.sending import messages_send_due
from registration.nominations.links import delegation_url
from registration.nominations.models import DelegationDocument, Nomination, NominationStatus
from registration.nominations.services.nominating import document_upload, nomination_create
from tests.registration.nominations.focal_helpers import delegation_create, nominee
from tests.registration.nominations.test_focal_nominating import PDF, PNG
from tests.test_every_language import ALLOWED, page_words

pytestmark = pytest.mark.django_db


def _open_delegation(**fields):
    """A delegation whose deadline is a week after the moment the test runs."""
    return delegation_create(deadline=timezone.now() + dt.timedelta(days=7), **fields)


def _url(delegation, language: str | None = None) -> str:
    url = delegation_url(delegation, absolute=False)
    return url if language is None else f"/{language}/" + url.split("/", 2)[2]


def _form(n: int = 1, **extra) -> dict:
    return {"action": "nominate", **nominee(n, **extra)}


@pytest.mark.parametrize(
    ("language", "heading", "places", "status"),
    [
        ("en", "Your nominees", "left: 3", "Nominated"),
        ("ru", "Ваши кандидаты", "осталось: 3", "Выдвинут(а)"),
        ("uk", "Ваші кандидати", "залишилося: 3", "Висунуто"),
        ("kk", "Сіздің кандидаттарыңыз", "қалды: 3", "Ұсынылды"),
    ],
)
def test_delegation_page_in_the_focal_points_language(language, heading, places, status):
    # Arrange
    delegation = _open_delegation(focal_language=language)
    nomination_create(delegation=delegation, data=nominee(1))

    # Act
    response = Client().get(_url(delegation))

    # Assert
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in text
    assert heading in text
    assert places in text
    assert f'<span class="status status-nominated">{status}</span>' in text
    assert "Aizada Toktogulova" in text
    assert "Kyrgyz Republic" in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_delegation_page_shows_only_its_own_nominees():
    # Arrange: two delegations of one event, each with a nominee
    kyrgyz = _open_delegation()
    tajik = delegation_create(
        kyrgyz.event,
        country="TJ",
        name="Republic of Tajikistan",
        focal_email="f@tj.example",
        deadline=kyrgyz.deadline,
    )
    nomination_create(delegation=kyrgyz, data=nominee(1))
    nomination_create(
        delegation=tajik, data=nominee(2, given_name="Zarina", family_name="Rahmonova")
    )

    # Act
    text = Client().get(_url(kyrgyz, "en")).content.decode()

    # Assert
    assert "Aizada Toktogulova" in text
    assert "Zarina" not in text
    assert "Rahmonova" not in text
    assert "Tajikistan" not in text


def test_delegation_page_shows_each_status_in_words_with_the_organisers_message():
    # Arrange
    delegation = _open_delegation(quota=6)
    people = [nomination_create(delegation=delegation, data=nominee(n)) for n in range(1, 5)]
    Nomination.objects.filter(pk=people[1].pk).update(status=NominationStatus.APPROVED)
    Nomination.objects.filter(pk=people[2].pk).update(
        status=NominationStatus.REPLACEMENT_ASKED, message="Please nominate a senior officer."
    )
    Nomination.objects.filter(pk=people[3].pk).update(status=NominationStatus.DECLINED)

    # Act
    text = Client().get(_url(delegation, "en")).content.decode()

    # Assert
    for status in ("Nominated", "Approved", "Replacement requested", "Declined"):
        assert f">{status}</span>" in text
    assert "Please nominate a senior officer." in text


def test_delegation_page_nominates_a_person():
    # Arrange
    delegation = _open_delegation()
    client = Client()

    # Act
    response = client.post(_url(delegation, "ru"), _form(1, role="expert"))

    # Assert
    assert response.status_code == 302
    nomination = Nomination.objects.get(delegation=delegation)
    assert (nomination.email, nomination.role) == ("Aizada.1@Mvd.example.kg", "expert")
    page = client.get(response["Location"]).content.decode()
    assert "Заявка сохранена" in page
    assert "Aizada Toktogulova" in page


def test_delegation_page_duplicate_email_error_in_russian():
    kyrgyz = _open_delegation()
    tajik = delegation_create(
        kyrgyz.event, country="TJ", name="Republic of Tajikistan", deadline=kyrgyz.deadline
    )
    nomination_create(delegation=kyrgyz, data=nominee(1))

    response = Client().post(_url(tajik, "ru"), _form(1))

    text = response.content.decode()
    assert response.status_code == 400
    assert "уже выдвинут" in text
    assert "Kyrgyz" not in text
    assert Nomination.objects.filter(delegation=tajik).count() == 0


def test_delegation_page_refuses_a_role_not_offered():
    delegation = _open_delegation()

    response = Client().post(_url(delegation, "en"), _form(1, role="organiser"))

    assert response.status_code == 400
    assert "Choose one of the roles offered." in response.content.decode()
    assert not Nomination.objects.exists()


def test_delegation_page_when_full_says_so_instead_of_the_form():
    delegation = _open_delegation(quota=1)
    nomination_create(delegation=delegation, data=nominee(1))

    text = Client().get(_url(delegation, "en")).content.decode()

    assert "All your delegation's places are taken." in text
    assert 'name="given_name"' not in text


def test_delegation_page_after_the_deadline_replaces_the_form_by_a_sentence():
    # Arrange: the deadline passed yesterday
    delegation = delegation_create(deadline=timezone.now() - dt.timedelta(days=1))

    # Act
    text = Client().get(_url(delegation, "kk")).content.decode()
    posted = Client().post(_url(delegation, "en"), _form(1))

    # Assert
    assert 'name="given_name"' not in text
    assert "Кандидаттарды ұсыну мерзімі өтті" in text
    assert posted.status_code == 400
    assert "The deadline for nominations has passed." in posted.content.decode()
    assert not Nomination.objects.exists()


def test_delegation_page_reopened_shows_until_when_and_the_form():
    delegation = delegation_create(
        deadline=timezone.now() - dt.timedelta(days=1),
        reopened_until=timezone.now() + dt.timedelta(days=2),
    )

    text = Client().get(_url(delegation, "en")).content.decode()

    assert "The organisers have reopened nominations for your delegation until" in text
    assert 'name="given_name"' in text


def test_delegation_page_shows_places_per_role():
    delegation = _open_delegation(role_quotas={"speaker": 2, "observer": 2})
    nomination_create(delegation=delegation, data=nominee(1, role="speaker"))

    text = Client().get(_url(delegation, "en")).content.decode()

    assert "<caption" in text
    assert "Places per role" in text
    assert '<th scope="row">Speaker</th><td>2</td><td>1</td><td>1</td>' in text


def test_delegation_page_replace_passes_the_place_and_emails_the_replaced_person():
    # Arrange
    delegation = _open_delegation(quota=1, focal_language="uk")
    old = nomination_create(delegation=delegation, data=nominee(1))
    client = Client()
    replace_url = _url(delegation, "uk") + f"nominees/{old.pk}/replace/"

    # Act
    form_page = client.get(replace_url)
    response = client.post(replace_url, nominee(2, given_name="Gulnara"))
    messages_send_due()

    # Assert
    assert form_page.status_code == 200
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == "replaced"
    assert Nomination.objects.get(replaces=old).given_name == "Gulnara"
    assert [m.to for m in mail.outbox] == [["Aizada.1@Mvd.example.kg"]]
    assert "замість вас" in mail.outbox[0].body


def test_delegation_page_withdraw_frees_the_place():
    delegation = _open_delegation(quota=1)
    nomination = nomination_create(delegation=delegation, data=nominee(1))

    response = Client().post(_url(delegation, "en") + f"nominees/{nomination.pk}/withdraw/")

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"
    text = Client().get(_url(delegation, "en")).content.decode()
    assert ">Withdrawn</span>" in text
    assert "left: 1" in text


def test_delegation_page_cannot_touch_another_delegations_nominee():
    kyrgyz = _open_delegation()
    tajik = delegation_create(
        kyrgyz.event, country="TJ", name="Republic of Tajikistan", deadline=kyrgyz.deadline
    )
    theirs = nomination_create(delegation=tajik, data=nominee(2))

    withdraw = Client().post(_url(kyrgyz, "en") + f"nominees/{theirs.pk}/withdraw/")
    replace = Client().get(_url(kyrgyz, "en") + f"nominees/{theirs.pk}/replace/")

    assert (withdraw.status_code, replace.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.status == "nominated"


def test_delegation_page_uploads_a_pdf_and_downloads_it():
    # Arrange
    delegation = _open_delegation()
    client = Client()
    upload = SimpleUploadedFile("Note verbale.pdf", PDF, "application/pdf")

    # Act
    response = client.post(
        _url(delegation, "en"), {"action": "upload", "kind": "note_verbale", "file": upload}
    )
    page = client.get(_url(delegation, "en")).content.decode()
    document = DelegationDocument.objects.get(delegation=delegation)
    download = client.get(_url(delegation, "en") + f"documents/{document.pk}/")

    # Assert
    assert response.status_code == 302
    assert "Note verbale.pdf" in page
    assert "PDF only, at most 5.0\xa0MB." in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]


def test_delegation_page_refuses_a_png_named_pdf():
    delegation = _open_delegation()
    upload = SimpleUploadedFile("letter.pdf", PNG, "application/pdf")

    response = Client().post(
        _url(delegation, "ru"), {"action": "upload", "kind": "nomination_letter", "file": upload}
    )

    assert response.status_code == 400
    assert "Можно загрузить только файлы PDF" in response.content.decode()
    assert not DelegationDocument.objects.exists()


def test_document_download_only_with_its_delegations_key():
    kyrgyz = _open_delegation()
    tajik = delegation_create(kyrgyz.event, country="TJ", name="Republic of Tajikistan")
    document = document_upload(
        delegation=tajik,
        file=SimpleUploadedFile("tj.pdf", PDF, "application/pdf"),
        kind="nomination_letter",
    )

    response = Client().get(_url(kyrgyz, "en") + f"documents/{document.pk}/")
    delete = Client().post(_url(kyrgyz, "en") + f"documents/{document.pk}/delete/")

    assert (response.status_code, delete.status_code) == (404, 404)
    assert DelegationDocument.objects.filter(pk=document.pk).exists()


def test_document_delete_removes_the_row_and_the_file(django_capture_on_commit_callbacks):
    delegation = _open_delegation()
    document = document_upload(
        delegation=delegation,
        file=SimpleUploadedFile("kg.pdf", PDF, "application/pdf"),
        kind="nomination_letter",
    )
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(_url(delegation, "en") + f"documents/{document.pk}/delete/")

    assert response.status_code == 302
    assert not DelegationDocument.objects.exists()
    assert not storage.exists(name)


def test_delegation_page_posts_are_rate_limited(settings):
    settings.RATELIMIT_REGISTER = "2/m"
    delegation = _open_delegation(quota=10)
    client = Client()

    codes = [client.post(_url(delegation, "en"), _form(n)).status_code for n in range(1, 4)]

    assert codes == [302, 302, 429]
    assert Nomination.objects.count() == 2


def test_replace_page_of_a_withdrawn_nominee_goes_back_with_a_sentence():
    delegation = _open_delegation()
    nomination = nomination_create(delegation=delegation, data=nominee(1))
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.WITHDRAWN)
    client = Client()

    response = client.get(_url(delegation, "en") + f"nominees/{nomination.pk}/replace/")

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This person can no longer be replaced" in page


@pytest.mark.parametrize("language", ["ru", "uk", "kk"])
def test_delegation_page_has_no_english_left(language):
    # Arrange: every section filled (role quotas, a nominee, a document, a reopened deadline)
    delegation = delegation_create(
        deadline=timezone.now() - dt.timedelta(days=1),
        reopened_until=timezone.now() + dt.timedelta(days=2),
        role_quotas={"speaker": 2},
        focal_language=language,
    )
    nomination_create(delegation=delegation, data=nominee(1))
    document_upload(
        delegation=delegation,
        file=SimpleUploadedFile("kg.pdf", PDF, "application/pdf"),
        kind="note_verbale",
    )
    names = {"Kyrgyz", "Republic", "Bakyt", "Focal", "Aizada", "Toktogulova", "Inspector"}
    names |= {"Ministry", "of", "Internal", "Affairs", "Regional", "Conference", "on", "Women"}
    names |= {"in", "Law", "Enforcement", "Astana", "Hotel", "Rixos", "President", "kg", "pdf"}

    # Act
    html = Client().get(_url(delegation)).content.decode()

    # Assert
    assert page_words(html, language, ALLOWED | names) == []
