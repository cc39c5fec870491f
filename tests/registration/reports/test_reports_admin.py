"""The report in the Wagtail admin: who may open it, recommendations, downloads, surveys."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from registration.permissions import event_role_assign
from registration.reports.models import Recommendation, ReportExport, Survey
from registration.reports.services.reports import report_export_request, report_export_run
from tests.factories import session_create
from tests.registration.reports.report_fixtures import (
    hand_counted_event,
    hand_counted_survey,
    past_event,
)

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    """Wagtail turns PermissionDenied into a redirect to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def staff(username: str, event=None, role: str | None = None):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    if event is not None:
        event_role_assign(user=user, event=event, role=role)
    return user


@pytest.fixture
def event():
    event, people = hand_counted_event()
    hand_counted_survey(event, people)
    return event


def test_reporter_reads_the_figures(client, event):
    client.force_login(staff("rita", event, "reporter"))

    response = client.get(reverse("reports_admin:detail", args=[event.pk]))

    assert response.status_code == 200
    assert '<dd data-figure="registered">6</dd>' in response.text
    assert '<dd data-figure="attended_any">3</dd>' in response.text
    assert '<dd data-figure="response_rate">67%</dd>' in response.text
    assert "<strong>Aida Test:</strong> More practice, please" in response.text


def test_report_index_lists_only_the_users_events(client, event):
    past_event(title="Another Event")
    client.force_login(staff("rita", event, "reporter"))

    response = client.get(reverse("reports_admin:index"))

    assert "Training of Mentors" in response.text
    assert "Another Event" not in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [("registration_manager", 403), ("checkin", 403), ("organiser", 200), ("reporter", 200)],
)
def test_only_reporters_and_organisers_open_the_report(client, event, role, status):
    client.force_login(staff("sam", event, role))

    page = client.get(reverse("reports_admin:detail", args=[event.pk]))
    export = client.post(
        reverse("reports_admin:export", args=[event.pk]), {"format": "xlsx", "language": "en"}
    )

    if status == 200:
        assert (page.status_code, export.status_code) == (200, 200)
    else:
        assert refused(page)
        assert refused(export)
        assert "data-figure" not in page.text


def test_reporter_of_another_event_is_refused(client, event):
    other = past_event(title="Another Event")
    client.force_login(staff("olga", other, "reporter"))

    assert refused(client.get(reverse("reports_admin:detail", args=[event.pk])))


