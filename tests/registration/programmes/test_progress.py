"""Hours and completion counted from check-ins (``programmes.selectors.progress``)."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Locale

from cms.models import ProgrammePage
from registration.checkin.models import CheckIn
from registration.models.registrations import normalise_email
from registration.programmes.models import Cohort, Enrolment
from registration.programmes.selectors.progress import enrolment_progress, programme_progress
from tests.factories import EventPageFactory, HomePageFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

KYIV = "Europe/Kyiv"
DAY1 = dt.date(2027, 3, 1)


def programme_create(**fields) -> ProgrammePage:
    home = HomePageFactory()
    values = {
        "title": "Mentoring programme",
        "slug": f"programme-{secrets.token_hex(3)}",
        "start_date": DAY1,
        "end_date": DAY1 + dt.timedelta(days=270),
        "locale": Locale.get_default(),
        **fields,
    }
    programme = ProgrammePage(**values)
    home.add_child(instance=programme)
    programme.save_revision().publish()
    return ProgrammePage.objects.get(pk=programme.pk)


def session_event(programme, *, day, hours="3", start=(10, 0), end=(13, 0), length=1, **extra):
    """An event of the programme with one agenda item a day from ``start`` to ``end``."""
    event = EventPageFactory(
        parent=programme,
        title=extra.pop("title", f"Session {day}"),
        start_date=day,
        end_date=day + dt.timedelta(days=length - 1),
        time_zone=KYIV,
        credit_hours=Decimal(hours),
        **extra,
    )
    for offset in range(length):
        SessionFactory(
            page=event,
            day=day + dt.timedelta(days=offset),
            start_time=dt.time(*start),
            end_time=dt.time(*end),
        )
    return event


def enrol(programme, email, *, cohort=None, events=()):
    enrolment = Enrolment.objects.create(
        programme=programme,
        cohort=cohort,
        given_name="Olena",
        family_name="Koval",
        email=email,
        email_normalised=normalise_email(email),
        sex="female",
        organisation="Patrol police",
        language="uk",
    )
    registrations = {e.pk: RegistrationFactory(event=e, email=email) for e in events}
    return enrolment, registrations


def kyiv(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(KYIV))


def check_in(registration, day, arrived, left=None, source="scan"):
    return CheckIn.objects.create(
        registration=registration,
        day=day,
        at=kyiv(day, *arrived),
        left_at=kyiv(day, *left) if left else None,
        nonce=secrets.token_hex(16),
        source=source,
    )


def test_progress_late_arrival_and_early_leave_count_partial_hours():
    programme = programme_create()
    first = session_event(programme, day=DAY1, hours="3")
    second = session_event(programme, day=DAY1 + dt.timedelta(days=30), hours="4", end=(14, 0))
    enrolment, regs = enrol(programme, "Olena@Example.org", events=[first, second])
    check_in(regs[first.pk], first.start_date, (11, 0))  # an hour late, stayed to the end
    check_in(regs[second.pk], second.start_date, (9, 30), (12, 0))  # left two hours early

    progress = enrolment_progress(enrolment)

    assert [s.hours_attended for s in progress.sessions] == [Decimal("2.00"), Decimal("2.00")]
    assert progress.hours_total == Decimal("7.00")
    assert progress.hours_attended == Decimal("4.00")
    assert progress.percent == Decimal("57.1")
    assert progress.final_attended is True
    assert progress.completed is False


def test_progress_multi_day_event_splits_hours_by_each_days_schedule():
    programme = programme_create(completion_needs_final=False)
    event = session_event(programme, day=DAY1, hours="12", length=2, start=(9, 0), end=(15, 0))
    SessionFactory(page=event, day=DAY1, start_time=dt.time(15, 0), end_time=dt.time(17, 0))
    # Day one is 09:00–17:00 (8 h), day two 09:00–15:00 (6 h): 12 hours split 8:6.
    enrolment, regs = enrol(programme, "a@example.org", events=[event])
    check_in(regs[event.pk], DAY1, (8, 30), (13, 0))  # 09:00–13:00: half of day one
    check_in(regs[event.pk], DAY1 + dt.timedelta(days=1), (9, 0), (15, 0))  # all of day two

    (session,) = enrolment_progress(enrolment).sessions

    assert session.hours_attended == Decimal("8.57")  # 12 × 4/14 + 12 × 6/14
    assert session.days_attended == 2
    assert session.arrived_at == kyiv(DAY1, 8, 30)
    assert session.left_at == kyiv(DAY1 + dt.timedelta(days=1), 15, 0)


def test_progress_day_without_agenda_counts_presence_as_the_days_share():
    programme = programme_create(completion_needs_final=False)
    event = EventPageFactory(
        parent=programme,
        start_date=DAY1,
        end_date=DAY1 + dt.timedelta(days=1),
        time_zone=KYIV,
        credit_hours=Decimal("10"),
    )
    enrolment, regs = enrol(programme, "b@example.org", events=[event])
    check_in(regs[event.pk], DAY1, (16, 0))

    progress = enrolment_progress(enrolment)

    assert progress.hours_attended == Decimal("5.00")
    assert progress.percent == Decimal("50.0")


def test_progress_completion_needs_the_final_session():
    programme = programme_create(completion_percent=50, completion_needs_final=True)
    first = session_event(programme, day=DAY1, hours="6")
    final = session_event(programme, day=DAY1 + dt.timedelta(days=60), hours="4")
    done, done_regs = enrol(programme, "done@example.org", events=[first, final])
    missed, missed_regs = enrol(programme, "missed@example.org", events=[first, final])
    for regs in (done_regs, missed_regs):
        check_in(regs[first.pk], DAY1, (10, 0))
    check_in(done_regs[final.pk], final.start_date, (12, 0))  # one hour of three: any counts

    progress = programme_progress(programme)

    assert progress[done.pk].final_attended is True
    assert progress[done.pk].completed is True
    assert progress[missed.pk].percent == Decimal("60.0")
    assert progress[missed.pk].final_attended is False
    assert progress[missed.pk].completed is False


def test_progress_completion_without_the_final_rule_needs_the_percent_only():
    programme = programme_create(completion_percent=60, completion_needs_final=False)
    first = session_event(programme, day=DAY1, hours="6")
    final = session_event(programme, day=DAY1 + dt.timedelta(days=60), hours="4")
    enough, regs = enrol(programme, "enough@example.org", events=[first, final])
    short, short_regs = enrol(programme, "short@example.org", events=[first, final])
    check_in(regs[first.pk], DAY1, (10, 0))
    check_in(short_regs[first.pk], DAY1, (10, 1))

    progress = programme_progress(programme)

    assert progress[enough.pk].completed is True
    assert progress[short.pk].percent == Decimal("59.7")
    assert progress[short.pk].completed is False


def test_progress_counts_only_the_events_of_the_persons_cohort():
    programme = programme_create(completion_needs_final=False)
    common = session_event(programme, day=DAY1, hours="3")
    kharkiv_only = session_event(programme, day=DAY1 + dt.timedelta(days=7), hours="5")
    lviv_only = session_event(programme, day=DAY1 + dt.timedelta(days=8), hours="2")
    kharkiv = Cohort.objects.create(programme=programme, name={"en": "Kharkiv"}, code="kharkiv")
    lviv = Cohort.objects.create(programme=programme, name={"en": "Lviv"}, code="lviv")
    kharkiv.events.add(kharkiv_only)
    lviv.events.add(lviv_only)
    person, regs = enrol(programme, "c@example.org", cohort=lviv, events=[common, lviv_only])
    check_in(regs[lviv_only.pk], lviv_only.start_date, (10, 0))

    progress = enrolment_progress(person)

    assert [s.event.pk for s in progress.sessions] == [common.pk, lviv_only.pk]
    assert progress.hours_total == Decimal("5.00")
    assert progress.hours_attended == Decimal("2.00")
    assert progress.sessions[1].is_final is True
    assert progress.sessions[0].status == "confirmed"


def test_progress_without_a_registration_lists_the_session_as_missed():
    programme = programme_create()
    event = session_event(programme, day=DAY1, hours="3")
    enrolment, _ = enrol(programme, "d@example.org")

    (session,) = enrolment_progress(enrolment).sessions

    assert (session.registration_id, session.status, session.hours_attended) == (
        None,
        "",
        Decimal("0.00"),
    )
    assert session.event.pk == event.pk


def _programme_of(size: int) -> ProgrammePage:
    programme = programme_create(slug=f"size-{size}")
    events = [
        session_event(programme, day=DAY1 + dt.timedelta(days=7 * i), hours="2")
        for i in range(size)
    ]
    cohort = Cohort.objects.create(programme=programme, name={"en": "A"}, code="a")
    cohort.events.add(events[-1])
    for n in range(size * 3):
        _, regs = enrol(programme, f"p{n}@example.org", cohort=cohort, events=events)
        check_in(regs[events[0].pk], DAY1, (10, 30), (12, 0))
    return programme


@pytest.mark.parametrize("size", [2, 6])
def test_programme_progress_reads_in_constant_queries(size, django_assert_max_num_queries):
    programme = _programme_of(size)
    programme = ProgrammePage.objects.select_related("locale").get(pk=programme.pk)

    with django_assert_max_num_queries(6):
        progress = programme_progress(programme)

    assert len(progress) == size * 3
    assert {p.hours_attended for p in progress.values()} == {Decimal("1.00")}
    assert {p.hours_total for p in progress.values()} == {Decimal(2 * size)}


def _rendered_sessions(programme, enrolment, language="en"):
    progress = enrolment_progress(enrolment)
    with translation.override(language):
        return render_to_string(
            "programmes/includes/personal_sessions.html",
            {"progress": progress, "programme": programme, "enrolment": enrolment, "key": "k"},
        )


def test_personal_sessions_show_hours_per_session_and_the_rule_in_words():
    programme = programme_create()
    first = session_event(programme, day=DAY1, hours="3", title="Opening training")
    final = session_event(programme, day=DAY1 + dt.timedelta(days=30), hours="2", title="Closing")
    enrolment, regs = enrol(programme, "e@example.org", events=[first, final])
    check_in(regs[first.pk], DAY1, (11, 30), source="roster")

    html = _rendered_sessions(programme, enrolment)

    text = " ".join(html.split())
    assert "Hours attended: 1.50 of 5 (30 %)" in text
    assert 'value="30.0"' in text
    assert "Complete at least 80 % of the hours and the final session." in text
    assert "Opening training</a></td> <td>3</td> <td>1.50</td> <td>Marked on the roster</td>" in (
        text
    )
    assert (
        'Closing</a> <span class="tag">final session</span></td> <td>2</td> <td>not attended'
        in text
    )


def test_personal_sessions_in_russian_state_the_rule_without_the_final_session():
    programme = programme_create(completion_percent=75, completion_needs_final=False)
    event = session_event(programme, day=DAY1, hours="4")
    enrolment, regs = enrol(programme, "f@example.org", events=[event])
    check_in(regs[event.pk], DAY1, (10, 0), (13, 0))

    text = " ".join(_rendered_sessions(programme, enrolment, "ru").split())

    assert "Посетите не менее 75 % часов." in text
    assert "Вы завершили программу." in text
