"""The post-event report for 3,500 participants with survey answers: building the figures and
the DOCX, XLSX and PDF exports, against reading the same rows from the same database (ratio).

In-process (no server): the report is built where the worker would build it.
"""

from __future__ import annotations

import json

from bench.harness import bench_env, django_shell, report

PARTICIPANTS = 3500

SETUP_AND_MEASURE = r"""
import datetime as dt, json, random, time
from django.utils import timezone, translation
from wagtail.models import Locale
from cms import demo
from cms.models import EventPage, Session
from registration.models import Registration
from registration.reports.models import Answer, Question, Recommendation, Survey, SurveyResponse
from registration.checkin.models import CheckIn

home = getattr(demo, "load_home", demo.load)()
today = timezone.localdate()
event = EventPage(title="Bench course", slug="bench-course",
                  start_date=today - dt.timedelta(days=12),
                  end_date=today - dt.timedelta(days=3), time_zone="Europe/Kyiv", country="UA",
                  locale=Locale.get_default())
home.add_child(instance=event)
event.save_revision().publish()
event = EventPage.objects.get(pk=event.pk)
session = Session.objects.create(page=event, day=event.start_date, start_time=dt.time(9),
                                 end_time=dt.time(10), title="Opening")
rng = random.Random(1)
now = timezone.now()
regs = Registration.objects.bulk_create([
    Registration(event=event, status=rng.choice(["confirmed"] * 8 + ["cancelled", "waitlisted"]),
                 given_name=f"Given{i}", family_name=f"Family{i}", email=f"p{i}@example.org",
                 email_normalised=f"p{i}@example.org", organisation="National Police",
                 organisation_type=rng.choice(["police", "ministry", "civil_society", "academia"]),
                 country=rng.choice(["UA", "MD", "GE", "KZ", "KG", "UZ", "AM"]),
                 sex=rng.choice(["female", "male", "undisclosed"]),
                 role=rng.choice(["participant", "participant", "mentor", "speaker"]),
                 interpretation_language=rng.choice(["uk", "en", "ru", ""]), language="uk",
                 consent_version="2026-01", consent_at=now, access_key=f"a{i}", badge_token=f"b{i}")
    for i in range(PARTICIPANTS)
], batch_size=500)
checkins = []
for reg in regs:
    for day in event.days[: rng.randint(0, len(event.days))]:
        checkins.append(CheckIn(registration=reg, day=day, at=now, nonce=f"{reg.pk}-{day}"))
CheckIn.objects.bulk_create(checkins, batch_size=2000)
survey = Survey.objects.create(event=event, title_i18n={"en": "Feedback"}, anonymous=False)
qs = Question.objects.bulk_create([
    Question(survey=survey, sort_order=0, kind="likert", text_i18n={"en": "Before"},
             phase="pre", pair="k"),
    Question(survey=survey, sort_order=1, kind="likert", text_i18n={"en": "After"},
             phase="post", pair="k"),
    Question(survey=survey, sort_order=2, kind="single", text_i18n={"en": "Length"},
             choices_i18n={"en": "Short\nRight\nLong"}),
    Question(survey=survey, sort_order=3, kind="multiple", text_i18n={"en": "Useful"},
             choices_i18n={"en": "A\nB\nC\nD"}),
    Question(survey=survey, sort_order=4, kind="text", text_i18n={"en": "Change?"}),
])
responses = SurveyResponse.objects.bulk_create(
    [SurveyResponse(survey=survey, registration=r, language="uk")
     for r in regs if rng.random() < 0.8],
    batch_size=1000)
answers = []
for resp in responses:
    answers += [Answer(response=resp, question=qs[0], value=rng.randint(1, 3)),
                Answer(response=resp, question=qs[1], value=rng.randint(3, 5)),
                Answer(response=resp, question=qs[2], value=rng.randint(0, 2))]
    answers += [Answer(response=resp, question=qs[3], value=v) for v in rng.sample(range(4), 2)]
    if rng.random() < 0.3:
        answers.append(Answer(response=resp, question=qs[4], text="More practice, please."))
Answer.objects.bulk_create(answers, batch_size=5000)
for i in range(5):
    Recommendation.objects.create(event=event, text=f"Recommendation {i}", order=i,
                                  session=session)

from django.db import connection
from django.test.utils import CaptureQueriesContext
from registration.reports import exporters as reports
from registration.reports.selectors import report_build

def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return min(times)

def read_rows():
    list(Registration.objects.filter(event=event).values_list(
        "status", "sex", "country", "organisation_type", "role", "interpretation_language"))
    list(CheckIn.objects.filter(registration__event=event).values_list("registration_id", "day"))
    list(Answer.objects.filter(question__survey=survey).values_list("question_id", "value", "text"))

with translation.override("en"):
    built = report_build(event=event)
    with CaptureQueriesContext(connection) as ctx:
        report_build(event=event)
    out = {
        "participants": len(regs), "checkins": len(checkins), "answers": len(answers),
        "queries": len(ctx.captured_queries),
        "read": best(read_rows),
        "build": best(lambda: report_build(event=event)),
        "docx": best(lambda: reports.report_docx(built), 2),
        "xlsx": best(lambda: reports.report_xlsx(built), 2),
        "pdf": best(lambda: reports.report_pdf(built), 1),
    }
print("RESULT " + json.dumps(out))
"""


def run() -> None:
    with bench_env("report") as env:
        output = django_shell(env, SETUP_AND_MEASURE.replace("PARTICIPANTS", str(PARTICIPANTS)))
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    r = json.loads(line.removeprefix("RESULT "))
    exports = r["build"] + r["docx"] + r["xlsx"] + r["pdf"]
    report(
        f"Report of {r['participants']} participants ({r['checkins']} check-ins, "
        f"{r['answers']} survey answers) vs reading the same rows",
        [
            ("read the same rows (baseline), ms", r["read"] * 1000, "ms"),
            ("build the report figures, ms", r["build"] * 1000, "ms"),
            ("DOCX with charts, ms", r["docx"] * 1000, "ms"),
            ("XLSX data annex, ms", r["xlsx"] * 1000, "ms"),
            ("PDF, ms", r["pdf"] * 1000, "ms"),
            ("queries to build the report", float(r["queries"]), "queries"),
            ("figures + all three exports / read rows", exports / r["read"], "x"),
        ],
        ("report figures / read the same rows", r["build"] / r["read"]),
    )
