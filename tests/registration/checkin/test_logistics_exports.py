"""The logistics workbook: one named sheet per table, frozen header rows, widths, real numbers;
names in the chosen language's alphabetical order; only the event's confirmed participants."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from wagtail.models import PageLogEntry

from registration.checkin.logistics_selectors import logistics_people
from registration.models.audit import EventLogEntry
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

SHEETS = ["Interpretation", "Accessibility", "Dietary", "Visa letters", "Totals"]


@pytest.fixture
def event():
    """Two days, 12 and 13 May 2026 (a fixed date: nothing here depends on today)."""
    return EventPageFactory(
        today=dt.date(2026, 5, 11),
        starts_in_days=1,
        length_days=2,
        interpretation_languages=["en", "ru"],
        translations=(),
    )


@pytest.fixture
def people(event):
    kk = {"event": event, "country": "KZ"}
    return {
        "ilyas": RegistrationFactory(
            **kk, family_name="Ілияс", given_name="Әсем", visa_letter=True,
            access_needs=["wheelchair"], interpretation_language="ru",
        ),
        "isaev": RegistrationFactory(
            **kk, family_name="Исаев", given_name="Бек", visa_letter=True,
            dietary=["halal"], position="Inspector", interpretation_language="ru",
        ),
        "ybyrai": RegistrationFactory(
            **kk, family_name="Ыбырай", given_name="Ұлан", visa_letter=True,
            dietary_needs="No fish", interpretation_language="en",
        ),
        "smith": RegistrationFactory(
            event=event, family_name="Smith", given_name="Ann", country="GB",
            organisation="=HYPERLINK(\"http://evil.example\")", interpretation_language="",
            access_needs_other="Sign interpreter (BSL)",
        ),
        "cancelled": RegistrationFactory(
            event=event, family_name="Qzcancelled", cancelled=True, visa_letter=True,
            access_needs=["wheelchair"],
        ),
    }  # fmt: skip


def _download(client, event, **params):
    staff = StaffUserFactory(roles=["registration_manager"], roles__event=event)
    client.force_login(staff)
    response = client.get(reverse("logistics:xlsx", args=[event.pk]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_workbook_has_a_named_sheet_per_table_with_frozen_header_and_widths(client, event, people):
    with translation.override("en"):
        book = _download(client, event)

    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        widths = [
            sheet.column_dimensions[get_column_letter(i)].width
            for i in range(1, sheet.max_column + 1)
        ]
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(w and 8 <= w <= 60 for w in widths), (sheet.title, widths)
        assert all(c.font.b for c in sheet[1]), sheet.title


def test_interpretation_sheet_counts_per_day_and_language_as_numbers(client, event, people):
    CheckInFactory(registration=people["isaev"], day=event.start_date)

    with translation.override("en"):
        rows = _rows(_download(client, event)["Interpretation"])

    assert rows[0] == [
        "Day", "English", "Русский", "No interpretation", "Confirmed",
        "English: checked in", "Русский: checked in", "No interpretation: checked in",
    ]  # fmt: skip
    assert [r[0].date() for r in rows[1:]] == [dt.date(2026, 5, 12), dt.date(2026, 5, 13)]
    assert rows[1][1:] == [1, 2, 1, 4, 0, 1, 0]
    assert rows[2][1:] == [1, 2, 1, 4, 0, 0, 0]


def test_needs_and_visa_sheets_list_confirmed_people_in_kazakh_order(client, event, people):
    with translation.override("en"):
        book = _download(client, event, order="kk")

    visa = _rows(book["Visa letters"])
    assert visa[0] == [
        "Family name", "Given name", "Organisation", "Country", "Position", "E-mail", "Phone",
    ]  # fmt: skip
    # Kazakh order: И, Ы, І (І after Ы); the cancelled participant is not there.
    assert [r[0] for r in visa[1:]] == ["Исаев", "Ыбырай", "Ілияс"]
    assert visa[1][3:5] == ["Kazakhstan", "Inspector"]
    access = _rows(book["Accessibility"])
    assert [(r[0], r[4], r[5]) for r in access[1:]] == [
        ("Ілияс", "Wheelchair access", None),
        ("Smith", None, "Sign interpreter (BSL)"),
    ]
    dietary = _rows(book["Dietary"])
    assert [(r[0], r[4], r[5]) for r in dietary[1:]] == [
        ("Исаев", "Halal", None),
        ("Ыбырай", None, "No fish"),
    ]
    text = " ".join(str(v) for sheet in book.worksheets for row in _rows(sheet) for v in row)
    assert "Qzcancelled" not in text


def test_totals_are_numbers_not_formulas(client, event, people):
    with translation.override("en"):
        book = _download(client, event)

    totals = {(r[0], r[1] or ""): r[2] for r in _rows(book["Totals"])[1:]}
    assert totals[("Confirmed participants", "")] == 4
    assert totals[("Accessibility needs", "Wheelchair access")] == 1
    assert totals[("Accessibility needs", "Other accessibility needs")] == 1
    assert totals[("Dietary requirements", "Halal")] == 1
    assert totals[("Visa support letters", "")] == 3
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    organisation = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert (organisation.data_type, organisation.quotePrefix) == ("s", True)


def test_download_is_written_to_the_audit_log(client, event, people):
    _download(client, event)

    entry = EventLogEntry.objects.get(action="registration.logistics_exported")
    assert entry.event_id == event.pk
    assert not PageLogEntry.objects.filter(action="registration.logistics_exported").exists()


@pytest.mark.parametrize("role", ["checkin", "reporter"])
def test_other_roles_and_other_events_staff_get_no_workbook(client, event, people, role):
    other = EventPageFactory(today=dt.date(2026, 5, 11), translations=())
    outsider = StaffUserFactory(roles=["organiser"], roles__event=other)
    staff = StaffUserFactory(roles=[role], roles__event=event)

    for user in (outsider, staff):
        client.force_login(user)
        response = client.get(reverse("logistics:xlsx", args=[event.pk]))
        # Wagtail's admin turns the refusal into a redirect to its dashboard, with a message.
        assert (response.status_code, response.get("Location")) == (302, "/admin/")
    assert client.get(reverse("logistics:xlsx", args=[999999]), follow=True).status_code == 404


def test_logistics_page_offers_the_downloads(client, event, people):
    staff = StaffUserFactory(roles=["organiser"], roles__event=event)
    client.force_login(staff)

    with translation.override("en"):
        response = client.get(reverse("logistics:index"), {"event": event.pk})

    html = response.content.decode()
    assert reverse("logistics:xlsx", args=[event.pk]) in html
    assert f'action="{reverse("logistics:signin_sheet", args=[event.pk])}"' in html
    assert '<option value="2026-05-12">' in html
    assert '<option value="2026-05-13">' in html


@pytest.mark.parametrize("size", [2, 20])
def test_people_lists_take_the_same_queries_at_any_size(event, size, django_assert_num_queries):
    RegistrationFactory.create_batch(size, event=event, visa_letter=True, dietary=["vegan"])

    with django_assert_num_queries(2):  # the event's locale, the registrations
        people = logistics_people(event=event, language="ru")

    assert (len(people.visa_letters), len(people.dietary), len(people.access)) == (size, size, 0)
