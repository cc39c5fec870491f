"""The demo programmes: the mentoring programme of the seeds (the mentors' training as its
opening event, six online sessions, four regional cohorts, 21 mentors and 21 mentees in 21
pairs, attendance from which some completed and some did not) and the patrol-police course
with twenty cohorts whose shipped roster file can be imported; ``load_demo`` twice changes
nothing."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page, Revision

from cms.models import EventPage, ProgrammePage
from registration.checkin.models import CheckIn
from registration.messaging.models import Message
from registration.models import EventRole, Registration
from registration.programmes.demo_roster import PATROL_COHORTS, ROSTER_PATH
from registration.programmes.models import (
    Cohort,
    Enrolment,
    MentorPair,
    ProgrammeRole,
)
from registration.programmes.roster import roster_read
from registration.programmes.selectors.events import programme_events
from registration.programmes.selectors.progress import programme_progress
from registration.programmes.services.roster import roster_plan

pytestmark = pytest.mark.django_db

MENTORING = "mentoring-programme-women-police"
COURSE = "patrol-police-100-hour-course"
STAFF = ("organiser", "registrations", "checkin", "reporter")


def _load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", "--no-admin", stdout=out)
    return out.getvalue()


def _programme(slug: str) -> ProgrammePage:
    return ProgrammePage.objects.get(slug=slug, locale__language_code="en")


def _state() -> dict:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "latest": list(Page.objects.values_list("pk", "latest_revision_id").order_by("pk")),
        "registrations": sorted(Registration.objects.values_list("pk", "status")),
        "checkins": CheckIn.objects.count(),
        "enrolments": sorted(Enrolment.objects.values_list("pk", "cohort_id", "role")),
        "pairs": sorted(
            MentorPair.objects.values_list("pk", "mentor_consent_at", "mentee_consent_at")
        ),
        "cohorts": Cohort.objects.count(),
        "messages": Message.objects.count(),
        "roles": (EventRole.objects.count(), ProgrammeRole.objects.count()),
    }


def test_load_demo_twice_changes_nothing_and_prints_the_programme_links():
    _load_demo()
    first = _state()

    out = _load_demo()

    assert _state() == first
    programme = _programme(MENTORING)
    links = re.findall(r"Personal programme page of a (mentee|mentor) .*: (\S+)", out)
    assert [role for role, _url in links] == ["mentee", "mentor"]
    assert all("/programmes/me/" in url for _role, url in links)
    assert f"/admin/programmes/{programme.pk}/" in out
    course = _programme(COURSE)
    assert (
        f"registration/programmes/demo/patrol-police-roster.xlsx (log in as organiser: "
        f"{settings.SITE_URL}/admin/programmes/{course.pk}/roster/)"
    ) in out
    assert "42 enrolled (0 new) in 4 cohorts, 7 events, 21 mentoring pairs, 24 completed" in out


def test_demo_mentoring_programme_and_patrol_course(client):
    _load_demo()
    programme = _programme(MENTORING)
    course = _programme(COURSE)

    # The mentoring programme: the training opens it, six online sessions follow.
    events = programme_events(programme)
    training, sessions = events[0], events[1:]
    assert training.slug == "mentors-training"
    assert (training.credit_hours, training.format) == (Decimal("16.00"), "in_person")
    assert len(sessions) == 6
    assert {(e.format, e.credit_hours, e.online_platform) for e in sessions} == {
        ("online", Decimal("2.00"), "Zoom")
    }
    assert all(e.online_link for e in sessions)
    for copy in EventPage.objects.filter(translation_key=training.translation_key):
        parent = copy.get_parent().specific
        assert (parent.translation_key, parent.locale_id) == (
            programme.translation_key,
            copy.locale_id,
        )
    assert client.get(training.url).status_code == 200
    assert client.get(f"{training.url}register/").status_code == 200
    old = client.get("/en/events/mentors-training/")
    assert (old.status_code, old.headers["Location"]) == (301, training.url)
    copies = ProgrammePage.objects.filter(translation_key=programme.translation_key)
    assert sorted(copies.values_list("locale__language_code", flat=True)) == ["en", "ru", "uk"]
    ru = copies.get(locale__language_code="ru")
    assert "наставничества" in client.get(ru.url).content.decode()

    # Cohorts, people and pairs.
    assert sorted(programme.cohorts.values_list("code", flat=True)) == [
        "dnipro",
        "kharkiv",
        "kyiv",
        "lviv",
    ]
    roles = sorted(programme.enrolments.values_list("role", flat=True))
    assert roles == ["mentee"] * 21 + ["mentor"] * 21
    pairs = list(MentorPair.objects.filter(cohort__programme=programme).select_related())
    assert len(pairs) == 21
    assert all(p.mentor.cohort_id == p.mentee.cohort_id == p.cohort_id for p in pairs)
    assert sum(p.contact_shared for p in pairs) == 7
    assert Registration.objects.filter(event__in=sessions, status="confirmed").count() == 42 * 6

    # Attendance: scanned at the training, self check-in or the host's roster online, some
    # late or leaving early; some completed and some did not.
    progress = programme_progress(programme)
    completed = [p for p in progress.values() if p.completed]
    assert (len(progress), len(completed)) == (42, 24)
    assert all(p.hours_total == Decimal("28.00") for p in progress.values())
    attended = [s for p in progress.values() for s in p.sessions if s.attended]
    assert {s.source for s in attended} == {"scan", "self", "roster"}
    partial = [s for s in attended if s.hours_attended < s.hours_credit]
    assert partial
    assert any(s.left_at is not None for s in partial)
    assert any(not p.final_attended for p in progress.values() if not p.completed)
    assert any(p.final_attended for p in progress.values() if not p.completed)

    # The course: twenty cohorts, each with its own dated event in its city, and its trainers.
    assert course.kind == "course"
    cohorts = {c.code: c for c in course.cohorts.prefetch_related("events")}
    assert sorted(cohorts) == [code for code, _region, _city in PATROL_COHORTS]
    for code, region, city in PATROL_COHORTS:
        cohort = cohorts[code]
        (event,) = cohort.events.all()
        assert (cohort.region, event.city, event.credit_hours) == (region, city, Decimal(100))
        assert event.get_parent().pk == course.pk
        assert cohort.trainers
    assert not course.enrolments.exists()

    # The demo staff hold their roles on both programmes.
    for programme_page in (programme, course):
        held = set(programme_page.staff_roles.values_list("user__username", flat=True))
        assert held == set(STAFF)

    # The shipped roster is for a person to import: its dry run on the demo course.
    with ROSTER_PATH.open("rb") as handle:
        roster = roster_read(handle, filename=ROSTER_PATH.name)
    report = roster_plan(programme=course, roster=roster).report
    assert report["total"] == 3500
    assert report["counts"]["create"] > 3400
    assert report["problems"] == []
