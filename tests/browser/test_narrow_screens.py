"""Reflow (WCAG 1.4.10): every page a participant or a staff member uses works 320 px wide.

At 320 CSS px (a small phone, or 400 % zoom of 1280) and at 640 CSS px (200 % zoom of a
1280 px window: zooming shrinks the viewport in CSS px, a higher device pixel ratio would not)
each page must not scroll sideways and must not cut content off: a wide table scrolls inside
its own keyboard-reachable region instead. Each page also passes axe-core there. Screenshots
go to ``$SHOTS_DIR/narrow-<width>-<page>.png`` to look at.

Staff pages are opened by users with the role that uses them, given as ``registration.demo``
gives them (``event_role_assign`` on every event).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from registration.links import manage_url
from registration.permissions import event_role_assign
from registration.reports.services.surveys import survey_url
from tests.factories import (
    EventPageFactory,
    QuestionFactory,
    RegistrationFactory,
    StaffUserFactory,
    SurveyFactory,
)
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: (name, CSS px wide): a 320 px phone, and a 1280 px window at 200 % zoom.
VIEWPORTS = [("320", 320), ("zoom200", 640)]

LONG_EMAIL = "aigerim.sadykova-nurlanovna.focal-point@ministry-of-internal-affairs.example.org"

#: Content (text, images, form controls) beyond the viewport's right edge that nothing lets
#: the reader scroll to: outside any element that scrolls sideways itself (a table's own
#: region). Boxes are not checked, only what is in them: a box's empty padding may stick out.
CLIPPED_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const shown = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    // A 1 px box is text for screen readers only (visually hidden), not cut-off content.
    return style.visibility !== 'hidden' && style.display !== 'none' &&
      box.width > 1 && box.height > 1;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !shown(node.parentElement)) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1 && r.right > width + 1 && !scrolls(node.parentElement)) {
        found.add(`${describe(node.parentElement)} "${node.textContent.trim().slice(0, 30)}"` +
          ` (right edge ${Math.round(r.right)} px)`);
      }
    }
  }
  const controls = 'img, svg, input, select, textarea, button, video, canvas, iframe';
  for (const el of document.body.querySelectorAll(controls)) {
    const r = el.getBoundingClientRect();
    if (r.width > 1 && r.height > 1 && r.right > width + 1 && shown(el) && !scrolls(el)) {
      found.add(`${describe(el)} (right edge ${Math.round(r.right)} px)`);
    }
  }
  return Array.from(found).slice(0, 8);
}"""

REGIONS_JS = """() => Array.from(document.querySelectorAll('.admin-table-scroll')).map(r => ({
  overflows: r.scrollWidth > r.clientWidth + 1,
  role: r.getAttribute('role'),
  tabindex: r.getAttribute('tabindex'),
  name: r.getAttribute('aria-label'),
}))"""


@pytest.fixture
def scene(db):
    """An open event with an agenda and participants, a past event with a survey, and one
    staff user per role on both (as ``registration.demo`` makes them)."""
    event = EventPageFactory(
        translations=("ru", "uk"),
        agenda=True,
        needs_approval=True,
        title="Regional Conference on Women in Law Enforcement and Border Management",
        venue_name="Hotel Rixos President Astana, Conference Hall «Kazakhstan»",
    )
    participant = RegistrationFactory(
        event=event,
        given_name="Aigerim",
        family_name="Sadykova-Nurlanovna",
        email=LONG_EMAIL,
        organisation="Ministry of Internal Affairs of the Republic of Kazakhstan",
        language="en",
    )
    for n in range(8):
        RegistrationFactory(
            event=event,
            organisation="Border Service of the National Security Committee",
            email=f"participant.number-{n}@border-service.example.org",
            status=("confirmed", "awaiting_approval", "waitlisted")[n % 3],
        )
    survey = SurveyFactory()
    QuestionFactory(
        survey=survey, kind="likert", required=True, text_i18n={"en": "How useful was it?"}
    )
    respondent = RegistrationFactory(event=survey.event, language="en")
    staff = {}
    for role in ("organiser", "registration_manager", "checkin", "reporter"):
        user = StaffUserFactory(username=role.replace("_", "-"))
        for each in (event, survey.event):
            event_role_assign(user=user, event=each, role=role)
        staff[role] = user
    return {
        "event": event,
        "participant": participant,
        "survey_event": survey.event,
        "respondent": respondent,
        "staff": staff,
    }


