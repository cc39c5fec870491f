"""Badges, badge batches and sign-in sheets follow the event's badge language setting: each
participant's language, the main working language for everyone, or both stacked; the event's
title and city come from its page in that language; a long title wraps whole; every font is
embedded. The title ("Mx") prints in its short form on the badge, the e-mail and the personal
page. Read back with poppler's pdftotext and pdffonts, as a printer or a reader would."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from conference.l10n import country_name
from registration.checkin.badges import badge_batch_pdf, badge_pdf_for
from registration.checkin.logistics import signin_sheet_pdf
from registration.checkin.services import badge_batch_build, badge_batch_create
from registration.links import sign_key
from registration.messaging.services.outbox import message_queue
from registration.messaging.services.sending import message_send
from registration.models import Registration
from tests.factories import EventPageFactory, RegistrationFactory, StaffUserFactory
from tests.registration.checkin.test_badges_scripts import pdffonts

pytestmark = pytest.mark.django_db

TITLE = {
    "en": "Regional Conference on Women in Law Enforcement",
    "ru": "Региональная конференция о женщинах в правоохранительных органах",
}
#: 249 characters of Kazakh, long words included: about the longest title a page holds (255).
LONG_KK_TITLE = (
    "Орталық Азиядағы құқық қорғау органдарындағы әйелдердің кәсіби дамуы, тәлімгерлік "
    "бағдарламалары және гендерлік тұрғыдан сезімтал полиция қызметі жөніндегі өңірлік "
    "халықаралық ғылыми-практикалық конференция: тәжірибе алмасу, ынтымақтастық және оқыту"
)
LONG_RU_TITLE = (
    "Региональная международная научно-практическая конференция о профессиональном развитии "
    "женщин в правоохранительных органах Центральной Азии, программах наставничества и "
    "гендерно-чувствительной работе полиции: обмен опытом, сотрудничество и обучение"
)
assert (len(LONG_KK_TITLE), len(LONG_RU_TITLE)) == (249, 248)


def pdftotext(pdf: bytes, tmp_path, *, layout: bool = False) -> list[str]:
    """The text of each page."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def words(text: str) -> str:
    return " ".join(text.split())


def assert_fonts_embedded(pdf: bytes, tmp_path) -> None:
    fonts = pdffonts(pdf, tmp_path)
    assert fonts
    assert [f for f in fonts if f["emb"] != "yes"] == []
    assert not [
        f
        for f in fonts
        if f["type"] == "Type 1" or any(b in f["name"] for b in ("Helvetica", "Times", "Courier"))
    ]


def translate(event, language: str, **fields) -> None:
    """Publish the event's page in ``language`` with ``fields`` written by a translator."""
    copy = event.get_translation_or_none(Locale.objects.get(language_code=language))
    if copy is None:
        copy = event.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()


@pytest.fixture
def event():
    """In Bishkek, 12–13 May 2026, Russian its main working language; translated into
    Russian (title and city) and Kazakh (an untranslated copy)."""
    page = EventPageFactory(
        today=dt.date(2026, 5, 11),
        starts_in_days=1,
        title=TITLE["en"],
        city="Bishkek",
        country="KG",
        time_zone="Asia/Bishkek",
        languages=["ru", "en"],
    )
    translate(page, "ru", title=TITLE["ru"], city="Бишкек")
    return page


def set_mode(event, mode: str) -> None:
    event.badge_language = mode
    event.save_revision().publish()
    event.refresh_from_db()


def people(event) -> list[Registration]:
    """An English-reading speaker and a Russian-reading participant, in that order."""
    return [
        RegistrationFactory(
            event=event, given_name="John", family_name="Aaronson", role="speaker", language="en"
        ),
        RegistrationFactory(
            event=event, given_name="Айгерим", family_name="Бекова", language="ru", country="KZ"
        ),
    ]


def batch_pages(event, registrations, tmp_path) -> tuple[bytes, list[str]]:
    out = io.BytesIO()
    with translation.override("en"):  # whoever runs the worker: the setting decides
        count = badge_batch_pdf(event=event, registrations=registrations, out=out, layout="a6")
    assert count == len(registrations)
    return out.getvalue(), [words(page) for page in pdftotext(out.getvalue(), tmp_path)]


