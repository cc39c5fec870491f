"""The focal point's services: quotas, deadline and reopening, duplicates, replacement,
withdrawal and documents (``registration/nominations/services/nominating.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.nominations.models import DelegationDocument, Nomination, NominationStatus
from registration.nominations.services.nominating import (
    NominationError,
    document_upload,
    nomination_create,
    nomination_replace,
    nomination_withdraw,
)
from tests.factories import RegistrationFactory
from tests.registration.nominations.focal_helpers import (
    after_deadline,
    before_deadline,
    delegation_create,
    nominee,
)
from tests.registration.nominations.nominee_helpers import approved_nomination

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fill(delegation, count: int, *, now, **extra) -> list[Nomination]:
    return [
        nomination_create(delegation=delegation, data=nominee(n, **extra), now=now)
        for n in range(1, count + 1)
    ]


def test_nomination_create_keeps_only_the_focal_points_fields():
    # Arrange
    delegation = delegation_create()
    data = nominee(1, access_needs=["wheelchair"], status="approved", role="speaker")

    # Act
    now = before_deadline(delegation)
    nomination = nomination_create(delegation=delegation, data=data, now=now)

    # Assert
    nomination.refresh_from_db()
    assert (nomination.status, nomination.role, nomination.email_normalised) == (
        "nominated",
        "speaker",
        "aizada.1@mvd.example.kg",
    )
    assert nomination.event_id == delegation.event_id


def test_nomination_create_refuses_a_role_focal_points_do_not_give():
    delegation = delegation_create()

    with pytest.raises(NominationError) as refused:
        nomination_create(
            delegation=delegation,
            data=nominee(1, role="organiser"),
            now=before_deadline(delegation),
        )

    assert refused.value.code == "role"
    assert Nomination.objects.count() == 0


def test_nomination_create_refuses_above_the_quota_with_a_sentence():
    # Arrange
    delegation = delegation_create(quota=2)
    now = before_deadline(delegation)
    _fill(delegation, 2, now=now)

    # Act
    with pytest.raises(NominationError) as refused:
        nomination_create(delegation=delegation, data=nominee(3), now=now)

    # Assert
    assert refused.value.code == "quota"
    assert "All 2 places of your delegation are taken" in str(refused.value.message)
    assert Nomination.objects.filter(delegation=delegation).count() == 2


def test_nomination_create_refuses_above_the_role_quota():
    # Arrange: 4 places, of which 1 speaker
    delegation = delegation_create(quota=4, role_quotas={"speaker": 1, "observer": 2})
    now = before_deadline(delegation)
    nomination_create(delegation=delegation, data=nominee(1, role="speaker"), now=now)

    # Act
    with pytest.raises(NominationError) as refused:
        nomination_create(delegation=delegation, data=nominee(2, role="speaker"), now=now)

    # Assert: refused as a speaker, accepted as an observer
    assert refused.value.code == "role_quota"
    assert "“Speaker”" in str(refused.value.message)
    nomination_create(delegation=delegation, data=nominee(2, role="observer"), now=now)
    assert Nomination.objects.filter(delegation=delegation).count() == 2


def test_nomination_create_withdrawn_and_declined_free_their_place():
    # Arrange
    delegation = delegation_create(quota=2)
    now = before_deadline(delegation)
    first, second = _fill(delegation, 2, now=now)
    nomination_withdraw(nomination=first, now=now)
    Nomination.objects.filter(pk=second.pk).update(status=NominationStatus.DECLINED)

    # Act
    _fill_more = [
        nomination_create(delegation=delegation, data=nominee(n), now=now) for n in (3, 4)
    ]

    # Assert
    assert len(_fill_more) == 2


def test_nomination_create_refused_after_the_deadline():
    delegation = delegation_create()

    with pytest.raises(NominationError) as refused:
        nomination_create(delegation=delegation, data=nominee(1), now=after_deadline(delegation))

    assert refused.value.code == "closed"
    assert "deadline for nominations has passed" in str(refused.value.message)


def test_nomination_create_after_the_deadline_while_reopened():
    # Arrange: reopened for three days after the deadline
    delegation = delegation_create()
    delegation.reopened_until = delegation.deadline + dt.timedelta(days=3)
    delegation.save()

    # Act
    nomination = nomination_create(
        delegation=delegation, data=nominee(1), now=delegation.deadline + dt.timedelta(days=2)
    )

    # Assert: accepted while reopened, refused once the reopening ends
    assert nomination.status == "nominated"
    with pytest.raises(NominationError) as refused:
        nomination_create(
            delegation=delegation,
            data=nominee(2),
            now=delegation.reopened_until + dt.timedelta(minutes=1),
        )
    assert refused.value.code == "closed"


def test_nomination_create_refused_when_the_link_is_revoked():
    delegation = delegation_create(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    with pytest.raises(NominationError) as refused:
        nomination_create(delegation=delegation, data=nominee(1), now=before_deadline(delegation))

    assert refused.value.code == "revoked"


def test_nomination_create_same_email_twice_in_one_delegation():
    delegation = delegation_create()
    now = before_deadline(delegation)
    nomination_create(delegation=delegation, data=nominee(1), now=now)

    with pytest.raises(NominationError) as refused:
        nomination_create(
            delegation=delegation,
            data=nominee(2, email="  AIZADA.1@mvd.example.KG "),
            now=now,
        )

    assert refused.value.code == "duplicate"
    assert "already on your delegation's list" in str(refused.value.message)


def test_nomination_create_same_email_in_another_delegation_does_not_name_it():
    # Arrange
    kyrgyz = delegation_create()
    tajik = delegation_create(
        kyrgyz.event, country="TJ", name="Republic of Tajikistan", focal_email="f@tj.example"
    )
    now = before_deadline(kyrgyz)
    nomination_create(delegation=kyrgyz, data=nominee(1), now=now)

    # Act
    with pytest.raises(NominationError) as refused:
        nomination_create(delegation=tajik, data=nominee(1), now=now)

    # Assert
    message = str(refused.value.message)
    assert refused.value.code == "duplicate_elsewhere"
    assert "already nominated for this event" in message
    assert "Kyrgyz" not in message
    assert Nomination.objects.filter(delegation=tajik).count() == 0


def test_nomination_create_same_email_for_another_event_is_fine():
    kyrgyz = delegation_create()
    other = delegation_create()
    nomination_create(delegation=kyrgyz, data=nominee(1), now=before_deadline(kyrgyz))

    nomination = nomination_create(delegation=other, data=nominee(1), now=before_deadline(other))

    assert nomination.delegation == other


def test_nomination_replace_passes_the_place_and_tells_the_replaced_person():
    # Arrange: a full delegation of 2, focal point writes in Kazakh
    delegation = delegation_create(quota=2, focal_language="kk")
    now = before_deadline(delegation)
    first, _second = _fill(delegation, 2, now=now)
    mail.outbox.clear()

    # Act
    new = nomination_replace(
        nomination=first, data=nominee(7, given_name="Nurgul", sex="female"), now=now
    )
    messages_send_due()

    # Assert: the place passes on
    first.refresh_from_db()
    assert first.status == "replaced"
    assert (new.status, new.replaces_id) == ("nominated", first.pk)
    assert Nomination.objects.filter(delegation=delegation, status="nominated").count() == 2
    # The replaced person is told, in the focal point's language (Kazakh)
    assert [m.to for m in mail.outbox] == [["Aizada.1@Mvd.example.kg"]]
    body = mail.outbox[0].body
    assert "Aizada Toktogulova" in body
    assert "орныңызға" in body  # "in your place" (kk)
    assert "Nurgul" not in body  # the new nominee's name is not the replaced person's business


def test_replacing_a_registered_nominee_cancels_their_registration_and_frees_the_place():
    # Arrange: an approved nominee who registered and holds a confirmed place
    nomination = approved_nomination()
    delegation = nomination.delegation
    registration = RegistrationFactory(
        event=delegation.event, email=nomination.email, status="confirmed", language="ru"
    )
    Nomination.objects.filter(pk=nomination.pk).update(registration=registration)
    nomination.refresh_from_db()
    earlier = list(Message.objects.values_list("pk", flat=True))  # the nominee's invitation
    mail.outbox.clear()

    # Act
    nomination_replace(
        nomination=nomination,
        data=nominee(7, given_name="Nurgul"),
        now=before_deadline(delegation),
    )
    messages_send_due()

    # Assert: the place is no longer theirs, and they hear both things in their language
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    change = registration.status_changes.order_by("-at", "-pk").first()
    assert change.note == "replaced by the delegation's focal point"
    kinds = sorted(Message.objects.exclude(pk__in=earlier).values_list("kind", flat=True))
    assert kinds == ["cancelled", "nomination_replaced"]
    sent = Message.objects.exclude(pk__in=earlier).filter(status="sent")
    assert set(sent.values_list("to_email", "language")) == {(nomination.email, "ru")}


def test_nomination_replace_refused_after_the_deadline_unless_asked():
    # Arrange
    delegation = delegation_create()
    now = before_deadline(delegation)
    plain, asked = _fill(delegation, 2, now=now)
    Nomination.objects.filter(pk=asked.pk).update(
        status=NominationStatus.REPLACEMENT_ASKED, message="Please nominate a woman officer."
    )
    asked.refresh_from_db()
    late = after_deadline(delegation)

    # Act / Assert: a plain replacement is late; one the organisers asked for is awaited
    with pytest.raises(NominationError) as refused:
        nomination_replace(nomination=plain, data=nominee(5), now=late)
    assert refused.value.code == "closed"
    new = nomination_replace(nomination=asked, data=nominee(6), now=late)
    assert new.replaces_id == asked.pk


def test_nomination_replace_with_a_duplicate_changes_nothing():
    delegation = delegation_create()
    now = before_deadline(delegation)
    first, _second = _fill(delegation, 2, now=now)

    with pytest.raises(NominationError) as refused:
        nomination_replace(nomination=first, data=nominee(2), now=now)

    assert refused.value.code == "duplicate"
    first.refresh_from_db()
    assert first.status == "nominated"
    assert not mail.outbox


def test_nomination_withdraw_only_before_approval():
    delegation = delegation_create()
    now = before_deadline(delegation)
    first, second = _fill(delegation, 2, now=now)
    Nomination.objects.filter(pk=second.pk).update(status=NominationStatus.APPROVED)

    withdrawn = nomination_withdraw(nomination=first, now=now)
    with pytest.raises(NominationError) as refused:
        nomination_withdraw(nomination=second, now=now)

    assert withdrawn.status == "withdrawn"
    assert refused.value.code == "status"


def _stored_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_document_upload_keeps_a_pdf_under_a_random_name(settings):
    delegation = delegation_create()
    upload = SimpleUploadedFile("Note Verbale Toktogulova.pdf", PDF, "application/pdf")

    document = document_upload(delegation=delegation, file=upload, kind="note_verbale")

    assert (document.filename, document.size, document.kind) == (
        "Note Verbale Toktogulova.pdf",
        len(PDF),
        "note_verbale",
    )
    assert "Toktogulova" not in document.file.name
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    assert len(_stored_files(settings)) == 1


def test_document_upload_refuses_a_png_named_pdf_and_stores_nothing(settings):
    delegation = delegation_create()
    upload = SimpleUploadedFile("letter.pdf", PNG, "application/pdf")

    with pytest.raises(NominationError) as refused:
        document_upload(delegation=delegation, file=upload, kind="nomination_letter")

    assert refused.value.code == "not_pdf"
    assert "Only PDF files" in str(refused.value.message)
    assert DelegationDocument.objects.count() == 0
    assert _stored_files(settings) == []


def test_document_upload_refuses_a_file_over_the_limit(settings):
    settings.NOMINATION_DOCUMENT_MAX_BYTES = 1024
    delegation = delegation_create()
    upload = SimpleUploadedFile("letter.pdf", PDF + b"0" * 1024, "application/pdf")

    with pytest.raises(NominationError) as refused:
        document_upload(delegation=delegation, file=upload, kind="nomination_letter")

    assert refused.value.code == "too_large"
    assert "1.0\xa0KB" in str(refused.value.message)
    assert DelegationDocument.objects.count() == 0
    assert _stored_files(settings) == []
