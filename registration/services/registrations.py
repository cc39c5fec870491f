"""The registration status machine: every transition is one function and one transaction.

awaiting e-mail confirmation → (awaiting approval) → confirmed | waitlisted | declined |
cancelled (and expired, for addresses never confirmed). A place is held from the moment a
registration is made (``HOLDS_A_PLACE``); capacity is counted inside the transaction after a row
lock on the event, so PostgreSQL never overbooks (SQLite serialises writers already). Every
change writes a ``StatusChange`` and queues its e-mail in the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import EventPage
from registration.links import manage_url
from registration.models.registrations import (
    HOLDS_A_PLACE,
    PARTICIPANT,
    PUBLIC_ROLES,
    STAFF,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    StatusChange,
    normalise_email,
    participant_field_names,
)
from registration.selectors.lifecycle import privacy_notice_current
from registration.selectors.registrations import event_in_language
from registration.signals import link_needed, status_changed

S = RegistrationStatus

#: Fields a participant may change on their own page (never the e-mail address or the role).
EDITABLE_FIELDS = participant_field_names(editable_by=PARTICIPANT)
#: Fields staff may change in the admin (the role, not the participant's own answers).
STAFF_EDITABLE_FIELDS = participant_field_names(editable_by=STAFF)
#: Fields taken from the registration form when a registration is made.
CREATE_FIELDS = participant_field_names()

#: Statuses from which a registration can still be cancelled or edited.
ACTIVE = (S.AWAITING_EMAIL, S.AWAITING_APPROVAL, S.CONFIRMED, S.WAITLISTED)


class RegistrationError(Exception):
    """A rule of the registration process said no. ``code`` says which rule."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


# --- helpers --------------------------------------------------------------------------------


def _lock_event(event: EventPage) -> EventPage:
    """Lock the event's row for the rest of the transaction (serialises capacity decisions)."""
    source = event.source
    # NO KEY UPDATE: inserting a registration takes a KEY SHARE lock on the event's row (the
    # foreign key); a plain FOR UPDATE would wait for it and deadlock two registrations that
    # each inserted first. NO KEY UPDATE still excludes every other capacity decision.
    return EventPage.objects.select_for_update(of=("self",), no_key=True).get(pk=source.pk)


def _lock_places(event: EventPage) -> tuple[int | None, bool]:
    """``_lock_event`` reading only what a capacity decision needs: capacity, waiting list."""
    return (
        EventPage.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=event.source.pk)
        .values_list("capacity", "waiting_list")
        .get()
    )


def _places_held(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status__in=HOLDS_A_PLACE).count()


def _has_free_place(event: EventPage) -> bool:
    return event.capacity is None or _places_held(event) < event.capacity


def _check_open(event: EventPage, *, now: dt.datetime) -> None:
    """Refuse unless registration is open at ``now`` (the event page's own rule and codes:
    ``EventPage.registration_state_at``; the page shows what this decides)."""
    state = event.registration_state_at(now)
    if state == "not_open":
        raise RegistrationError(
            _("Registration for this event has not opened yet."), code="not_open"
        )
    if state == "closed":
        raise RegistrationError(_("Registration for this event is closed."), code="closed")


def _check_invitation(event: EventPage, code: str) -> None:
    if not event.invitation_only:
        return
    expected = (event.invitation_code or "").strip()
    given = (code or "").strip()
    if not expected or not given or not hmac.compare_digest(given.upper(), expected.upper()):
        raise RegistrationError(
            _("This event is by invitation only: enter the invitation code from your invitation."),
            code="invitation_required",
        )


def _transition(
    registration: Registration,
    to_status: str,
    *,
    by=None,
    note: str = "",
    reason: str,
    context: dict[str, Any] | None = None,
    extra_fields: Iterable[str] = (),
) -> StatusChange:
    """Move ``registration`` to ``to_status``, record it, and announce it (``status_changed``:
    messaging decides which e-mail the change sends)."""
    change = StatusChange.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=to_status,
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
    )
    registration.status = to_status
    registration.save(update_fields=["status", "updated_at", *extra_fields])
    status_changed.send(
        sender=Registration,
        registration=registration,
        change=change,
        reason=reason,
        context={**_message_context(registration), **(context or {})},
        build=True,
    )
    return change


