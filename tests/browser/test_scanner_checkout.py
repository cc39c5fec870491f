"""The scanner's check-out mode in Chromium: staff switch to "Leaving", scan the badge with the
keyboard wedge, and the person's leaving time is recorded (the arrival stays as it was)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.checkin.models import CheckIn
from tests.browser.test_scanner import login, result_code
from tests.registration.checkin.checkin_factories import aigerim, event_today, staff_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scanner_checkout_mode_records_leaving(live_server, page):
    event = event_today()
    staff = staff_create(event, "checkin")
    registration = aigerim(event)
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))

    page.get_by_label("Leaving (check out)").check()
    assert page.locator("#wedge-submit").inner_text() == "Check out"
    page.keyboard.type(registration.badge_token + "\n")
    refused = result_code(page, "not_checked_in")

    page.get_by_label("Arrivals (check in)").check()
    page.get_by_label("Scan with a USB scanner, or type the code and press Enter").fill(
        registration.badge_token
    )
    page.keyboard.press("Enter")
    result_code(page, "checked_in")

    page.get_by_label("Leaving (check out)").check()
    page.keyboard.type(registration.badge_token + "\n")
    left = result_code(page, "checked_out")

    assert refused == "There is no arrival today to check out from: check in first."
    assert left.startswith("Checked out at ")
    assert left.endswith("— Aigerim Sadykova")
    row = CheckIn.objects.get()
    assert row.left_at is not None
    assert row.left_at >= row.at
