"""Enrolment in a programme: one person, one cohort, one registration per event of the cohort.

``enrolment_create`` writes everything in one transaction or nothing: the cohort's row is
locked and its enrolments counted against its capacity, the ``Enrolment`` is written, then
each event of the cohort (``events_for_cohort``) is locked in turn (the same NO KEY UPDATE lock
as ``registration_create``) and a ``Registration`` is made there. If one event is full, the
error names it and the whole transaction rolls back: no enrolment without its registrations.

Confirmation: the registrations start awaiting e-mail confirmation, like the event form's
(a fake address must not hold places), but no event's own "confirm your address" e-mail is
sent. One e-mail goes out, ``programme_enrolled``, with the personal programme link
(``programmes.links``); opening it and pressing "Confirm" confirms the address on every
registration at once (``enrolment_confirm``), and each event then sends its ordinary
"confirmed" e-mail with its calendar entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import EventPage, ProgrammePage
from registration.messaging.services.outbox import message_queue
from registration.models.registrations import (
    HOLDS_A_PLACE,
    Registration,
    RegistrationStatus,
    StatusChange,
    normalise_email,
)
from registration.programmes.links import enrolment_url
from registration.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
)
from registration.programmes.selectors.enrolment import enrolment_registrations
from registration.programmes.selectors.events import events_for_cohort
from registration.selectors.lifecycle import privacy_notice_current
from registration.selectors.registrations import event_in_language
from registration.services.registrations import (
    ACTIVE,
    CREATE_FIELDS,
    RegistrationError,
    registration_cancel,
    registration_confirm_email,
)

S = RegistrationStatus

#: Roles a person may choose on the public enrolment form (mentors and trainers are
#: enrolled by the organisers); the mentee role only in a programme (not a course).
PUBLIC_ENROLMENT_ROLES = (EnrolmentRole.PARTICIPANT, EnrolmentRole.MENTEE)
#: The role each programme role has on the events' registrations (and badges).
REGISTRATION_ROLE = {
    EnrolmentRole.PARTICIPANT: "participant",
    EnrolmentRole.MENTEE: "mentee",
    EnrolmentRole.MENTOR: "mentor",
    EnrolmentRole.TRAINER: "expert",
}
#: One "you are already enrolled" e-mail per enrolment per quarter hour at most.
NOTICE_BUCKET_SECONDS = 15 * 60


class EnrolmentError(Exception):
    """A rule of enrolment said no. ``code`` says which (closed, wrong_cohort, cohort_full,
    event_full, role_not_public); ``event`` is the full event for ``event_full``."""

    def __init__(self, message: Any, *, code: str, event: EventPage | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.event = event


@dataclass(frozen=True)
class EnrolmentResult:
    enrolment: Enrolment
    created: bool


def _lock_cohort_or_programme(programme: ProgrammePage, cohort: Cohort | None) -> Cohort | None:
    """Serialise every capacity decision of one cohort (or of a programme without cohorts)."""
    if cohort is not None:
        return Cohort.objects.select_for_update().get(pk=cohort.pk)
    ProgrammePage.objects.select_for_update(of=("self",), no_key=True).filter(
        pk=programme.pk
    ).values_list("pk").get()
    return None


def _lock_event_capacity(event: EventPage) -> int | None:
    # NO KEY UPDATE like registration_create: inserting a registration takes KEY SHARE on the
    # event's row; FOR UPDATE would wait for it (see registration.services.registrations).
    return (
        EventPage.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=event.pk)
        .values_list("capacity", flat=True)
        .get()
    )


def _registration_fields(data: dict[str, Any], *, language: str, role: str) -> dict[str, Any]:
    fields = {name: data[name] for name in CREATE_FIELDS if name in data}
    fields["language"] = fields.get("language") or language
    fields["role"] = REGISTRATION_ROLE.get(role, "participant")
    return fields


def _notice(enrolment: Enrolment, registration: Registration | None, *, kind: str, key: str):
    """Queue ``kind`` (``programme_enrolled``, ``programme_already_enrolled``) to the enrolled
    person. The outbox keeps e-mails per registration: the enrolment's go with its first
    event's (an enrolment without events has no e-mail)."""
    if registration is None:
        return None
    programme_local = _programme_in_language(enrolment.programme, enrolment.language)
    return message_queue(
        registration=registration,
        kind=kind,
        dedupe_key=key,
        context={
            "enrolment": enrolment,
            "programme": programme_local,
            "programme_url": enrolment_url(enrolment),
        },
    )