def _message_context(registration: Registration, page: EventPage | None = None) -> dict[str, Any]:
    """What every status e-mail needs. ``page``: a copy of the event already at hand (the page
    the participant registered on), used when it is in the e-mail's language, saving the
    lookup of that copy."""
    if page is not None and page.locale.language_code == registration.language[:2]:
        event_local = page
    else:
        event_local = event_in_language(registration.event, registration.language)
    return {
        "manage_url": manage_url(registration),
        "event_local": event_local,
    }


def _promote_waitlisted(event: EventPage, *, by=None) -> list[Registration]:
    """Give every free place to the first on the waiting list. The event must be locked.

    Promotion keeps the e-mail confirmation rule: someone who never confirmed their address
    goes to awaiting e-mail (e-mail ``promoted_confirm``) and has ``REGISTRATION_CONFIRM_HOURS``
    from now to confirm, or the place goes on to the next (fake addresses cannot hold places).
    """
    promoted: list[Registration] = []
    if not event.waiting_list:
        return promoted
    while _has_free_place(event):
        first = (
            Registration.objects.select_for_update()
            .filter(event=event, status=S.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if first is None:
            break
        first.event = event
        note = "promoted from the waiting list"
        if first.email_confirmed_at is None:
            _transition(first, S.AWAITING_EMAIL, by=by, note=note, reason="promoted")
        else:
            to_status = S.AWAITING_APPROVAL if event.needs_approval else S.CONFIRMED
            _transition(first, to_status, by=by, note=note, reason="promoted")
        promoted.append(first)
    return promoted


def _locked_registration(registration: Registration) -> tuple[Registration, EventPage]:
    """Lock the event, then re-read the registration under that lock."""
    event = _lock_event(registration.event)
    fresh = Registration.objects.select_for_update().get(pk=registration.pk)
    fresh.event = event
    return fresh, event


# --- services -------------------------------------------------------------------------------


def registration_create(
    *, event: EventPage, data: dict[str, Any], language: str, by=None, invited: bool = False
) -> RegistrationResult:
    """Register a person for ``event``: the copy they registered on, in any language (the
    registration belongs to its default-locale page; the copy itself serves the e-mail about
    a repeated address when it is in the e-mail's language).

    ``data`` is the registration form's cleaned data. Side effects, in one transaction: a
    ``Registration`` (awaiting e-mail confirmation when a place is free, else on the waiting
    list), a ``StatusChange``, and one e-mail in the outbox (``confirm_email`` or
    ``waitlisted``, rendered by the sender). When the address is already registered for the
    event, no registration is written: the existing one is returned with ``created=False`` and
    its owner gets the ``already_registered`` e-mail with their link
    (``registration_repeat_notice``). A refusal
    is the same error for a registered address as for a newcomer (plus that e-mail), so the
    caller can show one page for both and reveal nothing about who is registered.

    The event's row lock serialises every registration for the event, so as little as possible
    happens under it: the registration, its status change and its rendered e-mail are written
    first for the outcome the places suggest, and under the lock, taken last, the places are
    counted again; only when the last places went meanwhile is the outcome rewritten.

    Without ``by`` (the public form) only ``PUBLIC_ROLES`` may be chosen. ``invited``: a room
    above vouches for the person (an approved nomination is their invitation): no invitation
    code is asked and the role it gives is kept.

    Raises ``RegistrationError`` (role_not_public, not_open, closed, invitation_required, full).
    """
    if (
        by is None
        and not invited
        and data.get("role", ParticipantRole.PARTICIPANT) not in PUBLIC_ROLES
    ):
        # The form offers only public roles; a hand-made POST must not print an ORGANISER badge.
        raise RegistrationError(
            _("This role is assigned by the organisers. Choose one of the roles offered."),
            code="role_not_public",
        )
    email_normalised = normalise_email(data.get("email", ""))
    now = timezone.now()
    source = event.source
    try:
        _check_open(source, now=now)
        if not invited:
            _check_invitation(source, data.get("invitation_code", ""))
        has_place = _has_free_place(source)
        if not has_place and not source.waiting_list:
            # True at this moment, as the count under the lock would be: nothing written.
            raise RegistrationError(_("Sorry, this event is full."), code="full")
    except RegistrationError as exc:
        # Everyone hears the same refusal, registered or not (the form must not tell whether
        # an address is registered). Someone already registered is told the rest by e-mail,
        # unless they lack the invitation code. Newcomers never pay for this lookup: the
        # unique constraint below finds a repeat of an open registration.
        if exc.code != "invitation_required":
            existing = Registration.objects.filter(
                event=source, email_normalised=email_normalised
            ).first()
            if existing is not None:
                with transaction.atomic():
                    registration_repeat_notice(registration=existing, page=event)
        raise
    fields = {name: data[name] for name in CREATE_FIELDS if name in data}
    fields["language"] = fields.get("language") or language
    registration = Registration(
        event=source,
        status=S.AWAITING_EMAIL if has_place else S.WAITLISTED,
        consent_version=privacy_notice_current().version,
        consent_at=now,
        invitation_code=(data.get("invitation_code") or "")[:64] if source.invitation_only else "",
        **fields,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # Already registered (or a parallel submit of the same address committed first):
            # the unique constraint stopped the second row. The visitor sees the same page as
            # a newcomer; the address's owner is told by e-mail (once per quarter hour).
            existing = Registration.objects.get(event=source, email_normalised=email_normalised)
            registration_repeat_notice(registration=existing, page=event)
            return RegistrationResult(existing, created=False)
        written = _registered(registration, by=by)

        capacity, waiting_list = _lock_places(source)
        held = _places_held(source) + (0 if registration.status in HOLDS_A_PLACE else 1)
        if capacity is None or held <= capacity:
            status = S.AWAITING_EMAIL
        elif waiting_list:
            status = S.WAITLISTED
        else:
            raise RegistrationError(_("Sorry, this event is full."), code="full")
        if status != registration.status:  # the last places went (or came back) meanwhile
            for row in written:
                row.delete()
            registration.status = status
            registration.save(update_fields=["status", "updated_at"])
            _registered(registration, by=by)
    return RegistrationResult(registration, created=True)


def _registered(registration: Registration, *, by) -> list[Any]:
    """The status change and the e-mail of a new registration in its current status. The
    e-mail is rendered by the sender (``build=False``): it needs nothing but the registration,
    and the visitor waits only for its row."""
    change = StatusChange.objects.create(
        registration=registration,
        from_status="",
        to_status=registration.status,
        by=by if getattr(by, "is_authenticated", False) else None,
        note="registered",
    )
    answers = status_changed.send(
        sender=Registration,
        registration=registration,
        change=change,
        reason="registered",
        context={},
        build=False,  # the sender renders and builds it: a burst of registrations waits less
    )
    return [change, *(row for _receiver, row in answers if row is not None)]


def registration_confirm_email(*, registration: Registration, by=None) -> Registration:
    """The participant proved their address (a link only they received).

    Awaiting e-mail → awaiting approval (event needs approval) or confirmed, with the e-mail
    ``awaiting_approval`` or ``confirmed``. On the waiting list, only the confirmation time is
    recorded. A second call changes nothing and sends nothing.
    Raises ``RegistrationError`` (expired, invalid_transition).
    """
    with transaction.atomic():
        registration, event = _locked_registration(registration)
        if registration.email_confirmed_at is None:
            registration.email_confirmed_at = timezone.now()
            registration.save(update_fields=["email_confirmed_at", "updated_at"])
        if registration.status == S.AWAITING_EMAIL:
            if event.needs_approval:
                _transition(
                    registration,
                    S.AWAITING_APPROVAL,
                    by=by,
                    note="e-mail confirmed",
                    reason="email_confirmed",
                )
            else:
                _transition(
                    registration,
                    S.CONFIRMED,
                    by=by,
                    note="e-mail confirmed",
                    reason="email_confirmed",
                )
        elif registration.status == S.EXPIRED:
            raise RegistrationError(
                _(
                    "This registration expired because the address was not confirmed in time. "
                    "Please register again."
                ),
                code="expired",
            )
    return registration


def registration_approve(*, registration: Registration, by=None, message: str = "") -> Registration:
    """A registration manager accepts a registration that awaits approval.

    Side effects: status confirmed, ``StatusChange`` with ``message`` as note, e-mail
    ``confirmed`` (with the message). Raises ``RegistrationError`` (invalid_transition).
    """
    with transaction.atomic():
        registration, _event = _locked_registration(registration)
        if registration.status == S.CONFIRMED:
            return registration
        if registration.status != S.AWAITING_APPROVAL:
            raise _invalid(registration)
        _transition(
            registration,
            S.CONFIRMED,
            by=by,
            note=message,
            reason="approved",
            context={"staff_message": message},
        )
    return registration


def registration_decline(*, registration: Registration, by=None, message: str = "") -> Registration:
    """A registration manager declines a registration (not yet confirmed).

    Side effects: status declined, ``StatusChange``, e-mail ``declined`` (with the message); the
    place it held goes to the first on the waiting list (e-mail ``promoted``).
    Raises ``RegistrationError`` (invalid_transition).
    """
    with transaction.atomic():
        registration, event = _locked_registration(registration)
        if registration.status == S.DECLINED:
            return registration
        if registration.status not in (S.AWAITING_EMAIL, S.AWAITING_APPROVAL, S.WAITLISTED):
            raise _invalid(registration)
        _transition(
            registration,
            S.DECLINED,
            by=by,
            note=message,
            reason="declined",
            context={"staff_message": message},
        )
        _promote_waitlisted(event, by=by)
    return registration


def registration_cancel(
    *, registration: Registration, by=None, message: str = "", note: str = ""
) -> Registration:
    """Cancel a registration (by the participant, or by staff with an optional message).

    Side effects: status cancelled, ``StatusChange``, e-mail ``cancelled``; the freed place goes
    to the first on the waiting list, who is told (e-mail ``promoted``).
    Raises ``RegistrationError`` (invalid_transition).
    """
    with transaction.atomic():
        registration, event = _locked_registration(registration)
        if registration.status == S.CANCELLED:
            return registration
        if registration.status not in ACTIVE:
            raise _invalid(registration)
        _transition(
            registration,
            S.CANCELLED,
            by=by,
            note=message or note or ("cancelled by staff" if by else "cancelled by participant"),
            reason="cancelled",
            context={"staff_message": message},
        )
        _promote_waitlisted(event, by=by)
    return registration


def registration_update(
    *,
    registration: Registration,
    data: dict[str, Any],
    by=None,
    editor: str = PARTICIPANT,
) -> list[str]:
    """Change the details ``editor`` may change: a participant on their own page
    (``EDITABLE_FIELDS``), staff in the admin (``STAFF_EDITABLE_FIELDS``, e.g. the role);
    never the e-mail address. Other keys of ``data`` are ignored.

    Side effects: the changed fields saved, and a ``StatusChange`` (same status) whose note
    names them. Returns the names of the changed fields (empty: nothing written).
    Raises ``RegistrationError`` (invalid_transition) for a cancelled, declined or expired one.
    """
    editable = STAFF_EDITABLE_FIELDS if editor == STAFF else EDITABLE_FIELDS
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if fresh.status not in ACTIVE:
            raise _invalid(fresh)
        changed = [name for name in editable if name in data and getattr(fresh, name) != data[name]]
        if not changed:
            return []
        for name in changed:
            setattr(fresh, name, data[name])
        fresh.save(update_fields=[*changed, "updated_at"])
        StatusChange.objects.create(
            registration=fresh,
            from_status=fresh.status,
            to_status=fresh.status,
            by=by if getattr(by, "is_authenticated", False) else None,
            note="updated: " + ", ".join(changed),
        )
    for name in changed:
        setattr(registration, name, getattr(fresh, name))
    return changed


def registration_expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Expire registrations whose address was not confirmed within
    ``REGISTRATION_CONFIRM_HOURS``: of registering, or of being promoted from the waiting
    list (each frees its place for the next on the list), and waitlisted ones never confirmed
    (so that fake addresses do not queue up for every place that comes free).

    Side effects per registration, each in its own transaction: status expired,
    ``StatusChange``, promotions (e-mail ``promoted`` or ``promoted_confirm``). Returns how
    many expired.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS)
    # The clock starts when the row entered its status (a promotion restarts it).
    recent = StatusChange.objects.filter(
        registration=OuterRef("pk"), to_status=OuterRef("status"), at__gte=cutoff
    )
    ids = list(
        Registration.objects.filter(
            Q(status=S.AWAITING_EMAIL) | Q(status=S.WAITLISTED, email_confirmed_at__isnull=True),
            created_at__lt=cutoff,
        )
        .exclude(Exists(recent))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in ids:
        with transaction.atomic():
            registration = Registration.objects.select_related("event").get(pk=pk)
            registration, event = _locked_registration(registration)
            if registration.email_confirmed_at is not None or registration.status not in (
                S.AWAITING_EMAIL,
                S.WAITLISTED,
            ):
                continue
            if StatusChange.objects.filter(
                registration=registration, to_status=registration.status, at__gte=cutoff
            ).exists():
                continue
            _transition(
                registration, S.EXPIRED, note="e-mail not confirmed in time", reason="expired"
            )
            _promote_waitlisted(event)
            expired += 1
    return expired


#: Repeat notices and resent links: at most one e-mail per registration in this many seconds.
NOTICE_BUCKET_SECONDS = 900


def registration_repeat_notice(
    *, registration: Registration, page: EventPage | None = None
) -> None:
    """Tell the owner of an address that it was submitted again for an event it is registered
    for: "you are already registered, here is your link". Said only by e-mail, so that the
    form's answer is the same for everyone.

    ``page``: the copy of the event the form was on (used when in the e-mail's language).
    Side effect: at most one ``already_registered`` e-mail per registration per quarter hour
    (a stranger trying the address many times sends one), none in the quarter hour after the
    registration was made (a double submit: the registration's own e-mail has the link).
    """
    now = timezone.now()
    if registration.created_at > now - dt.timedelta(seconds=NOTICE_BUCKET_SECONDS):
        return
    bucket = int(now.timestamp() // NOTICE_BUCKET_SECONDS)
    link_needed.send(
        sender=Registration,
        registration=registration,
        reason="repeat",
        dedupe_key=f"already_registered:{registration.pk}:{bucket}",
        context=_message_context(registration, page),
    )


def registration_resend_link(*, event: EventPage, email: str) -> None:
    """Send the self-service link again to an address registered for ``event``.

    Answers nothing: the caller shows the same page whether or not the address is registered.
    Side effect: at most one ``link_resend`` e-mail per registration per quarter hour.
    """
    registration = (
        Registration.objects.select_related("event")
        .filter(event=event.source, email_normalised=normalise_email(email))
        .first()
    )
    if registration is None:
        return
    bucket = int(timezone.now().timestamp() // NOTICE_BUCKET_SECONDS)
    with transaction.atomic():
        link_needed.send(
            sender=Registration,
            registration=registration,
            reason="lost",
            dedupe_key=f"link_resend:{registration.pk}:{bucket}",
            context={
                "manage_url": manage_url(registration),
                "event_local": event_in_language(registration.event, registration.language),
            },
        )


def _invalid(registration: Registration) -> RegistrationError:
    return RegistrationError(
        _("This cannot be done while the registration is “%(status)s”.")
        % {"status": registration.get_status_display()},
        code="invalid_transition",
    )
