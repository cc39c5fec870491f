"""Certificates: the PDF in the person's language, its QR code, the public verification page,
issuing and re-issuing, the bulk batch in the worker, the participant's download and the
staff screen (``programmes.certificates``, ``services.certificates``, their views)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale

from cms.models import Organiser, ProgrammeOrganiser, ProgrammePage
from conference.models import JobStatus
from registration.checkin.models import CheckIn
from registration.models.registrations import StaffRole, normalise_email
from registration.programmes.certificates import certificate_pdf, verification_url
from registration.programmes.links import enrolment_key
from registration.programmes.models import Certificate, Cohort, Enrolment
from registration.programmes.permissions import programme_role_assign
from registration.programmes.services.certificates import (
    CertificateError,
    certificate_batch_build,
    certificate_batch_create,
    certificate_issue,
    certificate_revoke,
    certificates_issue_completed,
)
from tests.factories import (
    EventPageFactory,
    ProgrammePageFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

DAY1 = dt.date(2027, 3, 1)
#: Issued after the programme's last session (never today's date).
ISSUED = dt.datetime(2027, 4, 20, 10, 0, tzinfo=dt.UTC)
TITLES = {
    "ru": "Пилотная программа наставничества",
    "uk": "Пілотна програма наставництва",
    "kk": "Тәлімгерлік бағдарламасы",
}
NAMES = {
    "ru": ("Ольга", "Соколова"),
    "uk": ("Олена", "Коваль"),
    "kk": ("Әйгерім", "Қасымова"),
    "en": ("Maria", "Stone"),
}


# --- the world -------------------------------------------------------------------------------


def _logo(text: str):
    picture = PILImage.new("RGB", (240, 96), "#1f4e79")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = get_image_model()(title=f"Logo {text}", collection=Collection.get_first_root_node())
    image.file.save(f"logo-{text}.png", ImageFile(buffer, name="logo.png"), save=False)
    image.save()
    return image


def programme_create(**fields) -> ProgrammePage:
    """A programme (1–31 March 2027) with copies in ru, uk and kk, an organiser with a logo, a
    16-hour opening training over two days and a 4-hour final session (no agenda: presence on
    a day earns that day's share)."""
    programme = ProgrammePageFactory(
        title="Pilot mentoring programme",
        today=DAY1,
        starts_in_days=0,
        length_days=31,
        certificate_signatory="Head of the Programme Office",
        translations=("ru", "uk", "kk"),
        **fields,
    )
    for code, title in TITLES.items():
        copy = programme.get_translation(Locale.objects.get(language_code=code))
        copy.title = title
        copy.save_revision().publish()
    organiser = Organiser.objects.create(
        name="Programme Office", logo=_logo("po"), locale=Locale.get_default()
    )
    ProgrammeOrganiser.objects.create(page=programme, organiser=organiser, role="organiser")
    programme.opening = EventPageFactory(
        parent=programme,
        title="Opening training",
        start_date=DAY1,
        end_date=DAY1 + dt.timedelta(days=1),
        time_zone="Europe/Kyiv",
        credit_hours=Decimal("16"),
    )
    programme.final = EventPageFactory(
        parent=programme,
        title="Final session",
        start_date=DAY1 + dt.timedelta(days=29),
        end_date=DAY1 + dt.timedelta(days=29),
        time_zone="Europe/Kyiv",
        credit_hours=Decimal("4"),
    )
    return programme


def enrol(programme, n: int, *, language="uk", days=("d1", "d2", "final"), cohort=None):
    """An enrolment with a registration per event and check-ins on ``days``."""
    given, family = NAMES.get(language, NAMES["en"])
    email = f"person{n}@example.org"
    enrolment = Enrolment.objects.create(
        programme=programme,
        cohort=cohort,
        given_name=f"{given}{n}" if n > 1 else given,
        family_name=family,
        email=email,
        email_normalised=normalise_email(email),
        sex="female",
        organisation="Qzorg Patrol Police",
        region="Qzregion",
        language=language,
    )
    opening = RegistrationFactory(event=programme.opening, email=email, status="confirmed")
    final = RegistrationFactory(event=programme.final, email=email, status="confirmed")
    when = {
        "d1": (opening, DAY1),
        "d2": (opening, DAY1 + dt.timedelta(days=1)),
        "final": (final, programme.final.start_date),
    }
    for day in days:
        registration, date = when[day]
        CheckIn.objects.create(
            registration=registration,
            day=date,
            at=dt.datetime.combine(date, dt.time(7, 0), tzinfo=dt.UTC),
            nonce=f"{registration.pk}-{day}",
        )
    return enrolment


def pdf_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def pdf_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [
        r.text for page in document for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())
    ]


