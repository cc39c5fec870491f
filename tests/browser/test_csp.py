"""Content-Security-Policy and Permissions-Policy in Chromium: every page we serve carries
them, and nothing on the page (our code, Wagtail's admin, the scanner's jsQR and service
worker) is blocked by them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registration.links import manage_url, sign_key
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import event_today, staff_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Records every violation the page reports (``securitypolicyviolation`` fires on document).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
NO_FEATURES = "camera=(), microphone=(), geolocation=()"


def _login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _visit(page, url: str, console: list[str]) -> dict:
    """Open ``url``, let its scripts run, and return its headers with what was blocked."""
    console.clear()
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    blocked = page.evaluate("window.__csp")
    csp_errors = [m for m in console if "Content Security Policy" in m]
    return {"status": response.status, "headers": response.headers, "blocked": blocked + csp_errors}


@pytest.fixture
def scene(db):
    event = event_today(title="CSP conference")
    registration = RegistrationFactory(event=event, given_name="Aigerim")
    checkin = staff_create(event, "checkin")
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    return event, registration, checkin, admin


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB", permissions=["camera"])
    context.add_init_script(LISTEN)
    yield context
    context.close()


def _page(context) -> tuple[object, list[str]]:
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    return page, console


def test_public_pages_and_personal_page_have_strict_policy_and_no_violation(
    live_server, scene, context
):
    event, registration, _checkin, _admin = scene
    page, console = _page(context)
    paths = [
        "/en/",
        "/ru/",
        event.url,
        event.url + "register/",
        reverse("registration:resend_link", kwargs={"event_id": event.pk}),
        manage_url(registration, absolute=False),
        reverse("registration:cancel", kwargs={"key": sign_key(registration)}),
    ]

    results = {path: _visit(page, live_server.url + path, console) for path in paths}

    for path, result in results.items():
        assert result["status"] == 200, path
        policy = result["headers"]["content-security-policy"]
        assert "script-src 'self';" in policy + ";", path
        assert "'unsafe-inline'" not in policy, path
        assert result["headers"]["permissions-policy"] == NO_FEATURES, path
        assert result["blocked"] == [], path


def test_scanner_may_use_camera_and_runs_under_the_policy(live_server, scene, context):
    event, _registration, checkin, _admin = scene
    _login(context, live_server, checkin)
    page, console = _page(context)

    result = _visit(
        page, live_server.url + reverse("checkin_admin:scanner", args=[event.pk]), console
    )
    # jsQR is loaded and the scanner's service worker is active (``ready`` waits for it).
    has_jsqr = page.evaluate("() => typeof window.jsQR === 'function'")
    worker = page.evaluate("async () => (await navigator.serviceWorker.ready).active.scriptURL")

    assert result["status"] == 200
    assert has_jsqr
    assert worker.endswith(reverse("checkin_admin:service_worker"))
    assert "content-security-policy" in result["headers"]
    assert result["headers"]["permissions-policy"].startswith("camera=(self)")
    assert page.evaluate("window.__csp") == []
    assert result["blocked"] == []


def test_other_admin_pages_do_not_get_the_camera(live_server, scene, context):
    _event, _registration, checkin, _admin = scene
    _login(context, live_server, checkin)
    page, console = _page(context)

    result = _visit(page, live_server.url + reverse("checkin_admin:index"), console)

    assert result["headers"]["permissions-policy"] == NO_FEATURES


def test_admin_page_editor_and_chooser_work_under_the_admin_policy(live_server, scene, context):
    event, _registration, _checkin, admin = scene
    _login(context, live_server, admin)
    page, console = _page(context)

    result = _visit(page, live_server.url + f"/admin/pages/{event.pk}/edit/", console)
    page.get_by_role("button", name="Add Organiser").click()
    page.locator("button[data-chooser-action-choose]").locator("visible=true").first.click()
    page.locator(".modal").get_by_text("Choose organiser").first.wait_for()

    assert result["status"] == 200
    policy = result["headers"]["content-security-policy"]
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert result["headers"]["permissions-policy"] == NO_FEATURES
    assert page.evaluate("window.__csp") == []
    assert [m for m in console if "Content Security Policy" in m] == []
