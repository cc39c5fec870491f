"""Sign-in sheets: one A4 PDF per event day, confirmed participants in the alphabetical order of
the chosen language, event and date on every page, page numbers, every font embedded; a day
that is not the event's is a 404, never a 500. Read back with poppler's pdftotext and pdffonts."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.users.models import UserProfile

from registration.checkin.logistics import signin_sheet_pdf
from registration.checkin.logistics_selectors import confirmed_by_name
from registration.models.audit import EventLogEntry
from tests.factories import EventPageFactory, RegistrationFactory, StaffUserFactory
from tests.registration.checkin.test_badges_scripts import pdffonts

pytestmark = pytest.mark.django_db

RUSSIAN = ["Абаев", "Ежов", "Ёлкин", "Жуков", "Иванов", "Йодов", "Эйдельман", "Яковлев"]
UKRAINIAN = ["Гончар", "Ґалаган", "Ельченко", "Євтушенко", "Игнатенко", "Іваненко", "Їжак",
             "Йосипенко"]  # fmt: skip
KAZAKH = ["Әбілов", "Ғабит", "Исаев", "Қасым", "Ңа", "Өмір", "Ұлан", "Үмбет", "Һади",
          "Ыбырай", "Ілияс"]  # fmt: skip


@pytest.fixture
def event():
    """12–14 May 2026, in Astana (a fixed date: nothing here depends on today)."""
    return EventPageFactory(
        today=dt.date(2026, 5, 11), starts_in_days=1, length_days=3, translations=()
    )


@pytest.fixture
def organiser(event):
    return StaffUserFactory(roles=["organiser"], roles__event=event)


@pytest.fixture
def staff_client(client, organiser):
    client.force_login(organiser)
    return client


def _admin_language(user, language: str) -> None:
    """The language the user reads the admin in (Wagtail's account setting)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def _people(event, families: list[str]) -> None:
    # Registered in reverse order, so the database's order is not the answer.
    for family in reversed(families):
        RegistrationFactory(event=event, family_name=family, given_name="Test")


def pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _order_in(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: text.index(f"{name} Test"))


def _get(client, event, **params):
    return client.get(reverse("logistics:signin_sheet", args=[event.pk]), params)


@pytest.mark.parametrize(
    ("language", "names"), [("ru", RUSSIAN), ("uk", UKRAINIAN), ("kk", KAZAKH)]
)
def test_sheet_lists_names_in_the_languages_alphabetical_order(
    staff_client, event, tmp_path, language, names
):
    _people(event, names)

    response = _get(staff_client, event, day="2026-05-13", order=language)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "sign-in-" in response["Content-Disposition"]
    assert _order_in(pdftotext(response.content, tmp_path), names) == names


def test_sheet_has_event_date_columns_and_only_confirmed_people(staff_client, event, tmp_path):
    RegistrationFactory(
        event=event, family_name="Исаев", given_name="Бек", organisation="Academy of Police"
    )
    RegistrationFactory(event=event, family_name="Qzwaiting", awaiting_approval=True)
    RegistrationFactory(event=event, family_name="Qzcancelled", cancelled=True)
    RegistrationFactory(event=EventPageFactory(translations=()), family_name="Qzother")

    with translation.override("en"):
        text = pdftotext(_get(staff_client, event, day="2026-05-13").content, tmp_path)

    words = " ".join(text.split())
    assert "Regional Conference on Women in Law Enforcement" in words
    assert "Sign-in sheet · Wednesday, 13 May 2026" in words
    assert re.search(r"No\. +Name +Organisation +Country +Signature", text)
    assert re.search(r"1 +Исаев Бек +Academy of Police +Kazakhstan", text)
    assert "Qz" not in text
    assert "Page 1 of 1" in words


def test_sheet_date_is_in_the_events_main_language(staff_client, organiser, event, tmp_path):
    # One language per event (its badge language setting), whatever the admin reads.
    event.languages = ["ru", "en"]
    event.save()
    RegistrationFactory(event=event)
    _admin_language(organiser, "en")

    response = _get(staff_client, event, day="2026-05-12", order="ru")

    assert "Вторник, 12 мая 2026" in " ".join(pdftotext(response.content, tmp_path).split())


def test_long_sheet_repeats_header_and_numbers_its_pages(event, tmp_path):
    _people(event, [f"Family{n:02d}" for n in range(60)])

    with translation.override("en"):
        pdf = signin_sheet_pdf(
            event=event,
            day=event.start_date,
            people=confirmed_by_name(event=event, language="en"),
            order="en",
        )

    pages = pdftotext(pdf, tmp_path).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        words = " ".join(page.split())
        assert f"Page {number} of {len(pages)}" in words
        assert "Regional Conference on Women in Law Enforcement" in words
        assert "Signature" in words
    assert _order_in("".join(pages), ["Family00", "Family01", "Family59"]) == [
        "Family00",
        "Family01",
        "Family59",
    ]


def test_every_font_is_embedded(staff_client, event, tmp_path):
    _people(event, [*KAZAKH, "Smith"])

    fonts = pdffonts(_get(staff_client, event, day="2026-05-12", order="kk").content, tmp_path)

    assert fonts
    assert {f["emb"] for f in fonts} == {"yes"}
    assert all("Noto" in f["name"] for f in fonts)


def test_empty_event_prints_a_sheet_that_says_so(staff_client, event, tmp_path):
    with translation.override("en"):
        response = _get(staff_client, event, day="2026-05-14")

    assert "No confirmed participants." in pdftotext(response.content, tmp_path)


def test_download_is_written_to_the_audit_log(staff_client, event):
    _people(event, ["Абаев", "Ежов"])

    _get(staff_client, event, day="2026-05-12")

    entry = EventLogEntry.objects.get(action="registration.signin_sheet_printed")
    assert (entry.event_id, entry.data) == (event.pk, {"day": "2026-05-12", "participants": 2})


@pytest.mark.parametrize(
    "day",
    ["2026-05-11", "2026-05-15", "2026-02-30", "2026-13-01", "tomorrow", "", "2026-05-12x"],
)
def test_day_outside_the_event_goes_back_with_the_reason(staff_client, event, day):
    response = _get(staff_client, event, day=day)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('logistics:index')}?event={event.pk}"
    page = staff_client.get(response["Location"]).content.decode()
    assert "There is no sign-in sheet for that day: the event runs from 12 May 2026" in page
    assert not EventLogEntry.objects.filter(action="registration.signin_sheet_printed").exists()


