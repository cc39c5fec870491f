"""The programme's impact report (``programmes.selectors.report``), its DOCX/XLSX/PDF files
and its staff screen: figures of a small known programme, constant queries at two sizes,
files in Russian and Ukrainian, and staff of another programme refused."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from cms.models import EventIndexPage, ProgrammePage
from conference.jobs import job_run
from conference.models import Job
from registration.checkin.models import CheckIn
from registration.models import Registration
from registration.models.registrations import normalise_email
from registration.programmes.models import Cohort, Enrolment
from registration.programmes.selectors.report import programme_report
from registration.programmes.services.report import (
    programme_report_file,
    programme_report_request,
)
from registration.reports.models import Answer, Question, Recommendation, Survey, SurveyResponse
from tests.factories import (
    CheckInFactory,
    EventPageFactory,
    HomePageFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 1)  # the report's "today": passed, never the clock's
E1, E2, E3, E4 = (
    dt.date(2027, 3, 10),
    dt.date(2027, 4, 10),
    dt.date(2027, 5, 10),
    dt.date(2027, 9, 1),
)


def programme_create(**fields) -> ProgrammePage:
    home = HomePageFactory()
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(title="Events", slug="events", locale=Locale.get_default())
        home.add_child(instance=index)
        index.save_revision().publish()
    values = {
        "title": "Mentoring programme",
        "slug": f"programme-{secrets.token_hex(3)}",
        "start_date": E1,
        "end_date": E4,
        "locale": Locale.get_default(),
        "completion_percent": 80,
        "completion_needs_final": False,
        **fields,
    }
    programme = ProgrammePage(**values)
    index.add_child(instance=programme)
    programme.save_revision().publish()
    return ProgrammePage.objects.get(pk=programme.pk)


def event(programme, day, *, hours, city="Kyiv", fmt="in_person", title=None):
    return EventPageFactory(
        parent=programme,
        title=title or f"Session {day}",
        start_date=day,
        end_date=day,
        time_zone="Europe/Kyiv",
        city=city,
        format=fmt,
        country="UA",
        credit_hours=Decimal(hours) if hours is not None else None,
    )


def enrol(programme, email, *, cohort, events, attended=(), **fields) -> Enrolment:
    """An enrolment, a registration for each event, a check-in at each of ``attended``."""
    enrolment = Enrolment.objects.create(
        programme=programme,
        cohort=cohort,
        given_name=fields.pop("given_name", "Olena"),
        family_name="Koval",
        email=email,
        email_normalised=normalise_email(email),
        language="uk",
        **fields,
    )
    regs = {}
    for e in events:
        regs[e.pk] = RegistrationFactory(event=e, email=email, sex=enrolment.sex)
        if e in attended:
            CheckInFactory(registration=regs[e.pk], day=e.start_date)
    enrolment.regs = regs
    return enrolment


def likert(survey, order, text, **fields):
    return Question.objects.create(
        survey=survey, sort_order=order, kind="likert", text_i18n={"en": text}, **fields
    )


def answer(survey, registration, values: dict):
    response = SurveyResponse.objects.create(
        survey=survey, registration=registration, language="uk"
    )
    for question, value in values.items():
        Answer.objects.create(response=response, question=question, value=value)


@pytest.fixture
def known():
    """Two cohorts, four people enrolled and one withdrawn, four events (Kyiv, online, Lviv,
    and Odesa still to come), surveys at the first and third event, two recommendations."""
    programme = programme_create()
    kyiv = event(programme, E1, hours="10", city="Kyiv", title="Opening training")
    online = event(programme, E2, hours="2", city="", fmt="online", title="Online session")
    lviv = event(programme, E3, hours="8", city="Lviv", title="Lviv workshop")
    odesa = event(programme, E4, hours=None, city="Odesa", title="Final conference")
    events = [kyiv, online, lviv, odesa]
    a = Cohort.objects.create(
        programme=programme,
        code="kharkiv",
        region="Kharkiv",
        name={"en": "Kharkiv group", "ru": "Харьковская группа"},
    )
    b = Cohort.objects.create(
        programme=programme, code="lviv", region="Lviv", name={"en": "Lviv group"}
    )
    anna = enrol(
        programme,
        "anna@example.org",
        cohort=a,
        events=events,
        sex="female",
        organisation="National Police",
        role="mentor",
        attended=(kyiv, online, lviv),
    )
    olena = enrol(
        programme,
        "olena@example.org",
        cohort=a,
        events=events,
        sex="female",
        organisation=" National  Police",
        role="mentee",
        attended=(kyiv, lviv),
    )
    enrol(
        programme,
        "ivan@example.org",
        cohort=b,
        events=events,
        sex="male",
        organisation="Ministry",
        role="mentor",
        attended=(online,),
    )
    enrol(
        programme,
        "petro@example.org",
        cohort=b,
        events=events,
        sex="male",
        organisation="Ministry",
        role="mentee",
        region="Lviv",
    )
    enrol(
        programme,
        "gone@example.org",
        cohort=b,
        events=[],
        sex="female",
        organisation="Ministry",
        status="withdrawn",
    )
    first = Survey.objects.create(event=kyiv, title_i18n={"en": "Opening survey"})
    confident = likert(first, 0, "How confident are you as a mentor?")
    pre = likert(first, 1, "Knowledge before", phase="pre", pair="knowledge")
    post = likert(first, 2, "Knowledge after", phase="post", pair="knowledge")
    answer(first, anna.regs[kyiv.pk], {confident: 2, pre: 1, post: 4})
    answer(first, olena.regs[kyiv.pk], {confident: 3, pre: 2, post: 4})
    last = Survey.objects.create(event=lviv, title_i18n={"en": "Workshop survey"})
    confident_again = likert(last, 0, "How  confident are you as a mentor?")
    answer(last, anna.regs[lviv.pk], {confident_again: 4})
    answer(last, olena.regs[lviv.pk], {confident_again: 5})
    Recommendation.objects.create(event=lviv, text="Train more women trainers", order=0)
    Recommendation.objects.create(event=kyiv, text="Hold monthly online meetings", order=0)
    return programme


def rows_of(report, key) -> dict[str, tuple]:
    return {
        r.label: (r.trained.enrolled, r.trained.attended, r.trained.completed)
        for r in report.breakdown(key).rows
    }


def test_figures_of_a_small_known_programme(known):
    with translation.override("en"):
        report = programme_report(known, today=TODAY)
    t = report.totals
    assert (t.enrolled, t.attended, t.completed, report.withdrawn) == (4, 3, 2, 1)
    assert t.completion_rate == 0.5
    # Anna 10+2+8, Olena 10+8, Ivan 2, Petro 0; each has 20 hours scheduled.
    assert t.hours_attended == Decimal("40")
    assert t.hours_planned == Decimal("80")
    assert rows_of(report, "sex") == {
        "Female": (2, 2, 2),
        "Male": (2, 1, 0),
        "Prefer not to say": (0, 0, 0),
    }
    assert rows_of(report, "region") == {"Kharkiv": (2, 2, 2), "Lviv": (2, 1, 0)}
    assert rows_of(report, "organisation") == {"National Police": (2, 2, 2), "Ministry": (2, 1, 0)}
    assert rows_of(report, "role") == {
        "Participant": (0, 0, 0),
        "Mentor": (2, 2, 1),
        "Mentee": (2, 1, 1),
        "Trainer": (0, 0, 0),
    }
    cohorts = {r.key: r.trained.completion_rate for r in report.breakdown("cohort").rows}
    assert cohorts == {"kharkiv": 1.0, "lviv": 0.0}
    cities = {c.label: (c.held, c.planned, c.attended) for c in report.cities}
    assert cities == {"Kyiv": (1, 1, 2), "Lviv": (1, 1, 2), "Odesa": (0, 1, 0), "Online": (1, 1, 2)}
    assert report.sessions_held == 3
    assert report.hours_delivered == Decimal("20")
    changes = {ba.key: (ba.before_mean, ba.after_mean, ba.change) for ba in report.before_after}
    # The same question at the first and the last survey; a before/after pair in one survey.
    assert changes == {
        "how confident are you as a mentor?": (2.5, 4.5, 2.0),
        "knowledge": (1.5, 4.0, 2.5),
    }
    assert [r.text for r in report.recommendations] == [
        "Hold monthly online meetings",
        "Train more women trainers",
    ]
    assert report.survey_responses == 4


def test_a_future_session_with_check_ins_counts_as_held(known):
    odesa = known.events().get(title="Final conference")
    CheckInFactory(
        registration=Registration.objects.filter(event=odesa).first(), day=odesa.start_date
    )
    report = programme_report(known, today=TODAY)
    assert {c.label: c.held for c in report.cities}["Odesa"] == 1
    # Before the first day, the sessions held are those with check-ins (here: all four).
    assert programme_report(known, today=E1 - dt.timedelta(days=1)).sessions_held == 4


def bulk_programme(cohorts: int, people: int) -> ProgrammePage:
    """A programme of ``cohorts`` cohorts and ``people`` participants (bulk rows), each with
    a cohort event of their own besides two common ones, surveys and recommendations."""
    programme = programme_create()
    common = [
        event(programme, E1, hours="6", city="Kyiv"),
        event(programme, E2, hours="2", city="", fmt="online"),
    ]
    own = []
    for i in range(cohorts):
        cohort = Cohort.objects.create(
            programme=programme, code=f"c{i}", region=f"Region {i % 4}", name={"en": f"Cohort {i}"}
        )
        e = event(programme, E3, hours="4", city=f"City {i % 3}")
        cohort.events.add(e)
        own.append((cohort, e))
    now = timezone.now()
    enrolments, regs = [], []
    for n in range(people):
        cohort, mine = own[n % cohorts]
        email = f"p{n}-{secrets.token_hex(2)}@example.org"
        enrolments.append(
            Enrolment(
                programme=programme,
                cohort=cohort,
                given_name=f"G{n}",
                family_name="F",
                email=email,
                email_normalised=email,
                sex=("female", "male")[n % 2],
                organisation=f"Org {n % 5}",
                region="",
                language="uk",
                role=("mentor", "mentee")[n % 2],
            )
        )
        for e in (*common, mine):
            regs.append(
                Registration(
                    event=e,
                    status="confirmed",
                    given_name=f"G{n}",
                    family_name="F",
                    email=email,
                    email_normalised=email,
                    organisation="Org",
                    organisation_type="police",
                    country="UA",
                    sex="female",
                    role="participant",
                    language="uk",
                    consent_version="2026-01",
                    consent_at=now,
                    access_key=secrets.token_hex(8),
                    badge_token=secrets.token_hex(8),
                )
            )
    Enrolment.objects.bulk_create(enrolments)
    regs = Registration.objects.bulk_create(regs)
    CheckIn.objects.bulk_create(
        CheckIn(registration=r, day=r.event.start_date, at=now, nonce=secrets.token_hex(8))
        for r in regs[::2]
    )
    for e in common:
        survey = Survey.objects.create(event=e, title_i18n={"en": "Survey"})
        q = likert(survey, 0, "Confidence")
        for r in [r for r in regs if r.event_id == e.pk][:20]:
            answer(survey, r, {q: 3})
        Recommendation.objects.create(event=e, text="More practice", order=0)
    return programme


def test_the_report_runs_in_constant_queries(django_assert_max_num_queries):
    small = bulk_programme(2, 10)
    large = bulk_programme(6, 60)
    counts = []
    for programme in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            report = programme_report(programme, today=TODAY)
        counts.append(len(ctx.captured_queries))
        assert len(report.breakdown("cohort").rows) in (2, 6)
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        report = programme_report(large, today=TODAY)
    assert report.totals.enrolled == 60
    assert report.totals.attended > 0


def docx_text(data: bytes) -> str:
    from docx import Document  # heavy, test-only reader

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_shapes(data: bytes) -> list:
    from docx import Document  # heavy, test-only reader

    return list(Document(io.BytesIO(data)).inline_shapes)


def xlsx_cells(data: bytes) -> dict[str, list]:
    from openpyxl import load_workbook  # heavy, test-only reader

    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def pdf_text(data: bytes) -> str:
    import pypdfium2  # heavy, test-only reader

    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


@pytest.mark.parametrize(
    ("language", "completed", "rate", "hours", "by_sex"),
    [
        ("ru", "Завершили", "Доля завершивших", "Часы присутствия (все участники)", "По полу"),
        (
            "uk",
            "Завершили",
            "Частка тих, хто завершив",
            "Години присутності (усі учасники)",
            "За статтю",
        ),
        (
            "kk",
            "Аяқтағандар",
            "Аяқтағандар үлесі",
            "Қатысу сағаттары (барлық қатысушылар)",
            "Жынысы бойынша",
        ),
    ],
)
def test_exports_open_and_hold_the_headline_figures(
    known, language, completed, rate, hours, by_sex
):
    name, data = programme_report_file(programme=known, fmt="docx", language=language, today=TODAY)
    assert name.endswith(f"-{language}.docx")
    text = docx_text(data)
    assert f"{completed}\n2" in text
    assert f"{rate}\n50%" in text
    assert f"{hours}\n40,0" in text  # the decimal comma of ru, uk and kk
    assert by_sex in text
    assert "Kyiv" in text
    # Each chart carries its numbers as alternative text (enrolled / completed per region).
    alts = [shape._inline.docPr.get("descr") or "" for shape in docx_shapes(data)]
    assert len(alts) >= 5
    assert all(alts)
    assert any("Kharkiv: 2 / 2; Lviv: 2 / 0." in alt for alt in alts)
    assert "Train more women trainers" in text

    _name, data = programme_report_file(programme=known, fmt="xlsx", language=language, today=TODAY)
    sheets = xlsx_cells(data)
    key = next(iter(sheets.values()))
    figures = {row[0]: row[1] for row in key[1:]}
    assert figures[completed] == 2
    assert figures[rate] == 0.5
    assert figures[hours] == 40.0
    # One sheet per breakdown and table; the sheet by sex counts the women who completed.
    assert len(sheets) >= 9
    assert sheets[by_sex][1][1:4] == [2, 2, 2]

    _name, data = programme_report_file(programme=known, fmt="pdf", language=language, today=TODAY)
    text = pdf_text(data)
    assert completed in text
    assert rate in text
    assert "50%" in text
    assert hours in text
    assert "40,0" in text


def test_a_formula_from_an_institution_stays_text(known):
    enrolment = Enrolment.objects.filter(programme=known, organisation="Ministry").first()
    enrolment.organisation = '=HYPERLINK("http://evil")'
    enrolment.save()
    _name, data = programme_report_file(programme=known, fmt="xlsx", language="en", today=TODAY)
    from openpyxl import load_workbook  # heavy, test-only reader

    book = load_workbook(io.BytesIO(data))
    cells = [
        c
        for ws in book
        for row in ws.iter_rows()
        for c in row
        if c.value and str(c.value).startswith("=HYPERLINK")
    ]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def login(client, user):
    client.force_login(user)


def staff_on(programme, role):
    from registration.programmes.permissions import programme_role_assign

    user = StaffUserFactory()
    programme_role_assign(user=user, programme=programme, role=role)
    return user


def test_the_staff_page_shows_the_report_in_the_chosen_language(known, client):
    login(client, staff_on(known, "reporter"))
    url = reverse("programmes_admin:report", args=[known.pk])
    response = client.get(url, {"language": "uk"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<caption id="c-sex">' in body
    assert 'data-figure="completed">2<' in body
    assert "Частка тих, хто завершив" in body
    assert "Kharkiv" in body
    # The whole report is in the chosen language, marked as such for screen readers.
    assert '<div lang="uk">' in body
    assert '<h2 id="h-recommendations">Рекомендації</h2>' in body


def refused(response) -> bool:
    """Wagtail turns the guard's 403 into "Sorry, you do not have permission" on the dashboard."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_staff_of_another_programme_are_refused(known, client):
    other = programme_create(title="Patrol police course")
    login(client, staff_on(other, "organiser"))
    assert client.get(reverse("programmes_admin:report", args=[other.pk])).status_code == 200
    response = client.get(reverse("programmes_admin:report", args=[known.pk]), follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "Kharkiv" not in response.content.decode()
    response = client.post(
        reverse("programmes_admin:report_export", args=[known.pk]),
        {"format": "xlsx", "language": "en"},
    )
    assert refused(response)
    assert not response.get("Content-Disposition")
    job = programme_report_request(programme=known, fmt="xlsx", language="en")
    assert job_run(job_id=job.pk) == "done"
    for name in ("report_job", "report_job_json", "report_download"):
        assert refused(client.get(reverse(f"programmes_admin:{name}", args=[known.pk, job.pk])))
        # Their own programme's id does not open another programme's export either.
        url = reverse(f"programmes_admin:{name}", args=[other.pk, job.pk])
        assert client.get(url, follow=True).status_code == 404
    # Check-in staff of this very programme are refused too: the report is for reporters.
    client.logout()
    login(client, staff_on(known, "checkin"))
    assert refused(client.get(reverse("programmes_admin:report", args=[known.pk])))


def test_a_large_programme_exports_through_the_worker(known, client, settings):
    settings.REPORT_INLINE_EXPORT_MAX = 1
    login(client, staff_on(known, "organiser"))
    response = client.post(
        reverse("programmes_admin:report_export", args=[known.pk]),
        {"format": "docx", "language": "ru"},
    )
    job = Job.objects.get(kind="programme_report")
    assert response.status_code == 302
    assert response.url.endswith(f"/{job.pk}/")
    status = client.get(reverse("programmes_admin:report_job_json", args=[known.pk, job.pk]))
    assert status.json()["download_url"] == ""
    assert job_run(job_id=job.pk) == "done"
    status = client.get(reverse("programmes_admin:report_job_json", args=[known.pk, job.pk]))
    assert status.json()["progress"] == 100
    download = client.get(status.json()["download_url"])
    assert download.status_code == 200
    text = docx_text(
        b"".join(download.streaming_content) if download.streaming else download.content
    )
    assert "Завершили" in text
