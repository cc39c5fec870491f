"""Demo programmes for ``manage.py load_demo`` (idempotent: a second run changes nothing).

The data is ``registration/programmes/demo.json``:

- the mentoring programme of the seeds: the mentors' training of ``cms/demo.json`` becomes
  its opening event (moved under the programme page with its copies; Wagtail keeps a
  redirect from the old address), six monthly online sessions follow it, four regional
  cohorts, 21 mentors and 21 mentees enrolled (one confirmed registration per event), their
  attendance (scanned at the training, self check-in or marked by the host online; some late,
  some leaving early) so that some completed and some did not, and 21 mentoring pairs, some
  with both consents;
- the 100-hour patrol-police course: twenty cohorts, each with its own dated event in its
  city and its trainers, and no one enrolled: the roster file shipped with the demo
  (``registration/programmes/demo/patrol-police-roster.xlsx``) is there to import by hand.

The demo staff (``registration/demo.json``) get their role on both programmes. People are
enrolled through ``enrolment_create`` and paired through ``pair_create``, as an organiser
would; their registrations are then confirmed and dated back, the enrolment e-mail recorded as
sent, and check-ins written directly, so that loading sends no e-mail. Runs before the
messaging demo, which records the training's confirmation for them like for everyone there.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale

from cms import demo as cms_demo
from cms.demo_events import joined, other_locales
from cms.models import (
    EventIndexPage,
    EventOrganiser,
    EventPage,
    FieldOfWork,
    Organiser,
    ProgrammeKind,
    ProgrammeOrganiser,
    ProgrammePage,
    ProgrammeStage,
    Session,
)
from registration import demo as registration_demo
from registration.checkin.models import CheckIn, CheckInSource
from registration.messaging.models import Message, MessageStatus
from registration.models.registrations import (
    Registration,
    RegistrationStatus,
    StatusChange,
    normalise_email,
)
from registration.programmes.demo_roster import PATROL_COHORTS, ROSTER_PATH
from registration.programmes.links import enrolment_url
from registration.programmes.models import Cohort, Enrolment, MentorPair
from registration.programmes.permissions import programme_role_assign
from registration.programmes.selectors.enrolment import enrolment_registrations
from registration.programmes.selectors.progress import programme_progress
from registration.programmes.services.enrolment import enrolment_create
from registration.programmes.services.mentoring import pair_consent, pair_create

DATA = Path(__file__).with_name("demo.json")
ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def content() -> dict[str, Any]:
    """``registration/programmes/demo.json``, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))


# --- pages -----------------------------------------------------------------------------------


def _end_of(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=zoneinfo.ZoneInfo(tz))


def _local(page, snippet):
    """``snippet`` in the page's locale when it has a copy there."""
    if snippet is None or snippet.locale_id == page.locale_id:
        return snippet
    return snippet.get_translation_or_none(page.locale) or snippet


def _snippets(spec: dict[str, Any], locale: Locale) -> tuple[list, list]:
    """The spec's organisers (key → role) and fields of work in ``locale`` (English names)."""
    names = cms_demo.content()["organisers"]
    organisers = [
        (Organiser.objects.get(name=names[key]["name"]["en"], locale=locale), role)
        for key, role in spec["organisers"].items()
    ]
    fields = list(FieldOfWork.objects.filter(slug__in=spec["fields_of_work"], locale=locale))
    return organisers, fields


def _programme(
    spec: dict[str, Any],
    *,
    index: EventIndexPage,
    locales: dict[str, Locale],
    kind: str,
    start: dt.date,
    end: dt.date,
    stages: list[dict[str, Any]],
) -> ProgrammePage:
    """The programme page in English (made once) and its copies in the data's languages."""
    en = locales["en"]
    text = {code: joined(fields) for code, fields in spec["text"].items()}
    page = ProgrammePage.objects.filter(slug=spec["slug"], locale=en).first()
    if page is None:
        organisers, fields = _snippets(spec, en)
        page = ProgrammePage(
            slug=spec["slug"],
            locale=en,
            kind=kind,
            start_date=start,
            end_date=end,
            completion_percent=spec["completion_percent"],
            certificate_signatory=spec["certificate_signatory"],
            contact_email=spec["contact_email"],
            **text["en"],
        )
        page.organisers = [
            ProgrammeOrganiser(organiser=organiser, role=role, sort_order=i)
            for i, (organiser, role) in enumerate(organisers)
        ]
        page.stages = [
            ProgrammeStage(
                title=stage["title"]["en"],
                starts=stage["starts"],
                ends=stage["ends"],
                description=stage["description"]["en"],
                sort_order=i,
            )
            for i, stage in enumerate(stages)
        ]
        index.add_child(instance=page)
        page.fields_of_work.set(fields)
        page.save_revision().publish()
        page = ProgrammePage.objects.get(pk=page.pk)
    for code, locale in other_locales(text, locales):
        if ProgrammePage.objects.filter(
            translation_key=page.translation_key, locale=locale
        ).exists():
            continue
        copy = page.copy_for_translation(locale)
        for name, value in text[code].items():
            setattr(copy, name, value)
        rows = list(copy.stages.order_by("sort_order"))
        for row, stage in zip(rows, stages, strict=True):
            row.title = stage["title"].get(code, row.title)
            row.description = stage["description"].get(code, row.description)
        copy.stages = rows
        organisers = list(copy.organisers.all())
        for row in organisers:
            row.organiser = _local(copy, row.organiser)
        copy.organisers = organisers
        copy.fields_of_work = [_local(copy, field) for field in copy.fields_of_work.all()]
        copy.save_revision().publish()
    return page