def test_participant_mode_prints_each_badge_in_its_participants_language(event, tmp_path):
    set_mode(event, "participant")

    pdf, (english, russian) = batch_pages(event, people(event), tmp_path)

    assert "SPEAKER" in english
    assert TITLE["en"] in english
    assert f"Bishkek, {country_name('KG', 'en')}" in english
    assert "12–13 May 2026" in english
    assert "УЧАСТНИК" in russian
    assert TITLE["ru"] in russian
    # The city from the Russian page, the country in Russian: no "Bishkek, Киргизия".
    assert f"Бишкек, {country_name('KG', 'ru')}" in russian
    assert "Bishkek" not in russian
    assert "мая 2026" in russian
    assert country_name("KZ", "ru") in russian  # the participant's country
    assert_fonts_embedded(pdf, tmp_path)


def test_main_mode_prints_every_badge_of_a_sheet_in_one_language(event, tmp_path):
    set_mode(event, "main")
    manager = StaffUserFactory(roles=["registration_manager"], roles__event=event)
    people(event)
    RegistrationFactory(event=event, family_name="Ұлан", language="kk", role="expert")

    batch = badge_batch_create(event=event, by=manager, layout="a4", filters={})
    built = badge_batch_build(batch_id=batch.pk)

    with built.file.open("rb") as handle:
        pdf = handle.read()
    [sheet] = [words(page) for page in pdftotext(pdf, tmp_path)]
    assert sheet.count(TITLE["ru"]) == 3
    assert "ДОКЛАДЧИК" in sheet
    assert "УЧАСТНИК" in sheet
    assert "ЭКСПЕРТ" in sheet
    for english in ("PARTICIPANT", "SPEAKER", "EXPERT", TITLE["en"], "Bishkek", "May"):
        assert english not in sheet
    assert_fonts_embedded(pdf, tmp_path)


def test_stacked_mode_prints_the_main_language_with_the_participants_below(event, tmp_path):
    set_mode(event, "stacked")

    pdf, (english, russian) = batch_pages(event, people(event), tmp_path)

    # Main language first, the participant's under it.
    for above, below in [
        ("ДОКЛАДЧИК", "SPEAKER"),
        (TITLE["ru"], TITLE["en"]),
        ("Бишкек", "Bishkek"),
        ("мая 2026", "May 2026"),
    ]:
        assert above in english
        assert below in english
        assert english.index(above) < english.index(below)
    # A Russian reader's badge is Russian only: nothing is printed twice.
    assert russian.count("УЧАСТНИК") == 1
    assert russian.count(TITLE["ru"]) == 1
    assert "PARTICIPANT" not in russian
    assert TITLE["en"] not in russian
    assert_fonts_embedded(pdf, tmp_path)


def test_stacked_badge_takes_the_source_page_where_no_translation_exists(event, tmp_path):
    """No Ukrainian page: the Ukrainian line is the source page's (English) title."""
    set_mode(event, "stacked")
    reader = RegistrationFactory(event=event, language="uk", given_name="Олена")

    [page] = [words(p) for p in pdftotext(badge_pdf_for(reader), tmp_path)]

    assert page.count(TITLE["ru"]) == 1
    assert page.count(TITLE["en"]) == 1
    assert "УЧАСНИК" in page
    assert "УЧАСТНИК" in page


@pytest.mark.parametrize(
    ("language", "title", "city", "mode"),
    [
        ("kk", LONG_KK_TITLE, "Бішкек", "main"),
        ("ru", LONG_RU_TITLE, "Бишкек", "stacked"),
    ],
)
def test_long_title_wraps_whole_words_and_nothing_is_cut(
    event, tmp_path, language, title, city, mode
):
    set_mode(event, mode)
    event.languages = [language, "en"]
    event.save_revision().publish()
    translate(event, language, title=title, city=city)
    # Stacked: the English reader's badge carries the English title under the long one.
    reader = RegistrationFactory(event=event, language="en" if mode == "stacked" else "ru")

    pdf = badge_pdf_for(reader)

    # Layout mode: plain pdftotext would join "гендерно-" and "чувствительной" by itself.
    [page] = pdftotext(pdf, tmp_path, layout=True)
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    # A line may end after a hyphen the title has ("гендерно-|чувствительной"): rejoined, the
    # word reads as typed; a word broken anywhere else would not.
    page = re.sub(r"-\n\s*", "-", page)
    # Every word of the title is printed whole (wrapped only between words), none cut off.
    assert [w for w in title.split() if w not in page.split()] == []
    assert "…" not in page
    title_lines = lines[: next(i for i, line in enumerate(lines) if city in line)]
    if mode == "stacked":
        assert title_lines[-1] == TITLE["en"]
        title_lines = title_lines[:-1]
    assert re.sub(r"- ", "-", " ".join(title_lines)) == title
    assert 3 <= len(title_lines) <= 5
    assert_fonts_embedded(pdf, tmp_path)