def staff_of(programme, role=StaffRole.ORGANISER):
    user = StaffUserFactory()
    programme_role_assign(user=user, programme=programme, role=role)
    return user


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- the PDF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "month"),
    [
        ("ru", "СЕРТИФИКАТ", "марта"),
        ("uk", "СЕРТИФІКАТ", "березня"),
        ("kk", "СЕРТИФИКАТ", "наурыз"),
    ],
)
def test_certificate_pdf_in_the_persons_language(language, heading, month):
    # Arrange
    programme = programme_create()
    cohort = Cohort.objects.create(
        programme=programme, code="kharkiv-1", name={"en": "Kharkiv", language: "Кохорта"}
    )
    enrolment = enrol(programme, 1, language=language, cohort=cohort)
    certificate = certificate_issue(enrolment=enrolment, now=ISSUED)

    # Act
    (text,) = pdf_text(certificate_pdf(certificate))

    # Assert
    text = _flat(text)
    given, family = NAMES[language]
    assert f"{given} {family}" in text
    assert TITLES[language] in text
    assert heading in text.upper()
    assert month in text  # the programme's dates in the language's own month names
    assert re.search(r"\b20\b", text)  # the hours
    assert "Кохорта" in text
    assert "Head of the Programme Office" in text
    assert "Programme Office" in text
    assert "Qzorg" not in text  # the organisation is not printed


def test_certificate_qr_code_opens_the_verification_page():
    # Arrange
    programme = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1, language="ru"), now=ISSUED)

    # Act
    codes = pdf_codes(certificate_pdf(certificate))

    # Assert
    assert codes == [verification_url(certificate.token, language="ru")]
    assert codes[0].endswith(f"/ru/programmes/certificates/{certificate.token}/")
    assert codes[0].startswith("http")


def test_certificate_issue_refused_when_not_completed():
    # Arrange: the opening training only (16 of 20 hours, no final session)
    programme = programme_create()
    enrolment = enrol(programme, 1, days=("d1", "d2"))

    # Act
    with pytest.raises(CertificateError) as refused:
        certificate_issue(enrolment=enrolment, now=ISSUED)

    # Assert
    assert refused.value.code == "not_completed"
    assert Certificate.objects.count() == 0


def test_certificate_reissue_after_correction_keeps_the_token():
    # Arrange: 50 % is enough here; one day of the opening is missing at first (12 hours)
    programme = programme_create(completion_percent=50)
    enrolment = enrol(programme, 1, days=("d1", "final"))
    first = certificate_issue(enrolment=enrolment, now=ISSUED)
    registration = CheckIn.objects.filter(day=DAY1).get().registration
    CheckIn.objects.create(
        registration=registration,
        day=DAY1 + dt.timedelta(days=1),
        at=dt.datetime(2027, 3, 2, 7, tzinfo=dt.UTC),
        nonce="correction",
        source="roster",
    )
    later = ISSUED + dt.timedelta(days=3)

    # Act
    again = certificate_issue(enrolment=enrolment, now=later)
    unchanged = certificate_issue(enrolment=enrolment, now=later + dt.timedelta(days=1))

    # Assert
    assert first.hours == Decimal("12")
    assert (again.pk, again.token) == (first.pk, first.token)
    assert again.hours == Decimal("20")
    assert again.reissued_at == later
    assert unchanged.reissued_at == later  # nothing changed since: not re-issued
    assert Certificate.objects.count() == 1


