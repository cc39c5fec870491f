"""Badge PDFs: the QR code read back by a real decoder, fonts embedded, text in the
participant's language; the participant's own badge link; badge batches."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse

from registration.checkin.badges import badge_data, badge_pdf_for, badge_texts, badges_pdf
from registration.checkin.models import BadgeBatch, BadgeBatchStatus
from registration.checkin.services import badge_batch_build, badge_batch_create
from registration.links import sign_key
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import aigerim, event_today, staff_create
from tests.registration.checkin.test_badges_scripts import pdffonts

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return event_today(title="Regional Conference on Women in Law Enforcement")


def pages_of(pdf: bytes) -> list:
    document = pypdfium2.PdfDocument(pdf)
    return [document[i] for i in range(len(document))]


def qr_texts(page) -> list[str]:
    image = page.render(scale=2).to_pil()
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


def text_of(page) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def test_badge_pdf_qr_holds_only_the_token(event):
    registration = aigerim(event)

    pdf = badge_pdf_for(registration)

    [page] = pages_of(pdf)
    assert qr_texts(page) == [registration.badge_token]
    width, height = page.get_size()
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (105, 148)


def test_badge_pdf_prints_name_organisation_country_role_event(event):
    registration = aigerim(event, role="speaker", badge_name="Dr Aigerim Sadykova")

    [page] = pages_of(badge_pdf_for(registration))

    text = text_of(page)
    for expected in (
        "Dr Aigerim Sadykova",
        "Ministry of Internal Affairs",
        "Kazakhstan",
        "SPEAKER",
        "Regional Conference on Women in Law Enforcement",
        str(event.start_date.year),
    ):
        assert expected in text
    assert registration.email not in text


def test_badge_pdf_in_participant_language_with_cyrillic_and_embedded_fonts(event, tmp_path):
    registration = aigerim(
        event,
        given_name="Айгерим",
        family_name="Садыкова",
        organisation="Министерство внутренних дел",
        language="ru",
    )

    pdf = badge_pdf_for(registration)

    text = text_of(pages_of(pdf)[0])
    assert "Айгерим Садыкова" in text
    assert "Министерство внутренних дел" in text
    assert "Казахстан" in text  # the country's name in the participant's language
    assert "УЧАСТНИК" in text  # the role, written on the colour band
    fonts = pdffonts(pdf, tmp_path)
    assert [f for f in fonts if f["emb"] != "yes"] == []  # embedded, not referenced
    assert {f["name"].split("+")[-1] for f in fonts} == {"Noto-Sans", "Noto-Sans-Bold"}


def test_badge_pdf_a4_sheet_holds_four_badges(event):
    people = RegistrationFactory.create_batch(5, event=event)
    texts = badge_texts(event)
    out = io.BytesIO()

    count = badges_pdf([badge_data(p, event=event, texts=texts) for p in people], out, layout="a4")

    pages = pages_of(out.getvalue())
    assert count == 5
    assert len(pages) == 2
    assert qr_texts(pages[0]) == sorted(p.badge_token for p in people[:4])
    assert qr_texts(pages[1]) == [people[4].badge_token]
    width, height = pages[0].get_size()
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)


def test_badge_pdf_long_names_stay_on_the_badge_and_qr_still_reads(event):
    registration = aigerim(
        event,
        given_name="Maria-Alexandra Konstantinopolskaya-Vasilievna",
        family_name="Dobrovolskaya-Zakharchenko-Ivanova",
        organisation="Department for International Police Cooperation and Capacity Building "
        "of the Ministry of Internal Affairs of the Republic of Kazakhstan (Astana office)",
    )

    [page] = pages_of(badge_pdf_for(registration))

    assert qr_texts(page) == [registration.badge_token]


def test_participant_badge_link_serves_pdf_for_confirmed(client, event):
    registration = aigerim(event)
    url = reverse("checkin:badge_pdf", kwargs={"key": sign_key(registration)})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert qr_texts(pages_of(response.content)[0]) == [registration.badge_token]
    a4 = client.get(url + "?layout=a4")
    assert round(pages_of(a4.content)[0].get_size()[0] * 25.4 / 72) == 210


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "awaiting_email", "declined"])
def test_participant_badge_link_not_served_unless_confirmed(client, event, status):
    registration = aigerim(event, status=status)
    url = reverse("checkin:badge_pdf", kwargs={"key": sign_key(registration)})

    assert client.get(url).status_code == 404


def test_participant_badge_link_with_forged_key_gives_no_pdf(client, event):
    registration = aigerim(event)
    key = sign_key(registration)

    for bad in (key[:-2], "forged", sign_key(registration, purpose="other")):
        response = client.get(reverse("checkin:badge_pdf", kwargs={"key": bad}))
        # The same "this link does not work" page as the personal page's, never a PDF.
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")


def test_badge_batch_build_makes_one_pdf_with_progress(event, settings, tmp_path):
    manager = staff_create(event, "registration_manager")
    speakers = RegistrationFactory.create_batch(3, event=event, role="speaker")
    RegistrationFactory.create_batch(2, event=event, role="participant")
    RegistrationFactory(event=event, role="speaker", status="cancelled")

    batch = badge_batch_create(event=event, by=manager, layout="a6", filters={"role": ["speaker"]})
    assert (batch.status, batch.total) == (BadgeBatchStatus.PENDING, 3)
    built = badge_batch_build(batch_id=batch.pk)

    assert (built.status, built.done, built.total, built.percent) == ("done", 3, 3, 100)
    with built.file.open("rb") as handle:
        pages = pages_of(handle.read())
    assert [qr_texts(p)[0] for p in pages] == [
        s.badge_token for s in sorted(speakers, key=lambda r: (r.family_name, r.given_name, r.pk))
    ]
    # A second run (a redelivered task) leaves the finished batch alone.
    assert badge_batch_build(batch_id=batch.pk).file.name == built.file.name
    assert BadgeBatch.objects.count() == 1


def test_self_service_page_offers_badge_once_confirmed(client, event):
    confirmed = aigerim(event)
    waiting = RegistrationFactory(event=event, status="waitlisted")

    key = sign_key(confirmed)

    page = client.get(reverse("registration:manage", kwargs={"key": key}))
    other = client.get(reverse("registration:manage", kwargs={"key": sign_key(waiting)}))

    badge_url = reverse("checkin:badge_pdf", kwargs={"key": key})
    assert page.status_code == 200
    assert badge_url in page.content.decode()
    assert "Download your badge (PDF, A6)" in page.content.decode()
    assert "Download your badge" not in other.content.decode()