def _translate_event(event: EventPage, texts: dict[str, dict[str, Any]], locales) -> None:
    """The event's copy in each language of ``texts`` (under the programme's copy there),
    with its texts, agenda titles and the snippets of its own locale; made once."""
    for code, locale in other_locales(texts, locales):
        if EventPage.objects.filter(translation_key=event.translation_key, locale=locale).exists():
            continue
        copy = CopyPageForTranslationAction(page=event, locale=locale).execute(
            skip_permission_checks=True
        )
        copy = EventPage.objects.get(pk=copy.pk)
        fields = dict(texts[code])
        agenda_title = fields.pop("agenda_title", None)
        for name, value in fields.items():
            setattr(copy, name, value)
        sessions = list(copy.sessions.all())
        for session in sessions:
            session.title = agenda_title or session.title
        copy.sessions = sessions
        organisers = list(copy.organisers.all())
        for row in organisers:
            row.organiser = _local(copy, row.organiser)
        copy.organisers = organisers
        copy.fields_of_work = [_local(copy, field) for field in copy.fields_of_work.all()]
        copy.save_revision().publish()


def _child_event(
    parent: ProgrammePage,
    *,
    slug: str,
    spec: dict[str, Any],
    fields: dict[str, Any],
    agenda: list[Session],
    texts: dict[str, dict[str, Any]],
    locales: dict[str, Locale],
) -> EventPage:
    """An event under the programme (made once), in English and the texts' languages."""
    event = EventPage.objects.filter(slug=slug, locale=locales["en"]).first()
    if event is None:
        organisers, fields_of_work = _snippets(spec, locales["en"])
        english = dict(texts["en"])
        english.pop("agenda_title", None)
        event = EventPage(slug=slug, locale=locales["en"], **fields, **english)
        event.sessions = agenda
        event.organisers = [
            EventOrganiser(organiser=organiser, role=role, sort_order=i)
            for i, (organiser, role) in enumerate(organisers)
        ]
        parent.add_child(instance=event)
        event.fields_of_work.set(fields_of_work)
        event.save_revision().publish()
        event = EventPage.objects.get(pk=event.pk)
    _translate_event(event, texts, locales)
    return event


def _adopt(event: EventPage, programme: ProgrammePage, *, hours: Decimal, capacity: int) -> None:
    """Move every copy of ``event`` under the programme's copy in its language (a copy with
    no programme copy in its language stays where it is) and give it the programme's hours
    and room for the participants; an event already there is left alone."""
    for copy in EventPage.objects.filter(translation_key=event.translation_key).order_by("pk"):
        parent = ProgrammePage.objects.filter(
            translation_key=programme.translation_key, locale_id=copy.locale_id
        ).first()
        if parent is not None and copy.get_parent().pk != parent.pk:
            copy.move(parent, pos="last-child")
        copy = EventPage.objects.get(pk=copy.pk)
        if copy.credit_hours != hours or copy.capacity != capacity:
            page = copy.get_latest_revision_as_object()
            page.credit_hours = hours
            page.capacity = capacity
            page.save_revision().publish()


def _monday_on(day: dt.date) -> dt.date:
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


# --- the mentoring programme -----------------------------------------------------------------


