"""Reflow (WCAG 1.4.10) of the programme pages: the public programme page with its enrolment
form and the personal programme page work 320 px wide without sideways scrolling, and pass
axe-core (the same checks as ``test_narrow_screens``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.programmes.links import enrolment_url
from registration.programmes.services.enrolment import enrolment_confirm, enrolment_create
from tests.browser.test_narrow_screens import CLIPPED_JS
from tests.registration.programmes.enrol_helpers import enrol_data, programme_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, axe, url: str) -> dict:
    page.set_viewport_size({"width": 320, "height": 800})
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    found = {}
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if width > inner:
        found["scrolls sideways"] = width - inner
    clipped = page.evaluate(CLIPPED_JS)
    if clipped:
        found["cut off"] = clipped
    violations = axe(page)
    if violations:
        found["axe"] = violations
    return found


@pytest.fixture
def enrolled():
    world = programme_world(translations=())
    enrolment = enrolment_create(
        programme=world["programme"],
        cohort=world["north"],
        data=enrol_data(language="en"),
        language="en",
    ).enrolment
    enrolment_confirm(enrolment=enrolment)
    return world, enrolment


def test_programme_page_and_enrolment_done_page_reflow_at_320_px(live_server, page, axe, enrolled):
    world, _enrolment = enrolled
    done = reverse("programmes:enrol_done", kwargs={"programme_id": world["programme"].pk})

    problems = {
        "programme": _check(page, axe, f"{live_server.url}{world['programme'].url}"),
        "done": _check(page, axe, f"{live_server.url}{done}"),
    }

    assert problems == {"programme": {}, "done": {}}


def test_personal_programme_page_reflows_at_320_px(live_server, page, axe, enrolled):
    _world, enrolment = enrolled
    url = f"{live_server.url}{enrolment_url(enrolment, absolute=False)}"

    assert _check(page, axe, url) == {}
