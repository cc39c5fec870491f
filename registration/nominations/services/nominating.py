"""The focal point's side of nominations: nominate, replace, withdraw, upload documents.

Every write runs in one transaction with a row lock on the delegation, so two focal-point
tabs (or two people sharing a link) never fill more places than the quota. Each refusal is a
``NominationError`` with a sentence the focal point can act on, in the active language, and
a ``code`` for views and tests.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.messaging.models import Message
from registration.messaging.services.outbox import message_render, message_wire, messages_kick
from registration.models.registrations import ParticipantRole, Sex, normalise_email
from registration.nominations.models import (
    HOLDS_A_PLACE,
    Delegation,
    DelegationDocument,
    DocumentKind,
    Nomination,
    NominationStatus,
)
from registration.selectors.registrations import event_in_language
from registration.services.registrations import ACTIVE, registration_cancel

#: Roles a focal point may nominate someone for (organisers and interpreters are staff's).
FOCAL_ROLES = (
    ParticipantRole.PARTICIPANT,
    ParticipantRole.SPEAKER,
    ParticipantRole.EXPERT,
    ParticipantRole.OBSERVER,
)
#: Fields a focal point gives for a nominee: only what they know; the nominee enters the rest.
FIELDS = ("given_name", "family_name", "email", "sex", "position", "organisation", "role")
REQUIRED = ("given_name", "family_name", "email", "sex", "organisation", "role")
#: Statuses in which a nomination still counts as the person's (the e-mail cannot be reused).
ENDED = (NominationStatus.DECLINED, NominationStatus.REPLACED, NominationStatus.WITHDRAWN)
#: Statuses a focal point may replace, and withdraw.
REPLACEABLE = (
    NominationStatus.NOMINATED,
    NominationStatus.APPROVED,
    NominationStatus.REPLACEMENT_ASKED,
)
WITHDRAWABLE = (NominationStatus.NOMINATED, NominationStatus.REPLACEMENT_ASKED)
#: Every PDF file starts with these bytes (ISO 32000-1, 7.5.2).
PDF_MAGIC = b"%PDF-"


class NominationError(Exception):
    """A nomination, replacement, withdrawal or upload refused. ``code`` says why:
    ``revoked``, ``closed``, ``quota``, ``role_quota``, ``role``, ``invalid``, ``duplicate``,
    ``duplicate_elsewhere``, ``status``, ``not_pdf``, ``too_large``, ``kind``."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- Rules -------------------------------------------------------------------------------------


def delegation_is_open(delegation: Delegation, *, now: dt.datetime | None = None) -> bool:
    """True while the focal point may nominate: before the deadline (none: always), or until
    ``reopened_until`` when the organisers reopened it."""
    now = now or timezone.now()
    if delegation.deadline is None or now <= delegation.deadline:
        return True
    return delegation.reopened_until is not None and now < delegation.reopened_until


def places_held(delegation: Delegation) -> dict[str, int]:
    """Places held by the delegation's nominations: ``{"": total, role: count, ...}``."""
    held: dict[str, int] = {"": 0}
    for role in Nomination.objects.filter(
        delegation=delegation, status__in=HOLDS_A_PLACE
    ).values_list("role", flat=True):
        held[""] += 1
        held[role] = held.get(role, 0) + 1
    return held


def _check_open(delegation: Delegation, now: dt.datetime) -> None:
    if delegation.revoked_at is not None:
        raise NominationError(
            _("This delegation's page is closed. Please write to the organisers."),
            code="revoked",
        )
    if not delegation_is_open(delegation, now=now):
        raise NominationError(
            _(
                "The deadline for nominations has passed. Please write to the organisers if "
                "you still need to nominate someone."
            ),
            code="closed",
        )


def _check_places(delegation: Delegation, role: str) -> None:
    held = places_held(delegation)
    if held[""] >= delegation.quota:
        raise NominationError(
            _(
                "All %(quota)s places of your delegation are taken. To nominate someone else, "
                "replace or withdraw one of your nominees."
            )
            % {"quota": delegation.quota},
            code="quota",
        )
    role_quota = (delegation.role_quotas or {}).get(role)
    if role_quota is not None and held.get(role, 0) >= int(role_quota):
        raise NominationError(
            _(
                "All %(quota)s places for the role “%(role)s” are taken. Please choose another "
                "role, or replace one of your nominees in this role."
            )
            % {"quota": role_quota, "role": ParticipantRole(role).label},
            code="role_quota",
        )


