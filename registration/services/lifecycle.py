"""Writes for the data lifecycle: deletion requests, anonymisation, privacy-notice acceptance.

Anonymisation keeps what the report counts (status, sex, country, organisation type, role,
interpretation language, check-ins, survey answers) and removes everything that names or
describes the person: names, e-mail (a random placeholder keeps the per-event unique
constraint), phone, organisation, position, needs, the e-mails' bodies and recipients, notes,
files that may name them, audit-log labels and data, and finished task records that mention
them. The links and the badge stop working (the access key and badge token are rotated).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import BaseLogEntry

from cms.models import EventPage
from registration.models import AcceptedThrough, PrivacyAcceptance, Registration, StatusChange
from registration.models.registrations import new_token
from registration.selectors.lifecycle import (
    privacy_notice_current,
    registrations_due_for_anonymisation,
)
from registration.services.registrations import ACTIVE, registration_cancel
from registration.signals import personal_data_erasing

logger = logging.getLogger(__name__)

#: The domain of anonymised addresses: ``.invalid`` is reserved and never delivers (RFC 2606).
PLACEHOLDER_DOMAIN = "anonymised.invalid"
#: What stands in the name fields after anonymisation (not translated: it is stored data).
PLACEHOLDER_NAME = "Anonymised"


class LifecycleError(Exception):
    """A lifecycle step that cannot be done; ``code`` says why (``anonymised``)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def deletion_request(*, registration: Registration) -> Registration:
    """Record that the participant asked for their data to be deleted (once; a second request
    keeps the first time).

    Side effects: ``deletion_requested_at`` set; an audit-log entry on the registration.
    Raises ``LifecycleError`` (anonymised) when there is nothing left to delete.
    """
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if fresh.anonymised_at is not None:
            raise LifecycleError(_("Your data has already been deleted."), code="anonymised")
        if fresh.deletion_requested_at is None:
            fresh.deletion_requested_at = timezone.now()
            fresh.save(update_fields=["deletion_requested_at", "updated_at"])
            log(fresh, "registration.deletion_requested")
    return fresh


def privacy_accept(*, registration: Registration, version: str | None = None) -> Registration:
    """Record that the participant accepted the privacy notice in force (or ``version``).

    Side effects: a ``PrivacyAcceptance`` row for the version (and, the first time, one for the
    version accepted on the form, so the history keeps it); ``consent_version``/``consent_at``
    on the registration become the new acceptance. Accepting the same version twice changes
    nothing.
    """
    version = version or privacy_notice_current().version
    now = timezone.now()
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if fresh.anonymised_at is not None:
            raise LifecycleError(_("Your data has already been deleted."), code="anonymised")
        if fresh.consent_version == version:
            return fresh
        if not PrivacyAcceptance.objects.filter(registration=fresh).exists():
            PrivacyAcceptance.objects.create(
                registration=fresh,
                version=fresh.consent_version,
                accepted_at=fresh.consent_at,
                through=AcceptedThrough.FORM,
            )
        PrivacyAcceptance.objects.get_or_create(
            registration=fresh,
            version=version,
            defaults={"accepted_at": now, "through": AcceptedThrough.PERSONAL_PAGE},
        )
        fresh.consent_version = version
        fresh.consent_at = now
        fresh.save(update_fields=["consent_version", "consent_at", "updated_at"])
    return fresh


def deletion_carry_out(*, registration: Registration, by=None) -> Registration:
    """Staff carry out a participant's deletion request now.

    An active registration for an event that has not ended is cancelled first (its place goes
    to the waiting list; the cancellation e-mail is not sent, its recipient is gone), then the
    registration is anonymised. Side effects: those of ``registration_cancel`` and
    ``registration_anonymise``.
    """
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if fresh.anonymised_at is not None:
            return fresh
        if fresh.status in ACTIVE and fresh.event.end_date >= timezone.localdate():
            registration_cancel(registration=fresh, by=by, note="deletion requested")
        registration_anonymise(registration=fresh, by=by)
        fresh.refresh_from_db()
    return fresh