def _mentoring_pages(index: EventIndexPage, locales) -> tuple[ProgrammePage, list[EventPage]]:
    spec = content()["mentoring"]
    opening = cms_demo.demo_events()[spec["opening_event"]]
    start = opening.start_date
    stages = [
        {
            **stage,
            "starts": start + dt.timedelta(days=stage["from"]),
            "ends": start + dt.timedelta(days=stage["to"]),
        }
        for stage in spec["stages"]
    ]
    programme = _programme(
        spec,
        index=index,
        locales=locales,
        kind=ProgrammeKind.PROGRAMME,
        start=start,
        end=start + dt.timedelta(days=spec["days"]),
        stages=stages,
    )
    _adopt(
        opening,
        programme,
        hours=Decimal(spec["opening_hours"]),
        capacity=spec["opening_capacity"],
    )
    online = spec["session"]
    tz = online["time_zone"]
    events = [EventPage.objects.get(pk=opening.pk)]
    for n, topic in enumerate(spec["sessions"], start=1):
        day = programme.start_date + dt.timedelta(days=online["every_days"] * n)
        texts = {
            code: {name: value.format(n=n, topic=topic[code]) for name, value in text.items()}
            | {"agenda_title": topic[code]}
            for code, text in spec["session_text"].items()
        }
        fields = {
            "start_date": day,
            "end_date": day,
            "time_zone": tz,
            "format": "online",
            "online_platform": online["platform"],
            "online_link": online["link"].format(n=n),
            "credit_hours": Decimal(online["hours"]),
            "country": "UA",
            "languages": online["languages"],
            "interpretation_languages": [],
            "contact_email": spec["contact_email"],
            "registration_closes": _end_of(day - dt.timedelta(days=1), tz),
            "capacity": online["capacity"],
            "invitation_only": True,
            "invitation_code": online["invitation_code"],
        }
        agenda = [
            Session(
                day=day,
                start_time=dt.time.fromisoformat(online["start"]),
                end_time=dt.time.fromisoformat(online["end"]),
                title=topic["en"],
                kind="training",
                floor_language="uk",
                sort_order=0,
            )
        ]
        events.append(
            _child_event(
                programme,
                slug=f"online-session-{n}",
                spec=spec,
                fields=fields,
                agenda=agenda,
                texts=texts,
                locales=locales,
            )
        )
    return programme, events


def _cohorts(programme: ProgrammePage, rows: list[dict[str, Any]]) -> dict[str, Cohort]:
    cohorts = {}
    for row in rows:
        cohort, _created = Cohort.objects.get_or_create(
            programme=programme,
            code=row["code"],
            defaults={
                "name": row["name"],
                "region": row["region"],
                "capacity": row.get("capacity"),
                "trainers": row.get("trainers", ""),
            },
        )
        cohorts[row["code"]] = cohort
    return cohorts


def _enrol(
    programme: ProgrammePage, cohort: Cohort, person: dict[str, Any], *, by, at: dt.datetime
) -> tuple[Enrolment, bool]:
    """The person's enrolment (made once by ``enrolment_create``, as an organiser would), then
    dated as the data says: their registrations confirmed and the enrolment e-mail recorded as
    sent back then, so that loading the demo sends no e-mail."""
    email = normalise_email(person["email"])
    enrolment = Enrolment.objects.filter(programme=programme, email_normalised=email).first()
    if enrolment is not None:
        return enrolment, False
    data = {
        "title": "ms",
        "given_name": person["given_name"],
        "family_name": person["family_name"],
        "email": person["email"],
        "sex": "female",
        "country": "UA",
        "organisation": person["organisation"],
        "organisation_type": "police",
        "position": person["position"],
        "programme_role": person["role"],
        "region": cohort.region,
    }
    enrolment = enrolment_create(
        programme=programme, cohort=cohort, data=data, language=person["language"], by=by
    ).enrolment
    registrations = enrolment_registrations(enrolment).values()
    for registration in registrations:
        if registration.status != RegistrationStatus.AWAITING_EMAIL:
            continue
        StatusChange.objects.create(
            registration=registration,
            from_status=registration.status,
            to_status=RegistrationStatus.CONFIRMED,
            note="demo data",
        )
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.CONFIRMED,
            email_confirmed_at=at + dt.timedelta(hours=2),
            consent_at=at,
            created_at=at,
        )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=at)
    Message.objects.filter(
        registration__in=[r.pk for r in registrations], kind="programme_enrolled"
    ).update(status=MessageStatus.SENT, attempts=1, sent_at=at)
    return enrolment, True


