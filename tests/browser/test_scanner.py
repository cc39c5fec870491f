"""The scanner page in Chromium: a fake camera showing a badge, a keyboard-wedge scanner, name
search, and offline scans queued in IndexedDB and synced when the network returns."""

from __future__ import annotations

import pypdfium2
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from registration.checkin.badges import badge_pdf_for
from registration.checkin.models import CheckIn
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.registration.checkin.checkin_factories import aigerim, event_today, staff_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def result_code(page, expected: str, timeout: int = 15_000) -> str:
    page.wait_for_function(
        "code => document.getElementById('scanner-result').dataset.code === code",
        arg=expected,
        timeout=timeout,
    )
    return page.locator("#scanner-message").inner_text()


@pytest.fixture
def scene(db):
    event = event_today()
    staff = staff_create(event, "checkin")
    registration = aigerim(event)
    return event, staff, registration


def badge_y4m(registration, path) -> None:
    """The badge page rendered as one 640×480 4:2:0 frame (Chromium loops it as the camera)."""
    document = pypdfium2.PdfDocument(badge_pdf_for(registration))
    badge = document[0].render(scale=3).to_pil().convert("RGB")
    # The lower half of the badge (QR code and role band), as a phone camera would frame it.
    width, height = badge.size
    badge = badge.crop((0, height * 2 // 5, width, height))
    badge.thumbnail((600, 460))
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(badge, ((640 - badge.width) // 2, (480 - badge.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    cb = cb.resize((320, 240))
    cr = cr.resize((320, 240))
    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n")
        out.write(b"FRAME\n" + y.tobytes() + cb.tobytes() + cr.tobytes())


def test_scanner_camera_checks_participant_in(live_server, scene, tmp_path, playwright):
    event, staff, registration = scene
    video = tmp_path / "badge.y4m"
    badge_y4m(registration, video)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        context = browser.new_context(locale="en-GB", permissions=["camera"])
        login(context, live_server, staff)
        page = context.new_page()
        page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))
        page.get_by_role("button", name="Start camera").click()

        message = result_code(page, "checked_in", timeout=30_000)
    finally:
        browser.close()

    assert message == (
        "Checked in — Aigerim Sadykova, Ministry of Internal Affairs, Kazakhstan "
        "— listens in Russian"
    )
    assert CheckIn.objects.get().registration == registration


def test_scanner_keyboard_wedge_green_amber_red(live_server, scene, page):
    event, staff, registration = scene
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))
    field = page.get_by_label("Scan with a USB scanner, or type the code and press Enter")
    assert page.evaluate("document.activeElement.id") == "token-input"

    page.keyboard.type(registration.badge_token)
    page.keyboard.press("Enter")
    green = result_code(page, "checked_in")
    assert page.locator("#scanner-result").get_attribute("data-level") == "ok"
    assert page.locator("#scanner-language").inner_text() == "Russian"
    assert page.locator("#scanner-assistance").inner_text() == "no"
    assert field.input_value() == ""

    page.keyboard.type(registration.badge_token + "\n")
    amber = result_code(page, "already_checked_in")
    assert page.locator("#scanner-result").get_attribute("data-level") == "warning"

    field.fill(registration.badge_token[:25])
    field.press("Enter")
    red = result_code(page, "unknown_token")
    assert page.locator("#scanner-result").get_attribute("data-level") == "error"

    assert green.startswith("Checked in — Aigerim Sadykova")
    assert amber.startswith("Already checked in today at ")
    assert "by Anna Petrenko" in amber
    assert red == "Unknown badge: this code is not a badge of any registration."
    assert CheckIn.objects.count() == 1


def test_scanner_search_by_name_checks_in(live_server, scene, page):
    event, staff, _registration = scene
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))

    page.get_by_label("Family or given name").fill("Sadyk")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Check in: Aigerim Sadykova").click()

    assert result_code(page, "checked_in").startswith("Checked in — Aigerim Sadykova")
    assert CheckIn.objects.count() == 1


def test_scanner_offline_queues_and_syncs_once(live_server, scene, page):
    event, staff, registration = scene
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))
    # The service worker says when it has kept the page and its files (not merely that it
    # controls the page): going offline before that would leave nothing to reload.
    # Arrow functions: the admin's CSP has no 'unsafe-eval', which a bare expression needs.
    page.wait_for_function(
        "() => document.getElementById('scanner').dataset.offlineReady === 'true'"
    )
    assert page.evaluate("caches.match(location.href).then((hit) => Boolean(hit))")
    field = page.locator("#token-input")

    page.context.set_offline(True)
    field.fill(registration.badge_token)
    field.press("Enter")
    queued = result_code(page, "queued")
    field.fill(registration.badge_token)  # the same badge scanned twice while offline
    field.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('scanner-connection')"
        ".textContent.includes('waiting to be sent: 2')"
    )
    offline_status = page.locator("#scanner-connection").inner_text()
    assert CheckIn.objects.count() == 0
    # The service worker keeps the page: it reloads without a network, queue intact.
    page.reload()
    page.wait_for_function(
        "() => document.getElementById('scanner-connection')"
        ".textContent.includes('waiting to be sent: 2')"
    )

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('scanner-connection').dataset.synced === '2'"
    )

    assert queued == "Saved on this device — it will be checked when the connection returns."
    assert offline_status.startswith("Offline: scans are saved on this device")
    assert CheckIn.objects.count() == 1
    recent = page.locator("#scanner-recent li").all_inner_texts()
    assert any("Checked in — Aigerim Sadykova" in line for line in recent)
    assert any("Already checked in today" in line for line in recent)


def test_scanner_page_has_no_axe_violation(live_server, scene, page, axe):
    event, staff, registration = scene
    login(page.context, live_server, staff)
    page.goto(live_server.url + reverse("checkin_admin:scanner", args=[event.pk]))
    page.locator("#token-input").fill(registration.badge_token)
    page.locator("#token-input").press("Enter")
    result_code(page, "checked_in")
    green = axe(page)
    page.locator("#token-input").fill("forged-badge-code-0000")
    page.locator("#token-input").press("Enter")
    result_code(page, "unknown_token")

    assert green == []
    assert axe(page) == []
