"""Report figures against a fixture counted by hand, and edge cases."""

from __future__ import annotations

import pytest
from django.utils import translation

from registration.reports.models import Recommendation
from registration.reports.selectors import report_build
from tests.factories import EventPageFactory, RegistrationFactory, SessionFactory, SurveyFactory
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Labels are checked in English unless a test says otherwise."""
    with translation.override("en"):
        yield


def splits(report):
    return {
        s.key: (s.split.total, s.split.women, s.split.men, s.split.undisclosed)
        for s in report.stages
    }


def test_report_stages_match_hand_count():
    event, _people = hand_counted_event()

    report = report_build(event=event)

    # registered: not Fatima (e-mail never confirmed); Erlan (cancelled), Gleb (waitlisted) count
    assert splits(report) == {
        "registered": (6, 2, 3, 1),
        "confirmed": (4, 2, 1, 1),
        "attended_any": (3, 2, 1, 0),
        "attended_every": (1, 1, 0, 0),
    }
    no_shows = report.no_shows
    assert (no_shows.total, no_shows.women, no_shows.undisclosed) == (1, 0, 1)  # Dana
    assert report.stage("registered").split.women_share == pytest.approx(2 / 6)
    assert report.stage("attended_any").split.women_share == pytest.approx(2 / 3)


def test_report_attendance_per_day_matches_hand_count():
    event, _people = hand_counted_event()

    report = report_build(event=event)

    assert [(d.day, d.attended.total, d.attended.women) for d in report.attendance] == [
        (event.days[0], 2, 2),  # Aida, Bohdana
        (event.days[1], 2, 1),  # Aida, Chingiz
    ]
    assert [d.share_of_confirmed for d in report.attendance] == [0.5, 0.5]


def test_report_breakdowns_match_hand_count():
    event, _people = hand_counted_event()

    with translation.override("en"):
        report = report_build(event=event)

    by = {b.key: {r.label: r for r in b.rows} for b in report.breakdowns}
    kz, ua = by["country"]["Kazakhstan"], by["country"]["Ukraine"]
    assert (kz.registered.total, kz.confirmed.total, kz.attended.total) == (3, 2, 1)
    assert (ua.registered.total, ua.confirmed.total, ua.attended.total) == (3, 2, 2)
    assert ua.attended.women == 1
    police = by["organisation_type"]["Police or other law enforcement"]
    assert (police.registered.total, police.attended.total) == (3, 2)  # Aida, Chingiz, Erlan
    assert by["role"]["Mentor"].attended.total == 1
    assert by["role"]["Speaker"].registered.total == 1
    assert by["interpretation_language"]["None"].registered.total == 1  # Dana
    assert by["interpretation_language"]["Русский"].attended.total == 2


def test_report_labels_follow_the_language():
    event, _people = hand_counted_event()

    with translation.override("ru"):
        report = report_build(event=event)

    assert report.stage("confirmed").label == "Подтвердили участие"
    assert "Казахстан" in [r.label for r in report.breakdowns[0].rows]


def test_survey_results_match_hand_count():
    event, people = hand_counted_event()
    hand_counted_survey(event, people)

    survey = report_build(event=event).survey

    assert (survey.responses, survey.audience) == (2, 3)
    assert survey.response_rate == pytest.approx(2 / 3)
    q1, q2, q3, q4, q5 = survey.questions
    assert (q1.mean, q2.mean) == (2.5, 4.5)
    assert [c.count for c in q2.distribution] == [0, 0, 0, 1, 1]
    assert [(c.label, c.count, c.share) for c in q3.distribution] == [
        ("Too short", 1, 0.5),
        ("Right", 1, 0.5),
        ("Too long", 0, 0.0),
    ]
    assert q4.respondents == 2
    assert [(c.count, c.share) for c in q4.distribution] == [(2, 1.0), (0, 0.0), (1, 0.5)]
    assert q3.mean is None
    assert [(a.text, a.name) for a in q5.open_answers] == [("More practice, please", "Aida Test")]
    (pre_post,) = survey.pre_post
    assert (pre_post.pre_mean, pre_post.post_mean, pre_post.change) == (2.5, 4.5, 2.0)


def test_anonymous_survey_hides_names():
    event, people = hand_counted_event()
    hand_counted_survey(event, people, anonymous=True)

    survey = report_build(event=event).survey

    assert [(a.text, a.name) for a in survey.questions[4].open_answers] == [
        ("More practice, please", None)
    ]


def test_report_when_nobody_attended():
    event = EventPageFactory(past=True)
    RegistrationFactory(event=event, sex="female")
    RegistrationFactory(event=event, sex="male")
    SurveyFactory(event=event)

    report = report_build(event=event)

    assert splits(report)["attended_any"] == (0, 0, 0, 0)
    assert report.stage("attended_any").split.women_share is None
    assert report.no_shows.total == 2
    assert [d.attended.total for d in report.attendance] == [0, 0]
    assert report.survey.audience == 2  # no check-ins recorded: everyone confirmed
    assert report.survey.response_rate == 0


def test_report_of_an_event_without_registrations_never_divides_by_zero():
    event = EventPageFactory(past=True)
    SurveyFactory(event=event)

    report = report_build(event=event)

    assert all(s.split.total == 0 and s.split.women_share is None for s in report.stages)
    assert [d.share_of_confirmed for d in report.attendance] == [None, None]
    assert all(b.rows == [] for b in report.breakdowns)
    survey = report.survey
    assert (survey.responses, survey.response_rate) == (0, None)
    assert all(q.mean is None and q.respondents == 0 for q in survey.questions)
    assert all(c.share is None for q in survey.questions for c in q.distribution)
    assert survey.pre_post[0].change is None


def test_sex_not_given_counts_as_undisclosed():
    event = EventPageFactory(past=True)
    RegistrationFactory(event=event, sex="")

    report = report_build(event=event)

    assert splits(report)["registered"] == (1, 0, 0, 1)


def test_recommendations_in_order_with_session():
    event = EventPageFactory(past=True)
    session = SessionFactory(page=event, title="Mentoring in practice")
    Recommendation.objects.create(event=event, text="Second", order=1)
    Recommendation.objects.create(event=event, text="First", order=0, session=session)

    report = report_build(event=event)

    assert [(r.order, r.text, r.session.split(" (")[0]) for r in report.recommendations] == [
        (1, "First", "Mentoring in practice"),
        (2, "Second", ""),
    ]


# The query count at two sizes: tests/registration/test_query_counts.py.