def _checkins(events: list[EventPage], person: dict[str, Any], *, staff, now: dt.datetime) -> int:
    """The person's attendance as the data's pattern says (one letter per event, in order),
    for the days that are over by ``now``; existing rows are left alone."""
    times = content()["mentoring"]["attendance"]
    email = normalise_email(person["email"])
    made = 0
    for event, mark in zip(events, person["attendance"], strict=True):
        if mark == "-":
            continue
        registration = Registration.objects.filter(event=event, email_normalised=email).first()
        if registration is None:
            continue
        if event.format == "in_person":  # the opening training: badges scanned at the door
            arrivals = {"F": ["training_arrive"] * 2, "H": ["training_arrive"]}.get(
                mark, ["training_late", "training_arrive"]
            )
            marks = [
                (day, times[key], None, CheckInSource.SCAN)
                for day, key in zip(event.days, arrivals, strict=False)
            ]
        else:
            day = event.start_date
            marks = [
                {
                    "F": (day, times["arrive"], None, CheckInSource.SELF),
                    "R": (day, times["arrive"], None, CheckInSource.ROSTER),
                    "L": (day, times["late"], None, CheckInSource.SELF),
                    "E": (day, times["arrive"], times["early_leave"], CheckInSource.SELF),
                }[mark]
            ]
        for day, arrived, left, source in marks:
            at = dt.datetime.combine(day, dt.time.fromisoformat(arrived), tzinfo=event.tz)
            if _end_of(day, event.time_zone) > now:
                continue
            left_at = (
                dt.datetime.combine(day, dt.time.fromisoformat(left), tzinfo=event.tz)
                if left
                else None
            )
            _row, created = CheckIn.objects.get_or_create(
                registration=registration,
                day=day,
                defaults={
                    "at": at,
                    "left_at": left_at,
                    "source": source,
                    "by": staff if source != CheckInSource.SELF else None,
                    "nonce": f"demo-programme-{registration.pk}-{day:%Y%m%d}",
                    "device": "demo",
                },
            )
            made += created
    return made


def _pairs(
    cohorts: dict[str, Cohort], people: dict[str, Enrolment], *, by, first_session: dt.date
) -> int:
    """Mentor k with mentee k of the data, in the mentor's cohort (``pair_create``, made
    once); the data's consents in turn (both, the mentor only, none), given on the day of the
    first online session."""
    spec = content()["mentoring"]
    mentors = [p for p in spec["people"] if p["role"] == "mentor"]
    mentees = {p["pair"]: p for p in spec["people"] if p["role"] == "mentee"}
    consented = dt.datetime.combine(first_session, dt.time(12, 30), tzinfo=dt.UTC)
    made = 0
    for mentor in mentors:
        mentee = people[mentees[mentor["pair"]]["email"]]
        if MentorPair.objects.filter(mentee=mentee).exists():
            continue
        pair = pair_create(
            cohort=cohorts[mentor["cohort"]], mentor=people[mentor["email"]], mentee=mentee, by=by
        )
        agreed = spec["consent"][mentor["pair"] % len(spec["consent"])]
        if agreed in ("both", "mentor"):
            pair_consent(pair=pair, enrolment=pair.mentor, now=consented)
        if agreed == "both":
            pair_consent(pair=pair, enrolment=mentee, now=consented)
        made += 1
    return made


def _mentoring(index: EventIndexPage, locales, *, now: dt.datetime) -> dict[str, Any]:
    spec = content()["mentoring"]
    programme, events = _mentoring_pages(index, locales)
    cohorts = _cohorts(programme, spec["cohorts"])
    users = get_user_model().objects
    organiser, checkin = (
        users.filter(username="organiser").first(),
        users.filter(username="checkin").first(),
    )
    enrolled_at = dt.datetime.combine(
        programme.start_date - dt.timedelta(days=40), dt.time(10), tzinfo=dt.UTC
    )
    people: dict[str, Enrolment] = {}
    new = attended = 0
    for person in spec["people"]:
        enrolment, created = _enrol(
            programme, cohorts[person["cohort"]], person, by=organiser, at=enrolled_at
        )
        people[person["email"]] = enrolment
        new += created
        attended += _checkins(events, person, staff=checkin, now=now)
    pairs = _pairs(cohorts, people, by=organiser, first_session=events[1].start_date)
    return {
        "programme": programme,
        "events": events,
        "cohorts": cohorts,
        "people": people,
        "new": new,
        "checkins": attended,
        "pairs": pairs,
    }


# --- the patrol-police course ----------------------------------------------------------------


