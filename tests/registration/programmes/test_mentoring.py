"""Mentor–mentee pairs: the rules of a pair, the pairs file (dry run, bad rows, imported twice),
consent on both sides before contact is shown, and the staff screen's guard
(``programmes.services.mentoring``, ``programmes.selectors.mentoring``)."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook
from wagtail.models import Locale

from cms.models import ProgrammePage
from registration.models.registrations import normalise_email
from registration.programmes.links import enrolment_key, enrolment_url
from registration.programmes.models import Cohort, Enrolment, MentorPair
from registration.programmes.permissions import programme_role_assign
from registration.programmes.selectors.mentoring import (
    cohort_pairs,
    mentoring_partners,
    pair_for,
    programme_pairs,
)
from registration.programmes.services.mentoring import (
    CREATE,
    ERROR,
    SKIP,
    MentoringError,
    pair_consent,
    pair_consent_withdraw,
    pair_create,
    pair_delete,
    pairs_import,
)
from tests.factories import EventPageFactory, HomePageFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DAY1 = dt.date(2027, 3, 1)
NOW = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)


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


def cohort_create(programme, code="kharkiv", name="Kharkiv") -> Cohort:
    return Cohort.objects.create(programme=programme, code=code, name={"en": name})


def person(programme, cohort, name, role, **extra) -> Enrolment:
    email = extra.pop("email", f"{name.lower()}@example.org")
    return Enrolment.objects.create(
        programme=programme,
        cohort=cohort,
        role=role,
        given_name=name,
        family_name=extra.pop("family_name", "Koval"),
        email=email,
        email_normalised=normalise_email(email),
        sex="female",
        organisation=extra.pop("organisation", f"{name} police department"),
        language=extra.pop("language", "en"),
        **extra,
    )


@pytest.fixture
def world():
    programme = programme_create()
    kharkiv = cohort_create(programme)
    lviv = cohort_create(programme, "lviv", "Lviv")
    return {
        "programme": programme,
        "kharkiv": kharkiv,
        "lviv": lviv,
        "mentor": person(programme, kharkiv, "Olena", "mentor"),
        "trainer": person(programme, kharkiv, "Iryna", "trainer"),
        "mentee": person(programme, kharkiv, "Oksana", "mentee"),
        "mentee2": person(programme, kharkiv, "Maria", "mentee"),
        "participant": person(programme, kharkiv, "Taras", "participant"),
        "lviv_mentee": person(programme, lviv, "Sofia", "mentee"),
    }


# --- pairing rules -------------------------------------------------------------------------


def test_pair_create_pairs_a_mentor_and_a_mentee_of_the_cohort(world):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    assert (pair.mentor, pair.mentee, pair.cohort) == (
        world["mentor"],
        world["mentee"],
        world["kharkiv"],
    )
    assert not pair.contact_shared


def test_pair_create_a_trainer_may_mentor_several_mentees(world):
    pair_create(cohort=world["kharkiv"], mentor=world["trainer"], mentee=world["mentee"])
    pair_create(cohort=world["kharkiv"], mentor=world["trainer"], mentee=world["mentee2"])

    assert [p.mentee for p in pair_for(world["trainer"])] == [world["mentee2"], world["mentee"]]


@pytest.mark.parametrize(
    ("mentor", "mentee", "code", "sentence"),
    [
        ("mentor", "mentor", "self", "A person cannot be their own mentor."),
        ("mentee", "mentee2", "mentor_role", "Only a person enrolled as a mentor"),
        ("participant", "mentee", "mentor_role", "Only a person enrolled as a mentor"),
        ("mentor", "participant", "mentee_role", "Only a person enrolled as a mentee"),
        ("mentor", "trainer", "mentee_role", "Only a person enrolled as a mentee"),
        ("mentor", "lviv_mentee", "mentee_not_in_cohort", "The mentee is not enrolled in this"),
    ],
)
def test_pair_create_refuses_against_the_rules(world, mentor, mentee, code, sentence):
    with pytest.raises(MentoringError) as caught:
        pair_create(cohort=world["kharkiv"], mentor=world[mentor], mentee=world[mentee])

    assert caught.value.code == code
    assert caught.value.message.startswith(sentence)
    assert not MentorPair.objects.exists()


def test_pair_create_one_mentor_per_mentee(world):
    pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    with pytest.raises(MentoringError) as again:
        pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    with pytest.raises(MentoringError) as other:
        pair_create(cohort=world["kharkiv"], mentor=world["trainer"], mentee=world["mentee"])

    assert (again.value.code, other.value.code) == ("already_paired", "mentee_has_mentor")
    assert MentorPair.objects.count() == 1


def test_pair_create_refuses_a_withdrawn_mentor(world):
    world["mentor"].status = "withdrawn"
    world["mentor"].save()

    with pytest.raises(MentoringError) as caught:
        pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    assert caught.value.code == "mentor_not_in_cohort"


def test_pair_create_speaks_the_active_language(world):
    from django.utils import translation

    with translation.override("uk"), pytest.raises(MentoringError) as caught:
        pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentor"])

    assert caught.value.message != "A person cannot be their own mentor."


def test_cohort_pairs_lists_pairs_and_who_is_unpaired(world, django_assert_num_queries):
    pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    with django_assert_num_queries(2):
        kharkiv = cohort_pairs(world["kharkiv"])

    assert [(p.mentor, p.mentee) for p in kharkiv.pairs] == [(world["mentor"], world["mentee"])]
    assert kharkiv.unpaired_mentors == [world["trainer"]]
    assert kharkiv.unpaired_mentees == [world["mentee2"]]
    assert sorted(m.given_name for m in kharkiv.mentors) == ["Iryna", "Olena"]


@pytest.mark.parametrize("size", [2, 8])
def test_programme_pairs_reads_in_constant_queries(world, size, django_assert_num_queries):
    programme = world["programme"]
    for n in range(size):
        cohort = cohort_create(programme, f"c{n}", f"Cohort {n}")
        mentor = person(programme, cohort, f"Mentor{n}", "mentor")
        mentee = person(programme, cohort, f"Mentee{n}", "mentee")
        pair_create(cohort=cohort, mentor=mentor, mentee=mentee)
        person(programme, cohort, f"Alone{n}", "mentee")

    programme = ProgrammePage.objects.select_related("locale").get(pk=programme.pk)

    with django_assert_num_queries(3):
        cohorts = programme_pairs(programme)
        names = [(p.mentor.given_name, p.mentee.given_name) for c in cohorts for p in c.pairs]

    assert len(names) == size
    assert len(cohorts) == size + 2


def test_pair_delete_frees_the_mentee(world):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    pair_delete(pair=pair)

    assert pair_for(world["mentee"]) is None
    assert world["mentee"] in cohort_pairs(world["kharkiv"]).unpaired_mentees


# --- consent ---------------------------------------------------------------------------------


def test_contact_is_shared_only_after_both_consent(world):
    RegistrationFactory(
        event=EventPageFactory(parent=world["programme"]),
        email=world["mentee"].email,
        phone="+380501234567",
    )
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    pair_consent(pair=pair, enrolment=world["mentor"], now=NOW)
    (seen_by_mentor,) = mentoring_partners(world["mentor"])
    (seen_by_mentee,) = mentoring_partners(world["mentee"])

    assert (seen_by_mentor.person, seen_by_mentor.email, seen_by_mentor.phone) == (
        world["mentee"],
        "",
        "",
    )
    assert (seen_by_mentee.person, seen_by_mentee.email) == (world["mentor"], "")
    assert (seen_by_mentee.is_my_mentor, seen_by_mentee.they_consented) == (True, True)

    pair_consent(pair=pair, enrolment=world["mentee"], now=NOW)
    (seen_by_mentor,) = mentoring_partners(world["mentor"])
    (seen_by_mentee,) = mentoring_partners(world["mentee"])

    assert (seen_by_mentor.email, seen_by_mentor.phone) == ("oksana@example.org", "+380501234567")
    assert (seen_by_mentee.email, seen_by_mentee.phone) == ("olena@example.org", "")
    pair.refresh_from_db()
    assert pair.mentor_consent_at == NOW == pair.mentee_consent_at


def test_consent_withdrawal_hides_the_contact_again(world):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    pair_consent(pair=pair, enrolment=world["mentor"], now=NOW)
    pair_consent(pair=pair, enrolment=world["mentee"], now=NOW)

    pair_consent_withdraw(pair=pair, enrolment=world["mentee"])

    (seen_by_mentor,) = mentoring_partners(world["mentor"])
    assert (seen_by_mentor.email, seen_by_mentor.shared) == ("", False)
    pair.refresh_from_db()
    assert (pair.mentor_consent_at, pair.mentee_consent_at) == (NOW, None)


def test_consent_again_keeps_the_first_time(world):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    pair_consent(pair=pair, enrolment=world["mentee"], now=NOW)

    pair_consent(pair=pair, enrolment=world["mentee"], now=NOW + dt.timedelta(days=3))

    pair.refresh_from_db()
    assert pair.mentee_consent_at == NOW


def test_consent_by_someone_outside_the_pair_is_refused(world):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    with pytest.raises(MentoringError) as caught:
        pair_consent(pair=pair, enrolment=world["mentee2"], now=NOW)

    assert caught.value.code == "not_in_pair"
    pair.refresh_from_db()
    assert (pair.mentor_consent_at, pair.mentee_consent_at) == (None, None)


# --- the pairs file --------------------------------------------------------------------------


def csv_file(text: str, name: str = "pairs.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("pairs.xlsx", buffer.getvalue())


GOOD = "Mentor e-mail,Mentee e-mail\nolena@example.org,oksana@example.org\n"


def test_pairs_import_dry_run_reports_and_writes_nothing(world):
    report = pairs_import(programme=world["programme"], file=csv_file(GOOD), dry_run=True)

    assert [(r.line, r.status, r.cohort) for r in report.rows] == [(2, CREATE, world["kharkiv"])]
    assert (report.valid, report.written) == (True, False)
    assert not MentorPair.objects.exists()


def test_pairs_import_twice_creates_nothing_new(world):
    first = pairs_import(programme=world["programme"], file=csv_file(GOOD), dry_run=False)
    second = pairs_import(programme=world["programme"], file=csv_file(GOOD), dry_run=False)

    assert (first.created, first.written) == (1, True)
    assert [(r.status, r.code) for r in second.rows] == [(SKIP, "already_paired")]
    assert (second.created, second.written) == (0, False)
    assert MentorPair.objects.get().mentee == world["mentee"]


def test_pairs_import_a_bad_row_writes_nothing_and_says_why(world):
    text = (
        "OLENA@example.org;oksana@example.org\n"  # fine (case does not matter)
        "iryna@example.org;not-an-address\n"
        "iryna@example.org;nobody@example.org\n"
        "iryna@example.org;taras@example.org\n"
        "olena@example.org;sofia@example.org\n"
        "iryna@example.org;oksana@example.org\n"
        "olena@example.org;oksana@example.org\n"
        ";maria@example.org\n"
        '=HYPERLINK("http://evil");maria@example.org\n'
    )

    report = pairs_import(programme=world["programme"], file=csv_file(text), dry_run=False)

    assert [(r.line, r.status, r.code) for r in report.rows] == [
        (1, CREATE, ""),
        (2, ERROR, "bad_email"),
        (3, ERROR, "not_enrolled"),
        (4, ERROR, "mentee_role"),
        (5, ERROR, "different_cohorts"),
        (6, ERROR, "mentee_has_mentor"),
        (7, SKIP, "repeated"),
        (8, ERROR, "missing_email"),
        (9, ERROR, "bad_email"),
    ]
    assert report.rows[1].reason == "“not-an-address” is not an e-mail address."
    assert report.rows[5].reason == "This mentee is paired with another mentor on line 1."
    assert (report.valid, report.written) == (False, False)
    assert not MentorPair.objects.exists()


def test_pairs_import_for_one_cohort_refuses_people_of_another(world):
    text = "olena@example.org,sofia@example.org\n"

    report = pairs_import(cohort=world["kharkiv"], file=csv_file(text), dry_run=False)

    assert [(r.status, r.code) for r in report.rows] == [(ERROR, "mentee_not_in_cohort")]
    assert not MentorPair.objects.exists()


def test_pairs_import_reads_xlsx_with_named_columns_in_any_order_never_a_formula(world):
    rows = [
        ["Mentee", "Mentor"],
        ["oksana@example.org", "olena@example.org"],
        [None, None],
        ["maria@example.org", "=1+1"],
    ]
    report = pairs_import(programme=world["programme"], file=xlsx_file(rows), dry_run=True)

    # A formula is neither evaluated nor kept: the cell reads as the value Excel saved (none).
    assert [(r.line, r.mentor_email, r.mentee_email, r.status, r.code) for r in report.rows] == [
        (2, "olena@example.org", "oksana@example.org", CREATE, ""),
        (4, "", "maria@example.org", ERROR, "missing_email"),
    ]


def test_pairs_import_reads_windows_1251_csv(world):
    text = "Наставник;Менті\nolena@example.org;oksana@example.org\n"

    report = pairs_import(
        programme=world["programme"], file=csv_file(text, encoding="cp1251"), dry_run=False
    )

    assert (report.created, report.written) == (1, True)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("pairs.pdf", b"%PDF-1.4"), "file_type"),
        (SimpleUploadedFile("pairs.xlsx", b"not a zip at all"), "file_type"),
        (SimpleUploadedFile("pairs.xlsx", b"PK\x03\x04broken"), "unreadable"),
        (SimpleUploadedFile("pairs.csv", b"a@b.org,c@d.org\n" * 150_000), "too_large"),
        (SimpleUploadedFile("pairs.csv", b"a@b.org,c@d.org\n" * 2001), "too_many_rows"),
        (SimpleUploadedFile("pairs.csv", b"\n\n,\n"), "empty"),
    ],
)
def test_pairs_import_refuses_a_bad_file_with_a_sentence(world, upload, code):
    report = pairs_import(programme=world["programme"], file=upload, dry_run=False)

    assert (report.problem_code, report.valid, report.rows) == (code, False, [])
    assert report.problem.endswith(".")
    assert not MentorPair.objects.exists()


# --- the staff screen ------------------------------------------------------------------------


def staff_client(client, programme, role="organiser", username="organiser"):
    user = get_user_model().objects.create_user(username, password="pw")
    programme_role_assign(user=user, programme=programme, role=role)
    client.force_login(user)
    return client


def test_staff_screen_lists_pairs_unpaired_and_only_the_cohorts_people(world, client):
    other = programme_create(title="Patrol police course")
    stranger = person(other, cohort_create(other, "astana"), "Stranger", "mentee")
    pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    staff_client(client, world["programme"], role="registration_manager")

    response = client.get(reverse("programmes_mentoring:pairs", args=[world["programme"].pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>Mentoring pairs of Kharkiv</caption>" in page
    assert "Olena Koval, Olena police department" in page
    assert f'<option value="{world["mentee2"].pk}">Koval Maria' in page  # unpaired mentee
    assert f'<option value="{world["mentee"].pk}">' not in page  # paired already
    assert f'<option value="{world["participant"].pk}">' not in page
    assert 'for="id_cohort-{}-mentor"'.format(world["kharkiv"].pk) in page
    assert stranger.given_name not in page
    # The upload's help is tied to its input.
    assert 'aria-describedby="id_file_help"' in page
    assert 'id="id_file_help"' in page


def test_staff_screen_pairs_and_removes(world, client):
    staff_client(client, world["programme"])
    programme_id, cohort = world["programme"].pk, world["kharkiv"]

    response = client.post(
        reverse("programmes_mentoring:add", args=[programme_id]),
        {
            "cohort": cohort.pk,
            f"cohort-{cohort.pk}-mentor": world["trainer"].pk,
            f"cohort-{cohort.pk}-mentee": world["mentee"].pk,
        },
        follow=True,
    )

    assert "The pair is made." in response.content.decode()
    pair = MentorPair.objects.get()
    assert (pair.mentor, pair.mentee) == (world["trainer"], world["mentee"])

    response = client.post(
        reverse("programmes_mentoring:remove", args=[programme_id]), {"pair": pair.pk}, follow=True
    )

    assert "The pair is removed." in response.content.decode()
    assert not MentorPair.objects.exists()


def test_staff_screen_refuses_a_mentee_of_another_cohort(world, client):
    staff_client(client, world["programme"])
    cohort = world["kharkiv"]

    response = client.post(
        reverse("programmes_mentoring:add", args=[world["programme"].pk]),
        {
            "cohort": cohort.pk,
            f"cohort-{cohort.pk}-mentor": world["mentor"].pk,
            f"cohort-{cohort.pk}-mentee": world["lviv_mentee"].pk,
        },
        follow=True,
    )

    assert "Choose a mentor and an unpaired mentee of the cohort." in response.content.decode()
    assert not MentorPair.objects.exists()


def test_staff_screen_upload_dry_run_then_confirm(world, client):
    staff_client(client, world["programme"])
    url = reverse("programmes_mentoring:upload", args=[world["programme"].pk])

    checked = client.post(url, {"file": csv_file(GOOD), "cohort": ""})

    page = checked.content.decode()
    assert "<caption>Each row of the file and what happens to it</caption>" in page
    assert "will be created" in page
    assert not MentorPair.objects.exists()
    confirm = checked.context["confirm"]

    done = client.post(url, {"confirm": confirm}, follow=True)

    assert "1 pair imported." in done.content.decode()
    assert MentorPair.objects.get().mentee == world["mentee"]
    again = client.post(url, {"file": csv_file(GOOD), "cohort": ""})
    assert "there is nothing to import" in again.content.decode()


def test_staff_screen_upload_with_a_bad_row_offers_no_import(world, client):
    staff_client(client, world["programme"])
    url = reverse("programmes_mentoring:upload", args=[world["programme"].pk])

    checked = client.post(url, {"file": csv_file(GOOD + "olena@example.org,ghost@example.org\n")})

    page = checked.content.decode()
    assert "Nobody is enrolled in this programme with the mentee&#x27;s e-mail." in page
    assert "Nothing is imported until every row is right." in page
    assert checked.context["confirm"] == ""


def test_staff_screen_confirmation_is_bound_to_the_programme(world, client):
    other = programme_create(title="Patrol police course")
    staff_client(client, world["programme"])
    checked = client.post(
        reverse("programmes_mentoring:upload", args=[world["programme"].pk]),
        {"file": csv_file(GOOD)},
    )
    programme_role_assign(user=checked.wsgi_request.user, programme=other, role="organiser")

    response = client.post(
        reverse("programmes_mentoring:upload", args=[other.pk]),
        {"confirm": checked.context["confirm"]},
        follow=True,
    )

    assert "This check is too old. Upload the file again." in response.content.decode()
    assert not MentorPair.objects.exists()


@pytest.mark.parametrize("role", ["organiser", "registration_manager"])
def test_staff_of_another_programme_is_refused(world, client, role):
    other = programme_create(title="Patrol police course")
    staff_client(client, other, role=role)
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    programme_id, cohort = world["programme"].pk, world["kharkiv"]

    screen = client.get(reverse("programmes_mentoring:pairs", args=[programme_id]))
    add = client.post(
        reverse("programmes_mentoring:add", args=[programme_id]),
        {
            "cohort": cohort.pk,
            f"cohort-{cohort.pk}-mentor": world["trainer"].pk,
            f"cohort-{cohort.pk}-mentee": world["mentee2"].pk,
        },
    )
    remove = client.post(
        reverse("programmes_mentoring:remove", args=[programme_id]), {"pair": pair.pk}
    )
    # Their own programme's URL with a pair of this one: not found there.
    sideways = client.post(
        reverse("programmes_mentoring:remove", args=[other.pk]), {"pair": pair.pk}, follow=True
    )

    # Wagtail answers a refused admin view by sending the user to the dashboard.
    home = reverse("wagtailadmin_home")
    assert [(r.status_code, r.url) for r in (screen, add, remove)] == [(302, home)] * 3
    assert sideways.status_code == 404
    assert list(MentorPair.objects.all()) == [pair]


def test_checkin_staff_of_the_programme_is_refused(world, client):
    staff_client(client, world["programme"], role="checkin")

    response = client.get(reverse("programmes_mentoring:pairs", args=[world["programme"].pk]))

    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


# --- the participant's page ------------------------------------------------------------------


def personal_url(enrolment) -> str:
    return reverse("programmes:personal", kwargs={"key": enrolment_key(enrolment)})


def consent_url(enrolment) -> str:
    return reverse("programmes:mentoring_consent", kwargs={"key": enrolment_key(enrolment)})


def test_personal_page_shows_the_contact_only_after_both_agree(world, client):
    RegistrationFactory(
        event=EventPageFactory(parent=world["programme"]),
        email=world["mentee"].email,
        phone="+380501234567",
    )
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    before = client.get(personal_url(world["mentor"])).content.decode()

    assert "Your mentee: Oksana Koval" in before
    assert "Oksana police department" in before
    assert "I agree to share my e-mail and phone with my mentee" in before
    assert "oksana@example.org" not in before

    agreed = client.post(
        consent_url(world["mentee"]),
        {"pair": pair.pk, "action": "consent", "agree": "1"},
        follow=True,
    ).content.decode()

    assert "Thank you: your agreement is recorded." in agreed
    assert "Your mentor: Olena Koval" in agreed
    assert "olena@example.org" not in agreed
    mentor_page = client.get(personal_url(world["mentor"])).content.decode()
    assert "Your mentee has agreed to share their e-mail and phone with you." in mentor_page
    assert "oksana@example.org" not in mentor_page

    client.post(consent_url(world["mentor"]), {"pair": pair.pk, "action": "consent", "agree": "1"})

    mentor_page = client.get(personal_url(world["mentor"])).content.decode()
    mentee_page = client.get(personal_url(world["mentee"])).content.decode()
    assert 'href="mailto:oksana@example.org"' in mentor_page
    assert 'href="tel:+380501234567"' in mentor_page
    assert 'href="mailto:olena@example.org"' in mentee_page


def test_personal_page_withdrawal_hides_the_contact(world, client):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    pair_consent(pair=pair, enrolment=world["mentor"], now=NOW)
    pair_consent(pair=pair, enrolment=world["mentee"], now=NOW)
    assert "olena@example.org" in client.get(personal_url(world["mentee"])).content.decode()

    page = client.post(
        consent_url(world["mentor"]), {"pair": pair.pk, "action": "withdraw"}, follow=True
    ).content.decode()

    assert "Your e-mail and phone are no longer shared." in page
    assert "oksana@example.org" not in page
    assert "olena@example.org" not in client.get(personal_url(world["mentee"])).content.decode()


def test_personal_consent_needs_the_box_ticked(world, client):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    page = client.get(enrolment_url(world["mentee"], absolute=False)).content.decode()
    action = re.search(r'<form method="post" action="([^"]+/mentoring/)"', page).group(1)

    page = client.post(action, {"pair": pair.pk, "action": "consent"}, follow=True).content.decode()

    assert "Tick the box to agree to share your e-mail and phone." in page
    pair.refresh_from_db()
    assert pair.mentee_consent_at is None


def test_personal_consent_for_someone_elses_pair_is_not_found(world, client):
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])

    response = client.post(
        consent_url(world["mentee2"]), {"pair": pair.pk, "action": "consent", "agree": "1"}
    )
    tampered = client.post(
        reverse("programmes:mentoring_consent", kwargs={"key": "forged"}),
        {"pair": pair.pk, "action": "consent", "agree": "1"},
    )

    assert (response.status_code, tampered.status_code) == (404, 400)
    pair.refresh_from_db()
    assert (pair.mentor_consent_at, pair.mentee_consent_at) == (None, None)


def test_personal_consent_answers_in_the_participants_language(world, client):
    world["mentee"].language = "uk"
    world["mentee"].save()
    pair = pair_create(cohort=world["kharkiv"], mentor=world["mentor"], mentee=world["mentee"])
    page = client.get(enrolment_url(world["mentee"], absolute=False)).content.decode()
    action = re.search(r'<form method="post" action="([^"]+/mentoring/)"', page).group(1)

    page = client.post(
        action,
        {"pair": pair.pk, "action": "consent", "agree": "1"},
        follow=True,
    ).content.decode()

    assert "Дякуємо: вашу згоду записано." in page
    assert "Ваш наставник: Olena Koval" in page


def test_personal_page_of_an_unpaired_mentee_says_so_and_a_participant_sees_nothing(world, client):
    mentee_page = client.get(personal_url(world["mentee2"])).content.decode()
    participant_page = client.get(personal_url(world["participant"])).content.decode()

    assert "No mentor has been paired with you yet." in mentee_page
    assert 'id="personal-mentoring-title"' not in participant_page


def _screen_queries(client, programme) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programmes_mentoring:pairs", args=[programme.pk]))
    assert response.status_code == 200
    return len(queries)


def test_staff_screen_reads_in_constant_queries(world, client):
    programme = world["programme"]
    staff_client(client, programme)
    small = _screen_queries(client, programme)
    for n in range(6):
        cohort = cohort_create(programme, f"c{n}", f"Cohort {n}")
        mentor = person(programme, cohort, f"Mentor{n}", "mentor")
        pair_create(
            cohort=cohort, mentor=mentor, mentee=person(programme, cohort, f"M{n}", "mentee")
        )
        person(programme, cohort, f"Alone{n}", "mentee")

    assert _screen_queries(client, programme) == small


def test_pairs_import_refuses_a_zip_bomb_before_opening_it(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (21 * 1024 * 1024))
    upload = SimpleUploadedFile("pairs.xlsx", buffer.getvalue())
    assert upload.size < 1024 * 1024  # small on the wire, huge unpacked

    report = pairs_import(programme=world["programme"], file=upload, dry_run=False)

    assert (report.problem_code, report.rows) == ("too_large", [])
