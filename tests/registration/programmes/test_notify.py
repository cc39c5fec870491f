"""Personal links by e-mail for people enrolled by a roster import (``services/notify.py``),
the button on the programme overview, and the public programme page's query count."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration.messaging.models import Message
from registration.messaging.tasks import send_due_messages
from registration.programmes.models import Cohort, Enrolment, RosterImport
from registration.programmes.services import enrolment as enrolment_services
from registration.programmes.services import roster as roster_services
from registration.programmes.services.notify import programme_links_send
from tests.factories import EventPageFactory, ProgrammePageFactory
from tests.registration.programmes.enrol_helpers import enrol_data
from tests.registration.programmes.staff_helpers import programme_staff
from tests.registration.programmes.test_roster import csv_bytes, import_now, upload

pytestmark = pytest.mark.django_db

HEADER = ["Given name", "Family name", "E-mail", "Sex", "Organisation", "Cohort code", "Language"]
LINK = re.compile(r"https?://\S+/programmes/me/\S+")


@pytest.fixture
def course():
    programme = ProgrammePageFactory(
        title="Patrol course", translations=("ru", "uk"), enrolment_open=True
    )
    opening = EventPageFactory(
        parent=programme, title="Opening", capacity=None, starts_in_days=10, translations=("uk",)
    )
    cohorts = {}
    for n, code in enumerate(("kyiv-1", "lviv-1")):
        cohort = Cohort.objects.create(
            programme=programme, code=code, name={"en": f"Cohort {code}", "uk": f"Група {code}"}
        )
        own = EventPageFactory(
            parent=programme, title=f"Course {code}", capacity=None, starts_in_days=20 + n
        )
        cohort.events.add(own)
        cohorts[code] = (cohort, own)
    return programme, opening, cohorts


def roster(programme, rows) -> None:
    roster_import = roster_services.roster_upload(
        programme=programme, upload=upload(csv_bytes(rows, header=HEADER))
    )
    import_now(roster_import)


def people():
    return [
        ["Олена", "Коваль", "olena@example.org", "female", "Patrol police", "kyiv-1", "uk"],
        ["Ирина", "Петрова", "irina@example.org", "female", "Patrol police", "lviv-1", "ru"],
        ["Askar", "Nurlan", "askar@example.org", "male", "Patrol police", "kyiv-1", "en"],
    ]


def delivered() -> dict[str, mail.EmailMessage]:
    send_due_messages()
    return {message.to[0]: message for message in mail.outbox}


def test_imported_people_get_one_e_mail_each_in_their_language_with_a_working_link(client, course):
    programme, _opening, _cohorts = course
    roster(programme, people())
    assert Message.objects.count() == 0  # the import itself sends nothing

    assert programme_links_send(programme=programme) == 3

    sent = delivered()
    assert set(sent) == {"olena@example.org", "irina@example.org", "askar@example.org"}
    olena = sent["olena@example.org"]
    assert "Ваша сторінка програми" in olena.subject
    assert "Група kyiv-1" in olena.body  # the cohort's Ukrainian name
    assert "Course kyiv-1" in olena.body
    assert "Opening" in olena.body
    assert "Course lviv-1" not in olena.body  # another cohort's session is not theirs
    assert "Confirm" not in olena.body
    assert "Підтвердити" not in olena.body
    irina = sent["irina@example.org"]
    assert "Ваша страница программы" in irina.subject
    assert "Course lviv-1" in irina.body
    assert "Your programme page" in sent["askar@example.org"].subject

    for email, given, family in (
        ("olena@example.org", "Олена", "Коваль"),
        ("askar@example.org", "Askar", "Nurlan"),
    ):
        url = LINK.search(sent[email].body).group(0)
        page = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert page.status_code == 200
        assert f"{given} {family}" in page.content.decode()


def test_a_second_click_sends_nothing_new_and_site_enrolments_had_theirs(course):
    programme, _opening, cohorts = course
    roster(programme, people())
    # Someone who enrolled on the site had the link with their "programme_enrolled" e-mail.
    enrolment_services.enrolment_create(
        programme=programme,
        cohort=cohorts["kyiv-1"][0],
        data=enrol_data(7, programme_role="participant"),
        language="uk",
    )
    Message.objects.all().delete()  # even when that e-mail is gone from the outbox...
    enrolment_services.enrolment_create(
        programme=programme,
        cohort=cohorts["kyiv-1"][0],
        data=enrol_data(8, programme_role="participant"),
        language="uk",
    )  # ...only this one counts below

    assert programme_links_send(programme=programme) == 4  # 3 imported + enrolment 7
    assert programme_links_send(programme=programme) == 0

    send_due_messages()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients.count("olena@example.org") == 1
    assert "Olena.8@Example.org" in recipients  # the enrolled e-mail of person 8 only
    assert len([r for r in recipients if r != "Olena.8@Example.org"]) == 4


def test_withdrawn_and_anonymised_people_get_nothing(course):
    programme, _opening, _cohorts = course
    roster(programme, people())
    olena = Enrolment.objects.get(email="olena@example.org")
    enrolment_services.enrolment_withdraw(enrolment=olena)
    Enrolment.objects.filter(email="askar@example.org").update(anonymised_at=olena.created_at)
    Message.objects.all().delete()  # the withdrawal's "cancelled" e-mails

    assert programme_links_send(programme=programme) == 1

    assert set(delivered()) == {"irina@example.org"}


def test_the_overview_button_sends_to_those_who_had_no_link(client, course):
    programme, _opening, _cohorts = course
    roster(programme, people())
    organiser = programme_staff(programme, "organiser")
    client.force_login(organiser)
    overview = reverse("programmes_admin:overview", args=[programme.pk])
    send = reverse("programmes_admin:links_send", args=[programme.pk])

    html = client.get(overview).content.decode()
    assert "Send personal links to 3 people who have not had theirs" in html

    # Without ticking the confirmation box nothing is sent.
    client.post(send)
    assert Message.objects.count() == 0

    response = client.post(send, {"confirm": "yes"}, follow=True)
    assert "3 e-mails with a personal link are on their way." in response.content.decode()
    assert Message.objects.filter(kind="programme_link").count() == 3
    assert "Send personal links" not in client.get(overview).content.decode()

    client.post(send, {"confirm": "yes"})
    assert Message.objects.filter(kind="programme_link").count() == 3


def test_registration_manager_may_send_but_reporter_and_other_programmes_staff_may_not(
    client, course
):
    programme, _opening, _cohorts = course
    roster(programme, people())
    other = ProgrammePageFactory(title="Another course")
    send = reverse("programmes_admin:links_send", args=[programme.pk])

    for user in (programme_staff(programme, "reporter"), programme_staff(other, "organiser")):
        client.force_login(user)
        response = client.post(send, {"confirm": "yes"}, follow=True)
        # Wagtail turns the guard's 403 into "Sorry, you do not have permission" on the
        # dashboard.
        assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert Message.objects.count() == 0

    client.force_login(programme_staff(programme, "registration_manager"))
    assert client.post(send, {"confirm": "yes"}).status_code == 302
    assert Message.objects.count() == 3


def test_roster_done_summary_points_to_the_button(client, course):
    programme, _opening, _cohorts = course
    roster(programme, people())
    client.force_login(programme_staff(programme, "organiser"))
    roster_import = RosterImport.objects.get()
    html = client.get(
        reverse("programmes_roster:detail", args=[programme.pk, roster_import.pk])
    ).content.decode()
    overview = reverse("programmes_admin:overview", args=[programme.pk])
    assert f'href="{overview}#personal-links"' in html


def test_links_are_queued_in_a_constant_number_of_queries(course):
    programme, _opening, _cohorts = course
    roster(programme, people()[:1])
    with CaptureQueriesContext(connection) as small:
        assert programme_links_send(programme=programme) == 1
    Message.objects.all().delete()
    rows = [
        [f"P{n}", "Koval", f"p{n}@example.org", "female", "Patrol police", "lviv-1", "uk"]
        for n in range(30)
    ]
    roster(programme, rows)
    with CaptureQueriesContext(connection) as large:
        assert programme_links_send(programme=programme) == 31
    assert len(large) <= len(small) + 1  # SQLite splits the insert of 31 rows at most once


# --- the public programme page: queries do not grow with its events ----------------------


def _page_queries(client, events: int) -> int:
    programme = ProgrammePageFactory(title=f"Programme of {events}")
    for n in range(events):
        EventPageFactory(parent=programme, title=f"Session {n}", starts_in_days=10 + n)
    client.get(programme.url)  # warm caches (site root, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(programme.url)
    assert response.status_code == 200
    assert f"Session {events - 1}" in response.content.decode()
    return len(queries)


def test_public_programme_page_queries_do_not_grow_with_its_events(client):
    assert _page_queries(client, 8) == _page_queries(client, 2)