def test_certificate_revoked_is_not_issued_again():
    programme = programme_create()
    enrolment = enrol(programme, 1)
    certificate = certificate_issue(enrolment=enrolment, now=ISSUED)
    certificate_revoke(certificate=certificate, reason="Issued by mistake", by=None)

    with pytest.raises(CertificateError) as refused:
        certificate_issue(enrolment=enrolment, now=ISSUED)

    assert refused.value.code == "revoked"


def test_certificate_revoke_needs_a_reason():
    programme = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1), now=ISSUED)

    with pytest.raises(CertificateError) as refused:
        certificate_revoke(certificate=certificate, reason="  ", by=None)

    assert refused.value.code == "reason_missing"
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# --- the verification page ---------------------------------------------------------------------


def test_verification_page_shows_only_name_course_hours_date_and_issuer(client):
    # Arrange
    programme = programme_create()
    cohort = Cohort.objects.create(programme=programme, code="qzcohort", name={"en": "Qzcohort"})
    enrolment = enrol(programme, 1, language="uk", cohort=cohort)
    certificate = certificate_issue(enrolment=enrolment, now=ISSUED)

    # Act
    response = client.get(f"/ru/programmes/certificates/{certificate.token}/")

    # Assert
    assert response.status_code == 200
    text = _flat(response.content.decode())
    assert "Олена Коваль" in text
    assert TITLES["ru"] in text
    assert "20" in text
    assert "20 апреля 2027" in text
    assert "Programme Office" in text
    for private in ("person1@example.org", "Qzorg", "Qzregion", "qzcohort", "Qzcohort"):
        assert private.lower() not in text.lower()
    assert '<meta name="robots" content="noindex, nofollow">' in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verification_page_of_a_revoked_certificate_says_so_and_nothing_else(client):
    programme = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1), now=ISSUED)
    certificate_revoke(certificate=certificate, reason="Qzreason", by=None)

    response = client.get(f"/en/programmes/certificates/{certificate.token}/")

    assert response.status_code == 410
    text = response.content.decode()
    assert "This certificate was revoked. It is no longer valid." in text
    for hidden in ("Олена", "Коваль", "Qzreason", "Pilot mentoring", "20"):
        assert hidden not in text


@pytest.mark.parametrize("token", ["x" * 32, "not a token", "A" * 200])
def test_verification_page_of_a_forged_token_says_there_is_none(client, token):
    programme = programme_create()
    certificate_issue(enrolment=enrol(programme, 1), now=ISSUED)

    response = client.get(reverse("programmes:certificate_verify", kwargs={"token": token}))

    assert response.status_code == 404
    text = response.content.decode()
    assert "There is no such certificate." in text
    assert "Коваль" not in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verification_page_is_rate_limited(client, settings):
    settings.RATELIMIT_CERTIFICATE_VERIFY = "3/m"
    url = reverse("programmes:certificate_verify", kwargs={"token": "y" * 32})

    statuses = [client.get(url).status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]


# --- bulk issue in the worker ---------------------------------------------------------------


def test_batch_issues_everyone_completed_once_with_progress():
    # Arrange: two completed (ru and kk), one who missed the final session
    programme = programme_create()
    done_ru = enrol(programme, 1, language="ru")
    done_kk = enrol(programme, 2, language="kk")
    enrol(programme, 3, days=("d1", "d2"))
    batch = certificate_batch_create(programme=programme, by=None)

    # Act
    batch = certificate_batch_build(batch_id=batch.pk)
    tokens = dict(Certificate.objects.values_list("enrolment_id", "token"))
    second = certificate_batch_build(
        batch_id=certificate_batch_create(programme=programme, by=None).pk
    )

    # Assert
    assert batch.job.status == JobStatus.DONE
    assert (batch.job.progress, batch.job.total, batch.percent) == (2, 2, 100)
    with batch.job.file.open("rb") as handle:
        pdf = handle.read()
    pages = [_flat(text) for text in pdf_text(pdf)]
    assert len(pages) == 2
    assert any("Ольга Соколова" in p and TITLES["ru"] in p for p in pages)
    assert any("Әйгерім2 Қасымова" in p and TITLES["kk"] in p for p in pages)
    assert sorted(pdf_codes(pdf)) == sorted(
        [
            verification_url(tokens[done_ru.pk], language="ru"),
            verification_url(tokens[done_kk.pk], language="kk"),
        ]
    )
    assert set(tokens) == {done_ru.pk, done_kk.pk}
    assert second.job.status == JobStatus.DONE
    assert dict(Certificate.objects.values_list("enrolment_id", "token")) == tokens
    assert Certificate.objects.filter(reissued_at__isnull=False).count() == 0


