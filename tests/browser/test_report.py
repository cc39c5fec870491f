"""The report in a real browser: read a figure, add recommendations, download the DOCX; the
participant's survey page passes axe-core."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from docx import Document

from registration.links import sign_key
from registration.permissions import event_role_assign
from tests.factories import session_create
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_reads_report_adds_recommendations_and_downloads_docx(live_server, page, tmp_path):
    event, people = hand_counted_event()
    hand_counted_survey(event, people, anonymous=True)
    sessions = [
        session_create(event, title="Module 1: Mentoring techniques"),
        session_create(event, title="Module 3: Preventing discrimination", day=event.days[1]),
    ]
    user = get_user_model().objects.create_user("rita", "rita@example.org", "report-pw-2026")
    event_role_assign(user=user, event=event, role="reporter")

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("report-pw-2026")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/admin/reports/")
    page.get_by_role("link", name="Training of Mentors").click()

    assert page.locator("[data-figure=registered]").inner_text() == "6"
    assert page.locator("[data-figure=response_rate]").inner_text() == "67%"
    texts = [
        "Hold monthly online meetings of mentors.",
        "Brief heads of units on preventing discrimination.",
        "Repeat the training in two more regions.",
    ]
    for text, session in zip(texts, [sessions[0], sessions[1], None], strict=True):
        page.get_by_label("Recommendation", exact=True).fill(text)
        if session:
            page.get_by_label("From session").select_option(str(session.pk))
        page.get_by_role("button", name="Add the recommendation").click()
        page.wait_for_load_state()
    items = page.locator("ol.recommendations-admin > li")
    assert items.count() == 3
    assert "Module 3: Preventing discrimination" in items.nth(1).inner_text()

    page.get_by_label("Format").select_option("docx")
    page.get_by_label("Language of the report").select_option("en")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "Report: Training of Mentors"
    for recommendation in texts:
        assert recommendation in text
    assert "Aida" not in text  # the survey is anonymous


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_survey_page_has_no_axe_violation(live_server, page, axe, lang):
    event, people = hand_counted_event()
    hand_counted_survey(event, people)
    with translation.override(lang):
        url = reverse("reports:survey", args=[sign_key(people["Chingiz"], purpose="survey")])

    page.goto(f"{live_server.url}{url}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe(page) == []

    # sent without the required answer: the error summary and the field error are accessible too
    page.locator("form.survey-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert axe(page) == []