def _course(index: EventIndexPage, locales) -> tuple[ProgrammePage, dict[str, Cohort]]:
    spec = content()["course"]
    today = timezone.localdate()
    extras = {row["code"]: row for row in spec["cohorts"]}
    starts = {
        code: _monday_on(today + dt.timedelta(days=extras[code]["start_in_days"]))
        for code, _region, _city in PATROL_COHORTS
    }
    last = max(starts.values()) + dt.timedelta(days=spec["days"] - 1)
    course = _programme(
        spec,
        index=index,
        locales=locales,
        kind=ProgrammeKind.COURSE,
        start=min(starts.values()),
        end=last,
        stages=[],
    )
    cohorts = {}
    tz = spec["time_zone"]
    for n, (code, region, city) in enumerate(PATROL_COHORTS, start=1):
        row = extras[code]
        cities = {lang: row["city"].get(lang, city) for lang in spec["cohort_text"]}
        existing = EventPage.objects.filter(slug=code, locale=locales["en"]).first()
        start = existing.start_date if existing is not None else starts[code]
        texts = {
            code_: {name: value.format(n=n, city=cities[code_]) for name, value in text.items()}
            | {"city": cities[code_]}
            for code_, text in spec["cohort_text"].items()
        }
        fields = {
            "start_date": start,
            "end_date": start + dt.timedelta(days=spec["days"] - 1),
            "time_zone": tz,
            "format": "in_person",
            "credit_hours": Decimal(spec["hours"]),
            "country": "UA",
            "languages": ["uk"],
            "interpretation_languages": [],
            "contact_email": spec["contact_email"],
            "contact_name": spec["text"]["en"]["contact_name"],
            "registration_closes": _end_of(start - dt.timedelta(days=7), tz),
            "capacity": spec["capacity"],
            "invitation_only": True,
            "invitation_code": spec["invitation_code"],
        }
        event = _child_event(
            course, slug=code, spec=spec, fields=fields, agenda=[], texts=texts, locales=locales
        )
        cohort = _cohorts(
            course,
            [
                {
                    "code": code,
                    "region": region,
                    "capacity": spec["capacity"],
                    "trainers": row["trainers"],
                    "name": {
                        lang: name.format(n=n, city=row["city"].get(lang, cities["ru"]))
                        for lang, name in spec["cohort_name"].items()
                    },
                }
            ],
        )[code]
        if not cohort.events.filter(pk=event.pk).exists():
            cohort.events.add(event)
        cohorts[code] = cohort
    return course, cohorts


# --- staff and the summary -------------------------------------------------------------------


def _staff(programmes: list[ProgrammePage]) -> None:
    """The demo staff get their role (``registration/demo.json``) on each programme."""
    users = get_user_model().objects
    for row in registration_demo.content()["staff"]:
        user = users.filter(username=row["username"]).first()
        if user is None:
            continue
        for programme in programmes:
            programme_role_assign(user=user, programme=programme, role=row["role"])


@transaction.atomic
def load(*, write: Callable[[str], None] | None = None, now: dt.datetime | None = None) -> dict:
    """The two demo programmes with their events, cohorts, people, attendance and pairs,
    and the demo staff's roles on them; what exists is left alone.

    ``write`` takes one line of the summary (``load_demo`` passes its stdout); ``now`` is the
    moment up to which attendance is recorded (tests pass it). Returns the programmes by kind.
    """
    write = write or registration_demo.stdout_writer()
    now = now or timezone.now()
    locales = cms_demo.ensure_locales()
    index = EventIndexPage.objects.get(locale=locales["en"])
    mentoring = _mentoring(index, locales, now=now)
    course, course_cohorts = _course(index, locales)
    programme = mentoring["programme"]
    _staff([programme, course])

    progress = programme_progress(programme)
    completed = sum(p.completed for p in progress.values())
    pairs = MentorPair.objects.filter(cohort__programme=programme).count()
    write(
        f"  Programme “{programme.title}”: {len(mentoring['people'])} enrolled "
        f"({mentoring['new']} new) in {len(mentoring['cohorts'])} cohorts, "
        f"{len(mentoring['events'])} events, {pairs} mentoring pairs, {completed} completed so far."
    )
    write(f"  Course “{course.title}”: {len(course_cohorts)} cohorts, each with its own event.")
    for role in ("mentee", "mentor"):
        enrolment = next(e for e in mentoring["people"].values() if e.role == role)
        write(
            f"    Personal programme page of a {role} ({enrolment.given_name} "
            f"{enrolment.family_name}): {enrolment_url(enrolment)}"
        )
    overview = reverse("programmes_admin:overview", args=[programme.pk])
    write(f"    Programme overview (log in as organiser): {settings.SITE_URL}{overview}")
    roster = reverse("programmes_roster:index", args=[course.pk])
    write(
        f"    Roster file to import into the course: {ROSTER_PATH.relative_to(ROOT)} "
        f"(log in as organiser: {settings.SITE_URL}{roster})"
    )
    return {"programme": programme, "course": course}
