"""An organiser downloads the logistics files in Chromium, as a person does: opens Logistics,
picks a day and "Қазақ тілі" for the order of names, presses the button, and gets the day's
sign-in sheet as a PDF with the Kazakh order; the workbook link gives the XLSX. The page has no
axe (WCAG 2.1 AA) violations. Screenshot: $SHOTS_DIR/logistics-*.png."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.browser.test_scanner import login
from tests.factories import EventPageFactory, RegistrationFactory, StaffUserFactory
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_downloads_sign_in_sheet_and_workbook(live_server, page, axe, tmp_path):
    event = EventPageFactory(
        title="Astana conference", today=dt.date(2026, 5, 11), starts_in_days=1, length_days=2
    )
    for family in ("Ілияс", "Ыбырай", "Исаев"):
        RegistrationFactory(event=event, family_name=family, given_name="Test", visa_letter=True)
    login(page.context, live_server, StaffUserFactory(roles=["organiser"], roles__event=event))

    page.goto(f"{live_server.url}{reverse('logistics:index')}?event={event.pk}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "logistics-index.png"), full_page=True)
    violations = axe(page)
    page.get_by_label("Sign-in sheet for").select_option("2026-05-13")
    page.get_by_label("Names in the alphabetical order of").select_option("kk")
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download sign-in sheet (PDF)").click()
    pdf = tmp_path / "sheet.pdf"
    pdf_download.value.save_as(pdf)
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download all tables (XLSX)").click()
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))

    assert violations == []
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Wednesday, 13 May 2026" in text
    order = sorted(["Ілияс", "Ыбырай", "Исаев"], key=text.index)
    assert order == ["Исаев", "Ыбырай", "Ілияс"]  # Kazakh: І after Ы
    assert pdf_download.value.suggested_filename.endswith("-2026-05-13.pdf")
    assert workbook.sheetnames == ["Interpretation", "Accessibility", "Dietary", "Visa letters",
                                   "Totals"]  # fmt: skip