def _check_email(delegation: Delegation, email_normalised: str) -> None:
    taken = (
        Nomination.objects.filter(event_id=delegation.event_id, email_normalised=email_normalised)
        .filter(anonymised_at__isnull=True)
        .exclude(status__in=ENDED)
        .values_list("delegation_id", flat=True)
        .first()
    )
    if taken is None:
        return
    if taken == delegation.pk:
        raise NominationError(
            _("This person is already on your delegation's list (same e-mail address)."),
            code="duplicate",
        )
    # Never says which delegation: a focal point sees only their own.
    raise NominationError(
        _(
            "This e-mail address is already nominated for this event. If you think this is a "
            "mistake, please write to the organisers."
        ),
        code="duplicate_elsewhere",
    )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Only the focal point's fields, trimmed; the role must be one a focal point may give."""
    cleaned = {field: str(data.get(field) or "").strip() for field in FIELDS}
    cleaned["role"] = cleaned["role"] or ParticipantRole.PARTICIPANT
    missing = [field for field in REQUIRED if not cleaned[field]]
    if missing:
        raise NominationError(
            _("Please fill in the name, e-mail, sex, institution and role of the person."),
            code="invalid",
        )
    if cleaned["role"] not in FOCAL_ROLES:
        raise NominationError(_("Please choose one of the roles offered on the form."), code="role")
    if cleaned["sex"] not in Sex.values:
        raise NominationError(_("Please choose one of the options for sex."), code="invalid")
    return cleaned


def _insert(delegation: Delegation, cleaned: dict[str, Any], **extra: Any) -> Nomination:
    nomination = Nomination(
        event_id=delegation.event_id,
        delegation=delegation,
        status=NominationStatus.NOMINATED,
        email_normalised=normalise_email(cleaned["email"]),
        **cleaned,
        **extra,
    )
    try:
        with transaction.atomic():
            nomination.save(force_insert=True)
    except IntegrityError as exc:
        # Another delegation nominated the same address between our check and the insert.
        raise NominationError(
            _(
                "This e-mail address is already nominated for this event. If you think this "
                "is a mistake, please write to the organisers."
            ),
            code="duplicate_elsewhere",
        ) from exc
    return nomination


# --- Nominations -------------------------------------------------------------------------------


def nomination_create(
    *, delegation: Delegation, data: dict[str, Any], now: dt.datetime | None = None
) -> Nomination:
    """Nominate one person for ``delegation`` with what the focal point knows
    (``given_name``, ``family_name``, ``email``, ``sex``, ``position``, ``organisation``,
    ``role``; anything else in ``data`` is ignored).

    Refused (``NominationError``) when the link is closed, after the deadline unless
    reopened, above the quota or the role's quota, or when the e-mail address is already
    nominated for the event (by this delegation or another). Side effect: one
    ``Nomination`` row, written under a row lock on the delegation.
    """
    now = now or timezone.now()
    cleaned = _clean(data)
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        _check_open(locked, now)
        _check_places(locked, cleaned["role"])
        _check_email(locked, normalise_email(cleaned["email"]))
        return _insert(locked, cleaned)


def nomination_replace(
    *, nomination: Nomination, data: dict[str, Any], now: dt.datetime | None = None
) -> Nomination:
    """Put another person in ``nomination``'s place: the old one becomes ``replaced``, the
    new one (``replaces`` the old) is nominated with what the focal point gives.

    Allowed before the deadline (or while reopened); a replacement the organisers asked for
    may be made after the deadline too, since they are waiting for it. Refused as in
    ``nomination_create`` (role quota, duplicate e-mail), and for a nominee who was declined,
    withdrawn or already replaced. Side effects: both rows, under a row lock on the
    delegation, and a polite e-mail to the replaced person in the outbox (their
    registration's language, else the focal point's). A replaced person who had already
    registered loses that registration too (cancelled as staff cancel one: the ``cancelled``
    e-mail withdraws their calendar invite, and the place goes to the waiting list): the
    place was the delegation's, and it now belongs to the new nominee.
    """
    now = now or timezone.now()
    cleaned = _clean(data)
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=nomination.delegation_id)
        old = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if old.status not in REPLACEABLE:
            raise NominationError(
                _("This person can no longer be replaced: they are no longer on your list."),
                code="status",
            )
        if locked.revoked_at is not None or old.status != NominationStatus.REPLACEMENT_ASKED:
            # A replacement the organisers asked for is awaited: no deadline stands in its way.
            _check_open(locked, now)
        old.status = NominationStatus.REPLACED
        old.save(update_fields=["status", "updated_at"])
        _check_places(locked, cleaned["role"])
        _check_email(locked, normalise_email(cleaned["email"]))
        new = _insert(locked, cleaned, replaces=old)
        _tell_replaced(old, delegation=locked)
        if old.registration is not None and old.registration.status in ACTIVE:
            registration_cancel(
                registration=old.registration, note="replaced by the delegation's focal point"
            )
    return new


