"""Recommendations on the report page: edit, reorder, delete; every change validated (errors on
the field, translated, nothing half-saved) and written to the event's audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import EventPage
from registration.models import EventLogEntry
from registration.permissions import event_role_assign
from registration.reports.admin import RecommendationForm, RecommendationTargetForm
from registration.reports.models import Recommendation
from tests.factories import session_create
from tests.registration.reports.report_fixtures import past_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return past_event()


@pytest.fixture
def reporter(client, event):
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    event_role_assign(user=user, event=event, role="reporter")
    client.force_login(user)
    return user


def recs(event) -> list[tuple[str, int]]:
    return list(Recommendation.objects.filter(event=event).values_list("text", "order"))


def add(event, *texts: str) -> list[Recommendation]:
    return [
        Recommendation.objects.create(event=event, text=text, order=i)
        for i, text in enumerate(texts)
    ]


def test_edit_changes_text_and_session_and_is_logged(client, event, reporter):
    session = session_create(event, title="Mentoring in practice")
    first, _second = add(event, "First", "Second")
    url = reverse("reports_admin:detail", args=[event.pk])

    form_page = client.get(url, {"edit": first.pk})
    response = client.post(
        url,
        {
            "action": "edit",
            "id": first.pk,
            "edit-text": "First, sharper",
            "edit-session": session.pk,
        },
    )

    assert 'name="edit-text"' in form_page.text
    assert "First</textarea>" in form_page.text
    assert response.status_code == 302
    assert response["Location"].endswith(f"#rec-{first.pk}")
    first.refresh_from_db()
    assert (first.text, first.session, first.order) == ("First, sharper", session, 0)
    entry = EventLogEntry.objects.get(action="report.recommendation_changed")
    assert (entry.event_id, entry.user, entry.object_id) == (event.pk, reporter, str(first.pk))
    assert entry.data["before"] == {"text": "First", "session": None}


def test_reorder_persists_and_each_move_is_logged(client, event, reporter):
    a, _b, c = add(event, "A", "B", "C")
    url = reverse("reports_admin:detail", args=[event.pk])

    client.post(url, {"action": "up", "id": c.pk})
    client.post(url, {"action": "up", "id": c.pk})
    client.post(url, {"action": "up", "id": c.pk})  # already first: nothing changes
    client.post(url, {"action": "down", "id": a.pk})

    assert recs(event) == [("C", 0), ("B", 1), ("A", 2)]
    page = client.get(url).text
    assert page.index(">C<") < page.index(">B<") < page.index(">A<")
    assert EventLogEntry.objects.filter(action="report.recommendation_moved").count() == 3


def test_delete_renumbers_and_logs_the_text(client, event, reporter):
    _a, b, _c = add(event, "A", "B", "C")
    url = reverse("reports_admin:detail", args=[event.pk])

    response = client.post(url, {"action": "delete", "id": b.pk})

    assert response.status_code == 302
    assert recs(event) == [("A", 0), ("C", 1)]
    entry = EventLogEntry.objects.get(action="report.recommendation_deleted")
    assert (entry.event_id, entry.data["text"]) == (event.pk, "B")


def test_adding_is_logged(client, event, reporter):
    url = reverse("reports_admin:detail", args=[event.pk])

    client.post(url, {"action": "add", "text": "New"})

    rec = Recommendation.objects.get()
    entry = EventLogEntry.objects.get(action="report.recommendation_added")
    assert (entry.object_id, entry.user, rec.author) == (str(rec.pk), reporter, reporter)


@pytest.mark.parametrize(
    ("lang", "error"), [("en", "Write the recommendation."), ("ru", "Напишите текст рекомендации.")]
)
def test_empty_edit_shows_the_translated_error_on_the_field_and_saves_nothing(
    client, event, reporter, lang, error
):
    (rec,) = add(event, "Keep me")
    with translation.override(lang):
        url = reverse("reports_admin:detail", args=[event.pk])

    response = client.post(
        url,
        {"action": "edit", "id": rec.pk, "edit-text": "   "},
        HTTP_ACCEPT_LANGUAGE=lang,
    )

    assert response.status_code == 400
    assert f'<ul class="error-message" id="id_edit-text_error"><li>{error}</li></ul>' in (
        response.text
    )
    assert 'aria-describedby="id_edit-text_error"' in response.text
    assert recs(event) == [("Keep me", 0)]
    assert not EventLogEntry.objects.filter(action__startswith="report.recommendation").exists()


def test_session_of_another_event_is_refused_on_the_session_field(client, event, reporter):
    (rec,) = add(event, "Keep me")
    foreign = session_create(past_event(title="Another Event"), title="Elsewhere")
    url = reverse("reports_admin:detail", args=[event.pk])

    response = client.post(
        url, {"action": "edit", "id": rec.pk, "edit-text": "Changed", "edit-session": foreign.pk}
    )

    assert response.status_code == 400
    assert 'id="id_edit-session_error"' in response.text
    rec.refresh_from_db()
    assert (rec.text, rec.session) == ("Keep me", None)


@pytest.mark.parametrize("action", ["edit", "up", "down", "delete"])
def test_another_events_or_a_made_up_recommendation_is_refused(client, event, reporter, action):
    theirs = Recommendation.objects.create(event=past_event(title="Another Event"), text="Theirs")
    url = reverse("reports_admin:detail", args=[event.pk])

    for target in (theirs.pk, "abc", "", 10**12):
        response = client.post(url, {"action": action, "id": target, "edit-text": "Mine"})
        assert response.status_code == 400
        assert "This recommendation no longer exists. Reload the page." in response.text

    theirs.refresh_from_db()
    assert theirs.text == "Theirs"


def test_unknown_action_is_refused(client, event, reporter):
    add(event, "A")

    response = client.post(reverse("reports_admin:detail", args=[event.pk]), {"action": "zap"})

    assert response.status_code == 400
    assert recs(event) == [("A", 0)]


def test_forms_translate_their_errors():
    with translation.override("ru"):
        form = RecommendationForm({"text": ""}, event=past_event())
        assert form.errors["text"] == ["Напишите текст рекомендации."]


JUNK = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(["up", "down", "delete", "edit", "add", "remind", "\x00", "0", "1e9", "ours"]),
)
FIELDS = ["action", "id", "text", "session", "edit-text", "edit-session"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.dictionaries(st.sampled_from(FIELDS), JUNK, max_size=len(FIELDS)))
def test_random_posts_never_cause_a_server_error_nor_a_half_change(client, data):
    """Random values in every field: a redirect after a valid change, a 400 otherwise, and
    the other event's recommendations never change."""
    event = EventPage.objects.filter(slug="fuzz").first()
    if event is None:  # the first example builds the world; the others reuse it
        event = past_event(slug="fuzz")
        other = past_event(title="Another Event", slug="fuzz-other")
        Recommendation.objects.create(event=other, text="Theirs")
        user = get_user_model().objects.create_user("fuzz", "fuzz@example.org", "pw")
        event_role_assign(user=user, event=event, role="reporter")
    Recommendation.objects.filter(event=event).delete()
    ours = Recommendation.objects.create(event=event, text="Ours", order=0)
    client.force_login(get_user_model().objects.get(username="fuzz"))
    if data.get("id") == "ours":
        data["id"] = str(ours.pk)

    response = client.post(reverse("reports_admin:detail", args=[event.pk]), data)

    assert response.status_code in (200, 302, 400)
    assert list(Recommendation.objects.exclude(event=event).values_list("text", "order")) == [
        ("Theirs", 0)
    ]
    valid = RecommendationTargetForm(data, event=event).is_valid()
    if response.status_code == 400 and data.get("action") in ("up", "down", "delete"):
        assert not valid
        assert recs(event) == [("Ours", 0)]