def _issue_queries(programme) -> int:
    with CaptureQueriesContext(connection) as queries:
        certificates_issue_completed(programme=programme, now=ISSUED)
    return len(queries)


def test_bulk_issue_queries_do_not_grow_with_the_programme():
    small = programme_create()
    for n in range(2):
        enrol(small, n + 1)
    large = programme_create()
    for n in range(7):
        enrol(large, n + 1)

    small_count, large_count = _issue_queries(small), _issue_queries(large)

    assert small_count == large_count
    assert Certificate.objects.filter(enrolment__programme=large).count() == 7


def test_bulk_issue_twice_issues_nothing_twice():
    programme = programme_create()
    enrol(programme, 1)
    enrol(programme, 2)

    first = certificates_issue_completed(programme=programme, now=ISSUED)
    second = certificates_issue_completed(programme=programme, now=ISSUED + dt.timedelta(days=1))

    assert (first.created, first.reissued) == (2, 0)
    assert (second.created, second.reissued) == (0, 0)
    assert [c.token for c in second.certificates] == [c.token for c in first.certificates]


# --- the participant ---------------------------------------------------------------------------


def test_participant_downloads_their_certificate_through_their_key(client):
    programme = programme_create()
    enrolment = enrol(programme, 1, language="uk")
    certificate_issue(enrolment=enrolment, now=ISSUED)
    url = reverse("programmes:certificate_download", kwargs={"key": enrolment_key(enrolment)})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (text,) = pdf_text(response.content)
    assert "Олена Коваль" in _flat(text)


def test_participant_without_a_certificate_is_told_why(client):
    programme = programme_create()
    enrolment = enrol(programme, 1, days=("d1",))
    url = reverse("programmes:certificate_download", kwargs={"key": enrolment_key(enrolment)})

    response = client.get(url)

    assert response.status_code == 404
    assert "There is no certificate for you yet" in response.content.decode()


def test_participant_with_a_tampered_key_gets_no_certificate(client):
    programme = programme_create()
    enrolment = enrol(programme, 1)
    certificate_issue(enrolment=enrolment, now=ISSUED)
    key = enrolment_key(enrolment)[:-2] + "xx"

    response = client.get(reverse("programmes:certificate_download", kwargs={"key": key}))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def _personal_page(client, enrolment, language="en") -> str:
    """The participant's programme page (helper "enrol"), which includes the certificate box."""
    with translation.override(language):
        url = reverse("programmes:personal", kwargs={"key": enrolment_key(enrolment)})
    response = client.get(url)
    assert response.status_code == 200
    return _flat(response.content.decode())


def test_personal_page_says_what_is_missing_for_the_certificate(client):
    programme = programme_create()
    enrolment = enrol(programme, 1, days=("d1",))  # 8 of 20 hours, no final session

    page = _personal_page(client, enrolment)

    assert "you have attended 8 of the 16 needed; 8 more to go." in page
    assert "The final session must be attended: Final session." in page
    assert "certificate.pdf" not in page


def test_personal_page_links_the_issued_certificate(client):
    programme = programme_create()
    enrolment = enrol(programme, 1)
    certificate_issue(enrolment=enrolment, now=ISSUED)

    page = _personal_page(client, enrolment, "ru")

    assert "Ваш сертификат выдан 20 апреля 2027." in page
    # The page signs its own key (a timestamp inside): follow the link it shows.
    link = re.search(r'href="(/ru/programmes/me/[^"/]+/certificate\.pdf)"', page).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_personal_page_of_a_completed_person_waits_for_the_organisers(client):
    programme = programme_create()
    enrolment = enrol(programme, 1, language="kk")

    page = _personal_page(client, enrolment, "kk")

    assert "Сіз бағдарламаны аяқтадыңыз." in page
    assert "certificate.pdf" not in page


