"""Reads for the data lifecycle: the privacy notice in force, a participant's own data, open
deletion requests, and which registrations are due for anonymisation.

The privacy notice is a Wagtail page (``cms.PrivacyPage``); the version in force is the one on
its live default-locale copy, or ``PRIVACY_NOTICE_VERSION`` on a site without that page.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant

from cms.cache import page_cache_generation
from cms.models import EventPage, PrivacyPage
from cms.selectors import page_in_language
from registration.models import PrivacyAcceptance, Registration, RegistrationStatus, StatusChange
from registration.models.registrations import PARTICIPANT_FIELDS
from registration.selectors.registrations import registrations_visible_to
from registration.signals import personal_data_requested

#: How long the version in force is remembered; every publish also makes it stale at once
#: (the key holds the CMS's page-cache generation, raised on every publish and unpublish).
PRIVACY_CACHE_SECONDS = 300


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    page_id: int | None  # the live default-locale page; None: the settings' fallback


def privacy_notice_current() -> PrivacyNotice:
    """The privacy notice in force. Cached: the registration form asks for it on every submit."""
    key = f"registration:privacy-notice:{page_cache_generation()}"
    cached = cache.get(key)
    if cached is not None:
        return PrivacyNotice(*cached)
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    row = (
        PrivacyPage.objects.live()
        .filter(locale__language_code=default)
        .order_by("path")
        .values_list("version", "pk")
        .first()
    )
    notice = PrivacyNotice(*row) if row else PrivacyNotice(settings.PRIVACY_NOTICE_VERSION, None)
    cache.set(key, (notice.version, notice.page_id), PRIVACY_CACHE_SECONDS)
    return notice


def privacy_page_in_language(language: str | None = None) -> PrivacyPage | None:
    """The live privacy page in ``language`` (the default-locale copy when not translated)."""
    notice = privacy_notice_current()
    if notice.page_id is None:
        return None
    source = PrivacyPage.objects.live().select_related("locale").filter(pk=notice.page_id).first()
    if source is None:
        return None
    return page_in_language(page=source, language=language or translation.get_language())


def privacy_needs_acceptance(*, registration: Registration) -> bool:
    """Whether a newer privacy notice is in force than the one ``registration`` accepted."""
    if registration.anonymised_at is not None:
        return False
    return registration.consent_version != privacy_notice_current().version


def manage_lifecycle_context(*, registration: Registration, key: str) -> dict[str, Any]:
    """What the personal page's "your data" section shows (see ``lifecycle_tags``)."""
    notice = privacy_notice_current()
    needs_acceptance = privacy_needs_acceptance(registration=registration)
    page = privacy_page_in_language() if needs_acceptance else None
    return {
        "registration": registration,
        "key": key,
        "needs_acceptance": needs_acceptance,
        "privacy_version": notice.version,
        "privacy_url": page.url if page else reverse("registration:privacy"),
        "data_json_url": reverse("registration:data_json", kwargs={"key": key}),
        "data_html_url": reverse("registration:data_html", kwargs={"key": key}),
        "deletion_url": reverse("registration:deletion_request", kwargs={"key": key}),
        "accept_url": reverse("registration:privacy_accept", kwargs={"key": key}),
        "deletion_requested_at": registration.deletion_requested_at,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def personal_data_export(*, registration: Registration) -> dict[str, Any]:
    """Everything we hold about the participant of ``registration``, as JSON-safe data.

    Registration fields, consent and its history, status history, the e-mails sent to them
    (subject, kind, dates; not the text), check-ins and their survey answers. Reads only;
    a fixed number of queries.
    """
    r = registration
    event = r.event
    fields = {spec.name: spec.data(r) for spec in PARTICIPANT_FIELDS}
    fields.update(
        {
            "invitation_code": r.invitation_code,
            "status": r.status,
            "registered_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
            "email_confirmed_at": _iso(r.email_confirmed_at),
            "deletion_requested_at": _iso(r.deletion_requested_at),
        }
    )
    acceptances = [
        {"version": row.version, "accepted_at": _iso(row.accepted_at), "through": row.through}
        for row in PrivacyAcceptance.objects.filter(registration=r)
    ]
    if not acceptances:
        acceptances = [{"version": r.consent_version, "accepted_at": _iso(r.consent_at)}]
    statuses = dict(RegistrationStatus.choices)
    status_history = [
        {
            "from": row.from_status,
            "to": row.to_status,
            "from_label": str(statuses.get(row.from_status, row.from_status)),
            "to_label": str(statuses.get(row.to_status, row.to_status)),
            "at": _iso(row.at),
            "by_staff": row.by_id is not None,
            "note": row.note,
        }
        for row in StatusChange.objects.filter(registration=r)
    ]
    sections: dict[str, Any] = {"messages": [], "check_ins": [], "survey_answers": []}
    # The other rooms add what they hold about the person (messages, check-ins, answers).
    for _receiver, section in personal_data_requested.send(sender=Registration, registration=r):
        sections.update(section)
    return {
        "exported_at": timezone.now().isoformat(),
        "event": {
            "id": event.pk,
            "title": event.title,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
        },
        "registration": fields,
        "consent": {
            "version": r.consent_version,
            "accepted_at": _iso(r.consent_at),
            "history": acceptances,
        },
        "status_history": status_history,
        **sections,
    }


def personal_data_labelled(*, registration: Registration) -> list[tuple[str, str]]:
    """The registration's own fields as (label, readable value) for the "my data" page."""
    rows = [(str(spec.label), spec.display(registration)) for spec in PARTICIPANT_FIELDS]
    rows.append((_("Status"), registration.get_status_display()))
    return [(label, value) for label, value in rows if value]


def deletion_requests_open(*, user) -> QuerySet[Registration]:
    """Registrations whose participant asked for deletion, not yet carried out, that ``user``
    may see (the same scope as the participant lists)."""
    return (
        registrations_visible_to(user)
        .filter(deletion_requested_at__isnull=False, anonymised_at__isnull=True)
        .select_related("event")
        .order_by("deletion_requested_at", "pk")
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_ends(*, event: EventPage) -> dt.date:
    """The first day on which ``event``'s participants are anonymised."""
    months = event.retention_months
    if months is None:
        months = settings.RETENTION_MONTHS_AFTER_EVENT
    return add_months(event.end_date, months) + dt.timedelta(days=1)


def registrations_due_for_anonymisation(*, today: dt.date) -> QuerySet[Registration]:
    """Registrations not yet anonymised whose event's retention period is over on ``today``.

    Only events that have ended are looked at (few), and the months are added in Python, so
    the rule is the same on SQLite and PostgreSQL.
    """
    ended = EventPage.objects.filter(end_date__lt=today).values_list(
        "pk", "end_date", "retention_months"
    )
    due = []
    for pk, end_date, months in ended:
        months = settings.RETENTION_MONTHS_AFTER_EVENT if months is None else months
        if add_months(end_date, months) < today:
            due.append(pk)
    return Registration.objects.filter(event_id__in=due, anonymised_at__isnull=True).order_by("pk")
