"""Anonymisation, retention, deletion requests and privacy acceptance (services)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone, translation
from wagtail.log_actions import log

from conference.schedules import schedules_sync
from registration.links import LinkError, registration_from_key, sign_key
from registration.messaging.models import Message, MessageStatus
from registration.models import PrivacyAcceptance, Registration, StatusChange
from registration.models.registrations import PARTICIPANT_FIELDS
from registration.reports.models import Answer
from registration.reports.selectors import report_build
from registration.selectors.lifecycle import (
    add_months,
    personal_data_export,
    personal_data_labelled,
    privacy_notice_current,
    registrations_due_for_anonymisation,
)
from registration.services.lifecycle import (
    anonymise_due,
    deletion_carry_out,
    deletion_request,
    privacy_accept,
    registration_anonymise,
)
from tests.factories import RegistrationFactory, privacy_page_create
from tests.registration.registration_helpers import event_create
from tests.registration.reports.report_fixtures import hand_counted_event, hand_counted_survey

pytestmark = pytest.mark.django_db


def _figures(event) -> dict:
    """The report as data, without the moment it was made."""
    with translation.override("en"):
        report = dataclasses.asdict(report_build(event=event))
    report.pop("generated_at")
    return report


def _without_open_answers(report: dict) -> dict:
    for question in report["survey"]["questions"]:
        question["open_answers"] = []
    return report


def test_anonymise_keeps_report_figures_with_anonymous_survey():
    event, people = hand_counted_event()
    hand_counted_survey(event, people, anonymous=True)
    before = _figures(event)

    for name in ("Aida", "Bohdana", "Chingiz", "Erlan", "Gleb"):
        assert registration_anonymise(registration=people[name]) is True

    assert _figures(event) == before
    assert Answer.objects.filter(text="More practice, please").exists()


def test_anonymise_keeps_figures_and_drops_named_open_answers():
    event, people = hand_counted_event()
    hand_counted_survey(event, people, anonymous=False)
    before = _figures(event)

    registration_anonymise(registration=people["Aida"])

    after = _figures(event)
    assert _without_open_answers(after) == _without_open_answers(before)
    texts = [a["text"] for q in after["survey"]["questions"] for a in q["open_answers"]]
    assert "More practice, please" not in texts
    assert not Answer.objects.filter(text="More practice, please").exists()


def test_anonymise_blanks_personal_fields_and_keeps_counted_ones():
    event = event_create(translations=())
    registration = RegistrationFactory(
        event=event,
        given_name="Aigerim",
        family_name="Saparova",
        badge_name="Aika",
        phone="+77011234567",
        position="Inspector",
        access_needs=["wheelchair"],
        access_needs_other="Ramp at the side door",
        dietary=["halal"],
        dietary_needs="No nuts",
        visa_letter=True,
        country="KG",
        sex="female",
        organisation_type="police",
        role="mentor",
    )
    StatusChange.objects.create(registration=registration, to_status="confirmed", note="VIP")
    old_key, old_badge = registration.access_key, registration.badge_token

    registration_anonymise(registration=registration)

    fresh = Registration.objects.get(pk=registration.pk)
    assert (fresh.given_name, fresh.family_name, fresh.badge_name) == ("Anonymised", "", "")
    assert fresh.email.endswith("@anonymised.invalid")
    assert "aigerim" not in fresh.email_normalised
    assert (str(fresh.phone or ""), fresh.position, fresh.organisation) == ("", "", "")
    assert (fresh.access_needs, fresh.access_needs_other) == ([], "")
    assert (fresh.dietary, fresh.dietary_needs, fresh.visa_letter) == ([], "", False)
    assert (fresh.country.code, fresh.sex, fresh.organisation_type, fresh.role) == (
        "KG",
        "female",
        "police",
        "mentor",
    )
    assert fresh.access_key != old_key
    assert fresh.badge_token != old_badge
    assert fresh.anonymised_at is not None
    assert list(fresh.status_changes.values_list("note", flat=True)) == [""]


def test_anonymise_placeholders_keep_the_unique_constraint():
    event = event_create(translations=())
    first, second = RegistrationFactory.create_batch(2, event=event)

    registration_anonymise(registration=first)
    registration_anonymise(registration=second)

    emails = set(
        Registration.objects.filter(event=event).values_list("email_normalised", flat=True)
    )
    assert len(emails) == 2


def test_anonymise_makes_old_links_stop_working():
    registration = RegistrationFactory(event=event_create(translations=()))
    key = sign_key(registration)

    registration_anonymise(registration=registration)

    with pytest.raises(LinkError):
        registration_from_key(key)


def test_anonymise_never_sends_unsent_messages():
    registration = RegistrationFactory(event=event_create(translations=()))
    common = {"event": registration.event, "registration": registration, "subject": "Hello"}
    pending = Message.objects.create(
        kind="reminder",
        dedupe_key="t:1",
        to_email=registration.email,
        body_text=f"Dear {registration.given_name}",
        wire=b"To: someone",
        **common,
    )
    sent = Message.objects.create(
        kind="confirmed",
        dedupe_key="t:2",
        to_email=registration.email,
        body_text="Sent",
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        **common,
    )

    registration_anonymise(registration=registration)

    pending.refresh_from_db()
    sent.refresh_from_db()
    assert pending.status == MessageStatus.SUPERSEDED
    assert sent.status == MessageStatus.SENT
    for message in (pending, sent):
        assert message.to_email.endswith("@anonymised.invalid")
        assert (message.body_text, message.body_html, bytes(message.wire)) == ("", "", b"")
        assert message.subject == "Hello"


def test_anonymise_scrubs_audit_log_labels_and_data():
    from django.apps import apps
    from wagtail.models import BaseLogEntry

    registration = RegistrationFactory(
        event=event_create(translations=()), given_name="Oksana", family_name="Kovalchuk"
    )
    log(registration, "registration.viewed")
    log(
        registration.event,
        "registration.exported",
        data={"search": "Kovalchuk", "who": registration.email},
    )

    registration_anonymise(registration=registration)

    entries = [
        (row.label, row.data)
        for model in apps.get_models()
        if issubclass(model, BaseLogEntry)
        for row in model.objects.all()
    ]
    assert entries  # the entries are kept, only what names the person goes
    assert "Kovalchuk" not in repr(entries)
    assert registration.email not in repr(entries)


def test_anonymise_twice_changes_nothing():
    registration = RegistrationFactory(event=event_create(translations=()))
    registration_anonymise(registration=registration)
    first = Registration.objects.get(pk=registration.pk)

    assert registration_anonymise(registration=first) is False

    again = Registration.objects.get(pk=registration.pk)
    assert (again.email, again.access_key, again.anonymised_at) == (
        first.email,
        first.access_key,
        first.anonymised_at,
    )


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2031, 1, 31), 1) == dt.date(2031, 2, 28)
    assert add_months(dt.date(2031, 11, 15), 14) == dt.date(2033, 1, 15)


def test_retention_uses_default_and_event_override(settings):
    settings.RETENTION_MONTHS_AFTER_EVENT = 12
    today = dt.date(2031, 6, 15)
    default_due = event_create(
        translations=(), start_date=dt.date(2030, 6, 1), end_date=dt.date(2030, 6, 2)
    )
    default_kept = event_create(
        translations=(), start_date=dt.date(2030, 6, 20), end_date=dt.date(2030, 6, 21)
    )
    longer = event_create(
        translations=(),
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 1, 2),
        retention_months=24,
    )
    shorter = event_create(
        translations=(),
        start_date=dt.date(2031, 4, 1),
        end_date=dt.date(2031, 4, 2),
        retention_months=1,
    )
    regs = {
        e.pk: RegistrationFactory(event=e) for e in (default_due, default_kept, longer, shorter)
    }

    due = set(registrations_due_for_anonymisation(today=today).values_list("event_id", flat=True))

    assert due == {default_due.pk, shorter.pk}
    assert anonymise_due(today=today) == 2
    anonymised = set(
        Registration.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
    )
    assert anonymised == {regs[default_due.pk].pk, regs[shorter.pk].pk}
    assert anonymise_due(today=today) == 0


def test_retention_day_after_the_period_ends(settings):
    settings.RETENTION_MONTHS_AFTER_EVENT = 12
    event = event_create(
        translations=(), start_date=dt.date(2030, 6, 1), end_date=dt.date(2030, 6, 2)
    )
    RegistrationFactory(event=event)

    assert not registrations_due_for_anonymisation(today=dt.date(2031, 6, 2)).exists()
    assert registrations_due_for_anonymisation(today=dt.date(2031, 6, 3)).exists()


def test_schedules_sync_creates_the_retention_schedule_once():
    from django_q.models import Schedule

    schedules_sync()
    schedules_sync()

    rows = Schedule.objects.filter(name="registration: anonymise after the retention period")
    assert rows.count() == 1
    assert rows.get().func == "registration.tasks.anonymise_due"


def test_deletion_request_records_the_first_time():
    registration = RegistrationFactory(event=event_create(translations=()))

    first = deletion_request(registration=registration).deletion_requested_at
    second = deletion_request(registration=registration).deletion_requested_at

    assert first is not None
    assert second == first


def test_deletion_carry_out_cancels_a_future_registration_then_anonymises():
    registration = RegistrationFactory(event=event_create(translations=()), status="confirmed")
    deletion_request(registration=registration)

    done = deletion_carry_out(registration=registration)

    assert done.status == "cancelled"
    assert done.anonymised_at is not None
    unsent = Message.objects.filter(
        registration=registration, status__in=[MessageStatus.PENDING, MessageStatus.SENDING]
    )
    assert not unsent.exists()


def test_deletion_carry_out_keeps_status_of_a_past_event():
    _event, people = hand_counted_event()

    done = deletion_carry_out(registration=people["Aida"])

    assert done.status == "confirmed"
    assert done.anonymised_at is not None


def test_privacy_accept_keeps_the_first_acceptance_in_history():
    registration = RegistrationFactory(event=event_create(translations=()))
    privacy_page_create(version="2027-03")

    privacy_accept(registration=registration)
    privacy_accept(registration=registration)

    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.consent_version == "2027-03"
    history = list(
        PrivacyAcceptance.objects.filter(registration=fresh).values_list("version", "through")
    )
    assert history == [("2026-01", "form"), ("2027-03", "personal_page")]


def test_privacy_notice_current_follows_publication(settings):
    settings.PRIVACY_NOTICE_VERSION = "fallback-1"
    assert privacy_notice_current().version == "fallback-1"

    privacy_page_create(version="2027-01")
    assert privacy_notice_current().version == "2027-01"

    privacy_page_create(version="2027-02")
    assert privacy_notice_current().version == "2027-02"


def test_anonymise_due_command_counts_to_the_given_day(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.RETENTION_MONTHS_AFTER_EVENT = 12
    event = event_create(
        translations=(), start_date=dt.date(2030, 6, 1), end_date=dt.date(2030, 6, 2)
    )
    registration = RegistrationFactory(event=event)
    out = StringIO()

    call_command("anonymise_due", "--today", "2031-07-01", stdout=out)

    assert "Anonymised 1 registration(s)." in out.getvalue()
    assert Registration.objects.get(pk=registration.pk).anonymised_at is not None


def test_personal_data_export_holds_every_participant_field_as_stored():
    registration = RegistrationFactory(
        phone="+77012345678", access_needs=["wheelchair"], dietary=["halal", "vegan"]
    )

    fields = personal_data_export(registration=registration)["registration"]

    assert list(fields)[: len(PARTICIPANT_FIELDS)] == [spec.name for spec in PARTICIPANT_FIELDS]
    assert (fields["phone"], fields["country"], fields["dietary"]) == (
        "+77012345678",
        "KZ",
        ["halal", "vegan"],
    )


def test_my_data_page_labels_every_filled_participant_field():
    registration = RegistrationFactory(
        title="dr",
        badge_name="Aika",
        phone="+77012345678",
        position="Inspector",
        access_needs=["wheelchair"],
        access_needs_other="A quiet room",
        dietary=["halal", "vegan"],
        dietary_needs="No nuts",
        visa_letter=True,
        interpretation_language="ru",
    )

    rows = dict(personal_data_labelled(registration=registration))

    assert list(rows) == [str(spec.label) for spec in PARTICIPANT_FIELDS] + ["Status"]
    assert rows["Country"] == "Kazakhstan"
    assert rows["Dietary requirements"] == "Halal; Vegan"
    assert rows["Dietary needs"] == "No nuts"
    assert rows["Visa support letter"] == "Yes"
    assert rows["Interpretation language"] == "Русский"