def test_day_reason_is_translated(staff_client, organiser, event):
    _admin_language(organiser, "uk")

    response = _get(staff_client, event, day="2026-05-20")

    page = staff_client.get(response["Location"]).content.decode()
    assert "Для цього дня реєстраційного аркуша немає: захід триває з 12 травня 2026" in page


def test_missing_day_goes_back_to_the_summary(staff_client, event):
    response = staff_client.get(reverse("logistics:signin_sheet", args=[event.pk]))

    assert response.status_code == 302


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.text(max_size=30), order=st.text(max_size=12))
def test_random_input_is_never_a_server_error(staff_client, event, day, order):
    response = _get(staff_client, event, day=day, order=order)

    assert response.status_code in (200, 302)


def test_unknown_order_falls_back_to_the_admins_language(staff_client, organiser, event, tmp_path):
    _people(event, ["Ілияс", "Ыбырай"])
    _admin_language(organiser, "uk")

    response = _get(staff_client, event, day="2026-05-12", order="zz")

    # Ukrainian order: І before Ы (Kazakh order would be the reverse).
    assert _order_in(pdftotext(response.content, tmp_path), ["Ілияс", "Ыбырай"]) == [
        "Ілияс",
        "Ыбырай",
    ]


@pytest.mark.parametrize("role", ["checkin", "reporter"])
def test_only_participant_roles_of_the_event_get_a_sheet(client, event, role):
    other = EventPageFactory(today=dt.date(2026, 5, 11), translations=())
    RegistrationFactory(event=event, family_name="Qzsecret")

    for user in (
        StaffUserFactory(roles=[role], roles__event=event),
        StaffUserFactory(roles=["organiser"], roles__event=other),
    ):
        client.force_login(user)
        response = _get(client, event, day="2026-05-12")
        assert (response.status_code, response.get("Location")) == (302, "/admin/")
    client.force_login(StaffUserFactory(roles=["organiser"], roles__event=event))
    missing = client.get(reverse("logistics:signin_sheet", args=[999999]), follow=True)
    assert missing.status_code == 404