def test_anonymous_user_is_sent_to_login(client, event):
    response = client.get(reverse("reports_admin:detail", args=[event.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_add_order_and_delete_recommendations(client, event):
    session = session_create(event, title="Mentoring in practice")
    client.force_login(staff("rita", event, "reporter"))
    url = reverse("reports_admin:detail", args=[event.pk])

    for text in ("First", "Second", "Third"):
        response = client.post(url, {"action": "add", "text": text, "session": session.pk})
        assert response.status_code == 302
    third = Recommendation.objects.get(text="Third")
    client.post(url, {"action": "up", "id": third.pk})
    client.post(url, {"action": "delete", "id": Recommendation.objects.get(text="First").pk})

    assert list(Recommendation.objects.values_list("text", "order")) == [
        ("Third", 0),
        ("Second", 1),
    ]
    assert all(r.session == session for r in Recommendation.objects.all())
    page = client.get(url).text
    assert page.index("Third") < page.index("Second")
    assert "Mentoring in practice" in page


def test_empty_recommendation_or_foreign_session_is_refused(client, event):
    foreign = session_create(past_event(title="Another Event"), title="Elsewhere")
    client.force_login(staff("rita", event, "reporter"))
    url = reverse("reports_admin:detail", args=[event.pk])

    empty = client.post(url, {"action": "add", "text": "  "})
    wrong = client.post(url, {"action": "add", "text": "Fine", "session": foreign.pk})

    assert empty.status_code == 400
    assert "Write the recommendation." in empty.text
    assert wrong.status_code == 400
    assert Recommendation.objects.count() == 0


def test_reporter_cannot_touch_another_events_recommendation(client, event):
    other = past_event(title="Another Event")
    rec = Recommendation.objects.create(event=other, text="Theirs")
    client.force_login(staff("rita", event, "reporter"))

    response = client.post(
        reverse("reports_admin:detail", args=[event.pk]), {"action": "delete", "id": rec.pk}
    )

    assert response.status_code == 400
    assert Recommendation.objects.filter(pk=rec.pk).exists()


def test_small_event_docx_downloads_at_once_in_the_chosen_language(client, event):
    client.force_login(staff("rita", event, "reporter"))

    response = client.post(
        reverse("reports_admin:export", args=[event.pk]), {"format": "docx", "language": "uk"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="report-{event.slug}-uk.docx"'
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "Звіт: Training of Mentors"


def test_large_event_export_goes_to_the_worker(
    client, event, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_INLINE_EXPORT_MAX = 3
    user = staff("rita", event, "reporter")
    client.force_login(user)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("reports_admin:export", args=[event.pk]), {"format": "xlsx", "language": "en"}
        )
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_admin:export_status", args=[export.pk])
    assert len(callbacks) == 1  # the task, enqueued after commit
    status = client.get(reverse("reports_admin:export_json", args=[export.pk])).json()
    assert (status["status"], status["progress"], status["download_url"]) == ("pending", 0, "")

    assert report_export_run(export_id=export.pk) is True
    assert report_export_run(export_id=export.pk) is False  # a retried task does nothing

    status = client.get(reverse("reports_admin:export_json", args=[export.pk])).json()
    assert (status["status"], status["progress"]) == ("done", 100)
    download = client.get(status["download_url"])
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book["Participation"]["B2"].value == 6
    page = client.get(reverse("reports_admin:export_status", args=[export.pk]))
    assert 'data-status-url="' in page.text
    assert "<progress" in page.text


def test_export_status_of_another_event_is_refused(client, event):
    other = past_event(title="Another Event")
    export = report_export_request(event=event, fmt="pdf", language="en")
    client.force_login(staff("olga", other, "reporter"))

    assert refused(client.get(reverse("reports_admin:export_json", args=[export.pk])))
    assert refused(client.get(reverse("reports_admin:export_download", args=[export.pk])))


def test_survey_viewset_is_scoped_to_the_users_events(client, event):
    other = past_event(title="Another Event")
    theirs = Survey.objects.create(event=other, title_i18n={"en": "Their survey"})
    client.force_login(staff("rita", event, "reporter"))

    index = client.get(reverse("surveys:index"))
    edit_own = client.get(reverse("surveys:edit", args=[event.survey.pk]))
    edit_theirs = client.get(reverse("surveys:edit", args=[theirs.pk]), follow=True)

    assert index.status_code == 200
    assert "How was the training?" in index.text
    assert "Their survey" not in index.text
    assert edit_own.status_code == 200
    assert edit_theirs.status_code == 404
    assert "Their survey" not in edit_theirs.text


def test_registration_manager_cannot_edit_surveys(client, event):
    client.force_login(staff("max", event, "registration_manager"))

    response = client.get(reverse("surveys:edit", args=[event.survey.pk]))

    assert refused(response)


def test_reporter_creates_a_survey_in_the_admin(client, settings):
    event, _people = hand_counted_event()
    other = past_event(title="Another Event")
    client.force_login(staff("rita", event, "reporter"))
    url = reverse("surveys:add")

    form = client.get(f"{url}?event={event.pk}")
    data = {
        "event": event.pk,
        "title_i18n_en": "Feedback",
        "title_i18n_ru": "Отзыв",
        "anonymous": "on",
        "is_open": "on",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "1",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-kind": "single",
        "questions-0-text_i18n_en": "Was it useful?",
        "questions-0-choices_i18n_en": "Yes\nNo",
        "questions-0-choices_i18n_ru": "Да",
        "questions-0-ORDER": "1",
    }
    bad = client.post(url, data)
    data["questions-0-choices_i18n_ru"] = "Да\nНет"
    foreign = client.post(url, {**data, "event": other.pk})
    good = client.post(url, data)

    assert form.status_code == 200
    assert f'<option value="{event.pk}" selected>' in form.text
    assert f'<option value="{other.pk}"' not in form.text
    assert bad.status_code == 200
    assert "Русский: give as many choices as in English (2), in the same order." in bad.text
    assert foreign.status_code == 200  # not one of the user's events: the form refuses it
    assert good.status_code == 302
    survey = Survey.objects.get(event=event)
    assert [q.choices("ru") for q in survey.questions.all()] == [["Да", "Нет"]]