def test_sign_in_sheet_is_in_the_events_main_language_whoever_prints_it(event, tmp_path):
    set_mode(event, "participant")
    registrations = people(event)

    with translation.override("en"):
        pdf = signin_sheet_pdf(event=event, day=event.start_date, people=registrations, order="en")

    text = words(pdftotext(pdf, tmp_path)[0])
    assert TITLE["ru"] in text
    assert "Лист регистрации" in text
    assert "Подпись" in text
    assert "Бишкек" in text
    assert "Bishkek" not in text
    assert "Signature" not in text
    assert TITLE["en"] not in text
    assert country_name("KZ", "ru") in text
    assert_fonts_embedded(pdf, tmp_path)


def test_stacked_sign_in_sheet_repeats_headings_in_the_second_working_language(event, tmp_path):
    set_mode(event, "stacked")

    with translation.override("uk"):
        pdf = signin_sheet_pdf(event=event, day=event.start_date, people=people(event), order="ru")

    text = words(pdftotext(pdf, tmp_path)[0])
    assert TITLE["ru"] in text
    assert TITLE["en"] in text
    assert text.index(TITLE["ru"]) < text.index(TITLE["en"])
    assert "Подпись" in text
    assert "Signature" in text
    assert_fonts_embedded(pdf, tmp_path)


def test_sign_in_sheet_download_is_in_the_events_language(client, event, tmp_path):
    organiser = StaffUserFactory(roles=["organiser"], roles__event=event)
    people(event)
    client.force_login(organiser)

    response = client.get(reverse("logistics:signin_sheet", args=[event.pk]), {"day": "2026-05-12"})

    assert response.status_code == 200
    text = words(pdftotext(response.content, tmp_path)[0])
    assert TITLE["ru"] in text
    assert "12 мая 2026" in text
    assert_fonts_embedded(response.content, tmp_path)


# --- The title's short form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "printed"),
    [
        ("uk", "mx", "Mx Олена Коваль"),
        ("ru", "ms", "Г-жа Олена Коваль"),
        ("uk", "ms", "Пані Олена Коваль"),
        ("en", "prof", "Prof. Олена Коваль"),
    ],
)
def test_badge_prints_the_title_short(event, tmp_path, language, title, printed):
    set_mode(event, "participant")
    reader = RegistrationFactory(
        event=event, given_name="Олена", family_name="Коваль", title=title, language=language
    )

    page = words(pdftotext(badge_pdf_for(reader), tmp_path)[0])

    assert printed in page
    assert "(Mx)" not in page
    assert "Без " not in page


def test_badge_name_typed_by_the_participant_is_printed_as_typed(event, tmp_path):
    reader = RegistrationFactory(event=event, title="dr", badge_name="Aika S.", language="ru")

    page = words(pdftotext(badge_pdf_for(reader), tmp_path)[0])

    assert "Aika S." in page
    assert "Д-р" not in page
    assert "д-р" not in page


def test_email_greets_with_the_title_short(event):
    reader = RegistrationFactory(
        event=event, given_name="Олена", family_name="Коваль", title="mx", language="uk"
    )

    message = message_queue(registration=reader, kind="link_resend", dedupe_key="test:mx")
    message_send(message_id=message.pk)

    [email] = mail.outbox
    assert "Вітаємо, Mx Олена Коваль!" in email.body
    html = email.alternatives[0][0]
    assert "Вітаємо, Mx Олена Коваль!" in html
    assert "Без звертання" not in email.body + html


def test_personal_page_shows_the_title_short_and_the_form_keeps_the_long_label(client):
    # An event still ahead: the personal link of a past event's registration has expired.
    reader = RegistrationFactory(
        event=EventPageFactory(),
        given_name="Олена",
        family_name="Коваль",
        title="mx",
        language="uk",
    )

    with translation.override("uk"):
        url = reverse("registration:manage", kwargs={"key": sign_key(reader)})
    page = client.get(url).content.decode()

    assert "Mx Олена Коваль" in page
    # The form's select still explains the title in words.
    assert 'value="mx" selected>Без звертання за статтю (Mx)</option>' in page
    assert "Без звертання за статтю (Mx) Олена" not in page