#: (page name, role of the user who opens it or None, URL from the scene).
PAGES = [
    ("home", None, lambda s: "/en/"),
    ("event", None, lambda s: s["event"].url),
    ("register", None, lambda s: f"{s['event'].url}register/"),
    ("manage", None, lambda s: manage_url(s["participant"], absolute=False)),
    ("survey", None, lambda s: survey_url(s["respondent"], absolute=False)),
    (
        "participants",
        "registration_manager",
        lambda s: reverse("wagtailsnippets_registration_registration:list"),
    ),
    ("logistics", "organiser", lambda s: f"{reverse('logistics:index')}?event={s['event'].pk}"),
    ("checkin", "checkin", lambda s: reverse("checkin_admin:index")),
    ("scanner", "checkin", lambda s: reverse("checkin_admin:scanner", args=[s["event"].pk])),
    ("messages", "registration_manager", lambda s: reverse("messaging_admin:index")),
    (
        "message-log",
        "registration_manager",
        lambda s: reverse("messaging_admin:log", args=[s["event"].pk]),
    ),
    (
        "attendance",
        "registration_manager",
        lambda s: reverse("checkin_admin:attendance", args=[s["event"].pk]),
    ),
    ("reports", "reporter", lambda s: reverse("reports_admin:index")),
]


def _login(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.parametrize(("name", "role", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_page_reflows_at_320_px_and_200_percent_zoom(
    live_server, page, axe, scene, name, role, url
):
    if role:
        _login(page, live_server, scene["staff"][role])
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for label, width in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(f"{live_server.url}{url(scene)}")
        assert response.status == 200, (label, response.status, page.url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"narrow-{label}-{name}.png"), full_page=True)

        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        found = {}
        if sizes[0] > sizes[1]:
            found["scrolls sideways"] = f"{sizes[0] - sizes[1]} px"
        clipped = page.evaluate(CLIPPED_JS)
        if clipped:
            found["cut off"] = clipped
        for region in page.evaluate(REGIONS_JS):
            if region["overflows"] and not (
                region["role"] == "region" and region["tabindex"] == "0" and region["name"]
            ):
                found["table region"] = region
        violations = axe(page)
        if violations:
            found["axe"] = violations
        if found:
            problems[label] = found
    assert problems == {}


def test_participants_table_scrolls_in_a_named_region_by_keyboard(live_server, page, scene):
    _login(page, live_server, scene["staff"]["registration_manager"])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}{reverse('wagtailsnippets_registration_registration:list')}")

    region = page.locator(".admin-table-scroll").first
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    assert page.get_by_role("region", name=region.get_attribute("aria-label")).count() >= 1
    assert region.evaluate("r => r.scrollLeft") == 0

    region.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")

    # Chromium scrolls smoothly: the offset grows over a few frames, later on a busy machine.
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    # At full width the table fits, and the region is not a needless tab stop.
    page.set_viewport_size({"width": 1600, "height": 900})
    page.wait_for_function(
        "() => !document.querySelector('.admin-table-scroll').hasAttribute('tabindex')"
    )


def test_survey_error_summary_takes_focus(live_server, page, scene):
    page.goto(f"{live_server.url}{survey_url(scene['respondent'], absolute=False)}")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    page.wait_for_function("() => document.activeElement.id === 'error-summary'")
    assert "This question needs an answer." in summary.inner_text()
