"""The programme's impact report over 100 cohorts and 3,500 participants (each registered for
two common events and their cohort's own, half of the registrations checked in, two surveys):
building the figures and the DOCX, XLSX and PDF, against reading the same rows from the same
database (ratio). In-process (no server): the report is built where the worker would build it.
"""

from __future__ import annotations

import json

from bench.harness import bench_env, django_shell, report

COHORTS = 100
PARTICIPANTS = 3500

SETUP_AND_MEASURE = r"""
import datetime as dt, json, random, secrets, time
from decimal import Decimal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Locale
from cms import demo
from cms.models import EventIndexPage, EventPage, ProgrammePage
from registration.checkin.models import CheckIn
from registration.models import Registration
from registration.programmes import exporters
from registration.programmes.models import Cohort, Enrolment
from registration.programmes.selectors.report import programme_report
from registration.reports.models import Answer, Question, Recommendation, Survey, SurveyResponse

home = getattr(demo, "load_home", demo.load)()
locale = Locale.get_default()
index = EventIndexPage.objects.child_of(home).first()
if index is None:
    index = home.add_child(instance=EventIndexPage(title="Events", slug="bench-events",
                                                   locale=locale))
today = dt.date(2027, 6, 1)
programme = index.add_child(instance=ProgrammePage(
    title="Bench course", slug="bench-course", start_date=dt.date(2027, 1, 10),
    end_date=dt.date(2027, 12, 20), locale=locale, kind="course"))
rng = random.Random(1)

def event(title, day, hours, city, fmt="in_person"):
    return programme.add_child(instance=EventPage(
        title=title, slug=f"e-{secrets.token_hex(4)}", start_date=day, end_date=day,
        time_zone="Europe/Kyiv", city=city, format=fmt, country="UA", locale=locale,
        credit_hours=Decimal(hours), live=True))

common = [event("Opening", dt.date(2027, 1, 10), "20", "Kyiv"),
          event("Online module", dt.date(2027, 2, 10), "40", "", "online")]
cities = ["Kyiv", "Kharkiv", "Lviv", "Odesa", "Dnipro", "Poltava", "Vinnytsia", "Kherson"]
own = []
for i in range(COHORTS):
    cohort = Cohort.objects.create(programme=programme, code=f"c{i:03d}",
                                   region=cities[i % len(cities)], name={"en": f"Class {i}"})
    e = event(f"Class {i}", dt.date(2027, 3, 1) + dt.timedelta(days=i * 3), "40",
              cities[i % len(cities)])
    cohort.events.add(e)
    own.append((cohort, e))
now = timezone.now()
enrolments, regs = [], []
for n in range(PARTICIPANTS):
    cohort, mine = own[n % COHORTS]
    email = f"officer{n}@example.org"
    enrolments.append(Enrolment(
        programme=programme, cohort=cohort, given_name=f"G{n}", family_name="F", email=email,
        email_normalised=email, sex=rng.choice(["female", "male", "undisclosed"]),
        organisation=rng.choice(["Patrol police", "National Police", "Academy"]),
        region="", language="uk", role=rng.choice(["participant"] * 9 + ["trainer"]),
        access_key=secrets.token_urlsafe(16)))
    for e in (*common, mine):
        regs.append(Registration(
            event=e, status="confirmed", given_name=f"G{n}", family_name="F", email=email,
            email_normalised=email, organisation="Police", organisation_type="police",
            country="UA", sex="female", role="participant", language="uk",
            consent_version="2026-01", consent_at=now, access_key=f"a{len(regs)}",
            badge_token=f"b{len(regs)}"))
Enrolment.objects.bulk_create(enrolments, batch_size=1000)
regs = Registration.objects.bulk_create(regs, batch_size=1000)
CheckIn.objects.bulk_create(
    [CheckIn(registration=r, day=r.event.start_date, at=now, nonce=f"n{r.pk}")
     for r in regs if rng.random() < 0.6], batch_size=2000)
answers = 0
for e, pair_phase in ((common[0], "pre"), (common[1], "post")):
    survey = Survey.objects.create(event=e, title_i18n={"en": "Survey"})
    q = Question.objects.create(survey=survey, sort_order=0, kind="likert",
                                text_i18n={"en": "Confidence"}, phase=pair_phase, pair="conf")
    responses = SurveyResponse.objects.bulk_create(
        [SurveyResponse(survey=survey, registration=r, language="uk")
         for r in regs if r.event_id == e.pk and rng.random() < 0.7], batch_size=1000)
    Answer.objects.bulk_create([Answer(response=resp, question=q, value=rng.randint(1, 5))
                                for resp in responses], batch_size=2000)
    answers += len(responses)
    for i in range(3):
        Recommendation.objects.create(event=e, text=f"Recommendation {i}", order=i)

def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return min(times)

event_ids = [e.pk for e in common] + [e.pk for _c, e in own]

def read_rows():
    list(Enrolment.objects.filter(programme=programme).values_list(
        "pk", "status", "sex", "organisation", "region", "role", "cohort_id", "email_normalised"))
    list(Registration.objects.filter(event_id__in=event_ids).values_list(
        "pk", "event_id", "email_normalised", "status"))
    list(CheckIn.objects.filter(registration__event_id__in=event_ids).values_list(
        "registration_id", "day", "at", "left_at"))
    list(Answer.objects.filter(question__survey__event_id__in=event_ids).values_list(
        "question_id", "value"))

with translation.override("uk"):
    built = programme_report(programme, today=today)
    with CaptureQueriesContext(connection) as ctx:
        programme_report(programme, today=today)
    out = {
        "cohorts": COHORTS, "participants": len(enrolments), "registrations": len(regs),
        "answers": answers, "queries": len(ctx.captured_queries),
        "completed": built.totals.completed,
        "read": best(read_rows),
        "build": best(lambda: programme_report(programme, today=today)),
        "docx": best(lambda: exporters.report_docx(built), 1),
        "xlsx": best(lambda: exporters.report_xlsx(built), 1),
        "pdf": best(lambda: exporters.report_pdf(built), 1),
    }
print("RESULT " + json.dumps(out))
"""


def run() -> None:
    code = SETUP_AND_MEASURE.replace("COHORTS", str(COHORTS)).replace(
        "PARTICIPANTS", str(PARTICIPANTS)
    )
    with bench_env("programme_report") as env:
        output = django_shell(env, code)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    r = json.loads(line.removeprefix("RESULT "))
    report(
        f"Programme report of {r['participants']} participants in {r['cohorts']} cohorts "
        f"({r['registrations']} registrations, {r['answers']} survey answers) vs reading the "
        "same rows",
        [
            ("read the same rows (baseline), ms", r["read"] * 1000, "ms"),
            ("build the report figures, ms", r["build"] * 1000, "ms"),
            ("DOCX with charts, ms", r["docx"] * 1000, "ms"),
            ("XLSX data annex, ms", r["xlsx"] * 1000, "ms"),
            ("PDF, ms", r["pdf"] * 1000, "ms"),
            ("queries to build the report", float(r["queries"]), "queries"),
        ],
        ("programme report figures / read the same rows", r["build"] / r["read"]),
    )