def _strings_of(registration: Registration) -> list[str]:
    """The person's own strings, to find them wherever they were copied (labels, task records)."""
    values = {
        registration.email,
        registration.email_normalised,
        registration.full_name,
        registration.given_name,
        registration.family_name,
        registration.badge_name,
        str(registration.phone) if registration.phone else "",
    }
    # Short strings (a two-letter given name) would match unrelated text.
    return sorted(value for value in values if value and len(value) >= 4)


def text_scrub(value: Any, strings: list[str], placeholder: str) -> Any:
    """``value`` (JSON data) with every occurrence of ``strings`` replaced."""
    if isinstance(value, str):
        for string in strings:
            value = value.replace(string, placeholder)
        return value
    if isinstance(value, list):
        return [text_scrub(item, strings, placeholder) for item in value]
    if isinstance(value, dict):
        return {key: text_scrub(item, strings, placeholder) for key, item in value.items()}
    return value


def _log_models() -> list[type[models.Model]]:
    """Every audit-log table: Wagtail's own and any app's (``BaseLogEntry`` subclasses)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BaseLogEntry) and not model._meta.abstract
    ]


def _scrub_log_entries(
    registration: Registration,
    strings: list[str],
    placeholder: str,
    related: dict[type[models.Model], list[int]],
) -> int:
    """Audit-log entries of the person's rows (``related``: model → primary keys, the other
    rooms' included) get a neutral label and no data; any other entry whose label or data
    quotes them has those strings replaced."""
    related = {
        Registration: [registration.pk],
        StatusChange: list(registration.status_changes.values_list("pk", flat=True)),
        **related,
    }
    log_models = _log_models()
    changed = 0
    for model, pks in related.items():
        pks = [str(pk) for pk in pks]
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model)
        for log_model in log_models:
            if not any(f.name == "object_id" for f in log_model._meta.concrete_fields):
                continue
            for pk in pks:
                changed += log_model.objects.filter(content_type=content_type, object_id=pk).update(
                    label=f"{model._meta.model_name} #{pk}", data={}
                )
    if not strings:
        return changed
    # JSON on SQLite stores non-ASCII text escaped (\u0410...): look for both spellings.
    needles = set(strings) | {json.dumps(s)[1:-1] for s in strings}
    match = Q()
    for needle in needles:
        match |= Q(label__icontains=needle) | Q(data_text__icontains=needle)
    for log_model in log_models:
        rows = log_model.objects.annotate(data_text=Cast("data", models.TextField())).filter(match)
        for row in rows:
            row.label = text_scrub(row.label, strings, placeholder)
            row.data = text_scrub(row.data, strings, placeholder)
            row.save(update_fields=["label", "data"])
            changed += 1
    return changed


def _scrub_task_records(strings: list[str]) -> int:
    """Delete django-q2's records of finished tasks whose arguments or result quote the person
    (a failed send's error may hold the address). Records are history only: nothing reads
    them back, and a queued task is not a record (those live in the broker)."""
    if not strings:
        return 0
    try:
        task_model = apps.get_model("django_q", "Task")
    except LookupError:
        return 0
    doomed = []
    for task in task_model.objects.all().iterator():
        text = repr((task.name, task.func, task.args, task.kwargs, task.result))
        if any(string in text for string in strings):
            doomed.append(task.pk)
    if doomed:
        task_model.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _registration_models() -> list[type[models.Model]]:
    """The models of the registration room and of the rooms inside it (check-in, messaging,
    reports): found through the app registry, so that this room imports none of them."""
    return [
        model
        for app_config in apps.get_app_configs()
        if app_config.name == "registration" or app_config.name.startswith("registration.")
        for model in app_config.get_models()
    ]


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_event_files(registration: Registration) -> int:
    """Delete the generated files of the registration's event (badge sheets, report exports):
    they may name the person, and staff can make them again without them.

    Found by shape, not by name: every registration model with an ``event`` and a file, on
    itself or on a row it points to (a job that holds the file).
    """
    deleted = 0
    for model in _registration_models():
        fields = {f.name: f for f in model._meta.concrete_fields}
        event_field = fields.get("event")
        if event_field is None or event_field.related_model is not EventPage:
            continue
        holders = [(None, _file_fields(model))] if _file_fields(model) else []
        for field in fields.values():
            if field.is_relation and field.related_model not in (None, EventPage):
                target_files = _file_fields(field.related_model)
                if target_files:
                    holders.append((field.name, target_files))
        if not holders:
            continue
        for row in model.objects.filter(event_id=registration.event_id):
            for relation, file_fields in holders:
                holder = row if relation is None else getattr(row, relation)
                if holder is None:
                    continue
                cleared = []
                for field in file_fields:
                    stored = getattr(holder, field.attname)
                    if stored:
                        stored.delete(save=False)
                        setattr(holder, field.attname, "")
                        cleared.append(field.attname)
                        deleted += 1
                if cleared:
                    holder.save(update_fields=cleared)
    return deleted


def registration_anonymise(*, registration: Registration, by=None) -> bool:
    """Remove everything that identifies the participant of ``registration``; keep what the
    report counts. Returns False when it was anonymised already (nothing written).

    Side effects, in one transaction: the registration's personal fields blanked, its e-mail
    replaced by a random ``@anonymised.invalid`` placeholder, ``access_key`` and
    ``badge_token`` rotated, ``anonymised_at`` set; its outbox rows lose body, wire and
    recipient (unsent ones are superseded, never sent); status-change notes blanked; open
    answers to surveys that were not anonymous blanked; audit-log labels and data scrubbed;
    django-q2 task records that quote them deleted; generated files of the event deleted;
    one audit-log entry ``registration.anonymised``.
    """
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if fresh.anonymised_at is not None:
            return False
        strings = _strings_of(fresh)
        placeholder_email = f"{secrets.token_hex(12)}@{PLACEHOLDER_DOMAIN}"

        related: dict[type[models.Model], list[int]] = {}
        # The other rooms blank their own rows (outbox, answers) and say which rows were about
        # the person, so that their audit-log entries are relabelled below.
        for _receiver, rows in personal_data_erasing.send(
            sender=Registration,
            registration=fresh,
            strings=strings,
            placeholder_email=placeholder_email,
            placeholder_name=PLACEHOLDER_NAME,
        ):
            related.update(rows)
        StatusChange.objects.filter(registration=fresh).update(note="")
        _scrub_log_entries(fresh, strings, PLACEHOLDER_NAME, related)

        fresh.title = ""
        fresh.given_name = PLACEHOLDER_NAME
        fresh.family_name = ""
        fresh.badge_name = ""
        fresh.email = placeholder_email
        fresh.phone = ""
        fresh.organisation = ""
        fresh.position = ""
        fresh.access_needs = []
        fresh.access_needs_other = ""
        fresh.dietary = []
        fresh.dietary_needs = ""
        fresh.visa_letter = False
        fresh.invitation_code = ""
        fresh.access_key = new_token()
        fresh.badge_token = new_token()
        fresh.anonymised_at = timezone.now()
        fresh.save()  # recomputes email_normalised from the placeholder
        log(fresh, "registration.anonymised", user=by)
        _scrub_task_records(strings)
        deleted_files = _delete_event_files(fresh)
    logger.info("anonymised registration %s (%s files removed)", fresh.pk, deleted_files)
    return True


def anonymise_due(*, today: dt.date | None = None) -> int:
    """Anonymise every registration whose event's retention period is over. Returns how many.

    One transaction per registration, so a worker that dies part-way loses nothing and the
    next run goes on where it stopped. Side effects: those of ``registration_anonymise``.
    """
    today = today or timezone.localdate()
    done = 0
    for pk in list(registrations_due_for_anonymisation(today=today).values_list("pk", flat=True)):
        registration = Registration.objects.filter(pk=pk).first()
        if registration is not None and registration_anonymise(registration=registration):
            done += 1
    return done