# --- the staff screen ------------------------------------------------------------------------


def test_staff_screen_lists_completed_and_issues_all_with_a_progress_bar(client):
    # Arrange
    programme = programme_create()
    done = enrol(programme, 1)
    enrol(programme, 2, days=("d1",))
    client.force_login(staff_of(programme, StaffRole.REGISTRATION_MANAGER))
    url = reverse("programmes_certificates:index", args=[programme.pk])

    # Act
    page = client.get(url)
    posted = client.post(url)
    batch = programme.certificate_batches.get()
    queued = client.get(reverse("programmes_certificates:batch_progress", args=[batch.pk]))
    certificate_batch_build(batch_id=batch.pk)
    finished = client.get(reverse("programmes_certificates:batch_progress", args=[batch.pk]))
    download = client.get(finished.json()["download_url"])

    # Assert
    assert page.status_code == 200
    text = _flat(page.content.decode())
    assert "2 people enrolled: 1 completed, 0 with a certificate." in text
    assert posted.status_code == 302
    assert queued.json()["finished"] is False
    assert finished.json()["percent"] == 100
    assert finished.json()["finished"] is True
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    (only,) = pdf_text(pdf)
    assert f"{done.given_name} {done.family_name}" in _flat(only)


def test_staff_revokes_one_with_a_reason(client):
    programme = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1), now=ISSUED)
    client.force_login(staff_of(programme))

    response = client.post(
        reverse("programmes_certificates:revoke", args=[programme.pk, certificate.pk]),
        {"reason": "Attendance record was wrong"},
    )

    certificate.refresh_from_db()
    assert response.status_code == 302
    assert certificate.revoked_reason == "Attendance record was wrong"
    assert certificate.revoked_at is not None
    page = client.get(reverse("programmes_certificates:index", args=[programme.pk]))
    assert "Attendance record was wrong" in page.content.decode()


def test_staff_downloads_one_certificate(client):
    programme = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1, language="kk"), now=ISSUED)
    client.force_login(staff_of(programme))

    response = client.get(
        reverse("programmes_certificates:download", args=[programme.pk, certificate.pk])
    )

    assert response.status_code == 200
    (text,) = pdf_text(response.content)
    assert "Әйгерім Қасымова" in _flat(text)


def test_staff_of_another_programme_is_refused(client):
    # Arrange
    programme = programme_create()
    other = programme_create()
    certificate = certificate_issue(enrolment=enrol(programme, 1), now=ISSUED)
    batch = certificate_batch_create(programme=programme, by=None)
    certificate_batch_build(batch_id=batch.pk)
    client.force_login(staff_of(other))
    urls = [
        reverse("programmes_certificates:index", args=[programme.pk]),
        reverse("programmes_certificates:download", args=[programme.pk, certificate.pk]),
        reverse("programmes_certificates:batch_progress", args=[batch.pk]),
        reverse("programmes_certificates:batch_download", args=[batch.pk]),
    ]

    # Act
    answers = [client.get(url) for url in urls]
    revoke = client.post(
        reverse("programmes_certificates:revoke", args=[programme.pk, certificate.pk]),
        {"reason": "not mine"},
    )
    # Their own programme's id with this certificate: not found there.
    crossed = client.get(
        reverse("programmes_certificates:download", args=[other.pk, certificate.pk])
    )

    # Assert: Wagtail turns the guard's 403 into a redirect to the dashboard with "Sorry,
    # you do not have permission".
    home = reverse("wagtailadmin_home")
    assert [(a.status_code, a.get("Location")) for a in answers] == [(302, home)] * 4
    assert (revoke.status_code, revoke["Location"]) == (302, home)
    assert crossed.status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_checkin_staff_of_the_programme_is_refused(client):
    programme = programme_create()
    client.force_login(staff_of(programme, StaffRole.CHECKIN))

    response = client.get(reverse("programmes_certificates:index", args=[programme.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