def _programme_in_language(programme: ProgrammePage, language: str) -> ProgrammePage:
    copy = (
        ProgrammePage.objects.live()
        .filter(translation_key=programme.translation_key, locale__language_code=language[:2])
        .first()
    )
    return copy or programme


def _first_registration(enrolment: Enrolment) -> Registration | None:
    rows = enrolment_registrations(enrolment)
    if not rows:
        return None
    events = {e.pk: e for e in EventPage.objects.filter(pk__in=rows)}
    first = min(rows, key=lambda pk: (events[pk].start_date, pk))
    return rows[first]


def _repeat(enrolment: Enrolment) -> EnrolmentResult:
    """Someone submitted an enrolled address again: nothing is written; its owner gets their
    link by e-mail (at most once a quarter hour, not in the quarter hour after enrolling)."""
    now = timezone.now()
    if enrolment.created_at <= now - dt.timedelta(seconds=NOTICE_BUCKET_SECONDS):
        bucket = int(now.timestamp() // NOTICE_BUCKET_SECONDS)
        _notice(
            enrolment,
            _first_registration(enrolment),
            kind="programme_already_enrolled",
            key=f"programme_already_enrolled:{enrolment.pk}:{bucket}",
        )
    return EnrolmentResult(enrolment, created=False)


def enrolment_create(
    *,
    programme: ProgrammePage,
    cohort: Cohort | None,
    data: dict[str, Any],
    language: str,
    by=None,
) -> EnrolmentResult:
    """Enrol a person in ``programme`` (any language copy; the enrolment belongs to the
    default-locale page) and ``cohort``, and register them for every event of that cohort.

    ``data``: the enrolment form's cleaned data (the registration form's fields, and
    ``programme_role``, ``region``). Side effects, in one transaction: the cohort's row lock,
    one ``Enrolment``, for each event one ``Registration`` awaiting e-mail confirmation with
    its ``StatusChange`` (none where the address is registered for that event already: that
    registration is kept as it is), and one ``programme_enrolled`` e-mail in the outbox. An
    address already enrolled writes nothing and returns the existing enrolment with
    ``created=False`` (its owner is told by e-mail), also for a parallel double submit.

    Without ``by`` (the public form) the programme must be open for enrolment and the role
    one of ``PUBLIC_ENROLMENT_ROLES``. Raises ``EnrolmentError`` (closed, wrong_cohort,
    role_not_public, cohort_full, event_full: nothing written).
    """
    source = programme.source
    staff = getattr(by, "is_authenticated", False)
    if not staff and not source.enrolment_open:
        raise EnrolmentError(
            _("Participants of this programme are enrolled by the organisers."), code="closed"
        )
    if cohort is not None and cohort.programme_id != source.pk:
        raise EnrolmentError(_("Choose one of the cohorts offered."), code="wrong_cohort")
    role = data.get("programme_role") or EnrolmentRole.PARTICIPANT
    if not staff and role not in PUBLIC_ENROLMENT_ROLES:
        raise EnrolmentError(
            _("This role is assigned by the organisers. Choose one of the roles offered."),
            code="role_not_public",
        )
    email_normalised = normalise_email(data.get("email", ""))
    events = sorted(events_for_cohort(source, cohort), key=lambda event: event.pk)
    now = timezone.now()
    with transaction.atomic():
        cohort = _lock_cohort_or_programme(source, cohort)
        existing = Enrolment.objects.filter(
            programme=source, email_normalised=email_normalised, anonymised_at__isnull=True
        ).first()
        if existing is not None:
            return _repeat(existing)
        if cohort is not None and cohort.capacity is not None:
            taken = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED).count()
            if taken >= cohort.capacity:
                raise EnrolmentError(
                    _("Sorry, this cohort is full. Choose another cohort."), code="cohort_full"
                )
        fields = _registration_fields(data, language=language, role=role)
        enrolment = Enrolment(
            programme=source,
            cohort=cohort,
            role=role,
            given_name=fields.get("given_name", ""),
            family_name=fields.get("family_name", ""),
            email=(data.get("email") or "").strip(),
            email_normalised=email_normalised,
            sex=fields.get("sex", ""),
            organisation=fields.get("organisation", ""),
            position=fields.get("position", ""),
            region=(data.get("region") or "").strip() or (cohort.region if cohort else ""),
            language=fields["language"],
        )
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            # A parallel submit of the same address committed first (no cohort lock shared).
            existing = Enrolment.objects.get(
                programme=source, email_normalised=email_normalised, anonymised_at__isnull=True
            )
            return _repeat(existing)
        consent_version = privacy_notice_current().version
        first: tuple[dt.date, int, Registration] | None = None
        for event in events:
            capacity = _lock_event_capacity(event)
            registration = Registration.objects.filter(
                event=event, email_normalised=email_normalised
            ).first()
            if registration is None:
                held = Registration.objects.filter(event=event, status__in=HOLDS_A_PLACE).count()
                if capacity is not None and held >= capacity:
                    title = event_in_language(event, language).title
                    raise EnrolmentError(
                        _("Sorry, “%(event)s” is full, so the enrolment was not saved.")
                        % {"event": title},
                        code="event_full",
                        event=event,
                    )
                registration = Registration(
                    event=event,
                    status=S.AWAITING_EMAIL,
                    consent_version=consent_version,
                    consent_at=now,
                    **fields,
                )
                registration.save()
                StatusChange.objects.create(
                    registration=registration,
                    from_status="",
                    to_status=registration.status,
                    by=by if staff else None,
                    note="enrolled in the programme",
                )
            if first is None or (event.start_date, event.pk) < first[:2]:
                first = (event.start_date, event.pk, registration)
        _notice(
            enrolment,
            first[2] if first else None,
            kind="programme_enrolled",
            key=f"programme_enrolled:{enrolment.pk}",
        )
    return EnrolmentResult(enrolment, created=True)


def enrolment_confirm(*, enrolment: Enrolment) -> int:
    """The person opened their personal link (only they received it) and confirmed: their
    address is confirmed on every registration of the enrolment that waits for it (each
    event sends its own "confirmed" e-mail with the calendar entry). Returns how many
    registrations changed. A second call changes nothing."""
    changed = 0
    for registration in enrolment_registrations(enrolment).values():
        if registration.email_confirmed_at is None and registration.status in (
            S.AWAITING_EMAIL,
            S.WAITLISTED,
        ):
            try:
                registration_confirm_email(registration=registration)
            except RegistrationError:
                continue  # expired meanwhile: the page shows that registration's status
            changed += 1
    return changed


def enrolment_withdraw(*, enrolment: Enrolment, by=None) -> Enrolment:
    """Withdraw ``enrolment`` from its programme, in one transaction: status withdrawn (its
    cohort place is free again) and each of its active registrations cancelled (each event
    sends its "cancelled" e-mail and offers the place to its waiting list). A second call
    changes nothing."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            return enrolment
        for registration in enrolment_registrations(enrolment).values():
            if registration.status in ACTIVE:
                registration_cancel(registration=registration, by=by)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status", "updated_at"])
    return enrolment