def nomination_withdraw(*, nomination: Nomination, now: dt.datetime | None = None) -> Nomination:
    """The focal point takes back a nomination not yet approved (or one the organisers asked
    to replace): its place is free again. Side effect: the row's status, under a row lock on
    the delegation. Refused for approved, declined or ended nominations."""
    with transaction.atomic():
        Delegation.objects.select_for_update().filter(pk=nomination.delegation_id).first()
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status not in WITHDRAWABLE:
            raise NominationError(
                _(
                    "Only a nomination that is not yet approved can be withdrawn. Please write "
                    "to the organisers, or replace the person."
                ),
                code="status",
            )
        locked.status = NominationStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
    return locked


def _tell_replaced(old: Nomination, *, delegation: Delegation) -> None:
    """Queue the polite e-mail to a replaced nominee (address only, or their registration's
    row when they have one, so it is exported and anonymised with it)."""
    registration = old.registration
    language = (registration.language if registration else "") or delegation.focal_language
    context = {
        "nomination": old,
        "nominee_name": f"{old.given_name} {old.family_name}",
        "delegation": delegation,
        "event_local": event_in_language(delegation.event, language),
        "site_url": settings.SITE_URL,
    }
    outbox_address_queue(
        event_id=delegation.event_id,
        registration=registration,
        to_email=old.email,
        language=language,
        kind="nomination_replaced",
        dedupe_key=f"nomination-replaced:{old.pk}",
        context=context,
    )


def outbox_address_queue(
    *,
    event_id: int,
    to_email: str,
    language: str,
    kind: str,
    dedupe_key: str,
    context: dict[str, Any],
    registration=None,
) -> Message | None:
    """Queue one e-mail to an address (a nominee, a focal point) in the outbox, rendered now
    from ``registration/email/<kind>*`` in ``language``. Side effects: one ``Message`` row
    (none if ``dedupe_key`` exists) and a send task after commit. Returns the row or None."""
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    subject, text, html = message_render(kind=kind, language=language, context=context)
    message = Message(
        event_id=event_id,
        registration=registration,
        kind=kind,
        dedupe_key=dedupe_key,
        to_email=to_email,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
    )
    message.wire = message_wire(message)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None  # a concurrent caller queued it first
    messages_kick()
    return message


# --- Documents ---------------------------------------------------------------------------------


def document_upload(*, delegation: Delegation, file, kind: str) -> DelegationDocument:
    """Keep a PDF the focal point uploads (nomination letter, Note Verbale) in private
    storage under a random name. Refused (``NominationError``) when the file is not a PDF
    (its first bytes, not its name), is larger than ``NOMINATION_DOCUMENT_MAX_BYTES``, or the
    link is closed; nothing is stored then. Side effects: the file and one row."""
    if delegation.revoked_at is not None:
        raise NominationError(
            _("This delegation's page is closed. Please write to the organisers."),
            code="revoked",
        )
    if kind not in DocumentKind.values:
        raise NominationError(_("Please choose what kind of document this is."), code="kind")
    limit = settings.NOMINATION_DOCUMENT_MAX_BYTES
    size = file.size
    if size > limit:
        raise NominationError(
            _("The file is too large. Please upload a PDF of at most %(limit)s.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if size == 0 or head != PDF_MAGIC:
        raise NominationError(
            _("Only PDF files can be uploaded. Please save the document as PDF and try again."),
            code="not_pdf",
        )
    filename = os.path.basename((file.name or "").replace("\\", "/"))[:200] or "document.pdf"
    if not filename.lower().endswith(".pdf"):
        filename = f"{filename}.pdf"
    document = DelegationDocument(delegation=delegation, kind=kind, filename=filename, size=size)
    document.file.save(filename, file, save=False)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_delete(*, document: DelegationDocument) -> None:
    """Delete a delegation's document: the row now, the file once the deletion commits."""
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        DelegationDocument.objects.filter(pk=document.pk).delete()
        transaction.on_commit(lambda: storage.delete(name))
