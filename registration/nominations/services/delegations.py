"""The organiser's side of a delegation: create and edit it, invite its focal point (an
e-mail with the delegation's link through the outbox), renew or revoke the link, reopen
nominations after the deadline.

Every e-mail is an outbox row (``registration.messaging``) written in the transaction that
causes it: the outbox sends to an address without a registration (``Message.registration``
is optional), so the focal point's e-mail is retried and logged like every other one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.l10n import country_name
from conference.languages import language_codes
from registration.messaging.models import Message
from registration.messaging.services.outbox import message_render, message_wire, messages_kick
from registration.models.registrations import ParticipantRole
from registration.nominations.links import delegation_url
from registration.nominations.models import Delegation, DelegationKind, new_key
from registration.selectors.registrations import event_in_language

#: The fields an organiser sets on a delegation (the form's and ``delegation_create``'s).
FIELDS = (
    "kind",
    "country",
    "name",
    "quota",
    "role_quotas",
    "deadline",
    "focal_name",
    "focal_email",
    "focal_language",
)


def delegation_clean(*, event, data: dict[str, Any], instance: Delegation | None = None) -> dict:
    """``data`` checked and completed (a country delegation without a name is named after the
    country, in the event's language). Raises ``ValidationError`` with a sentence per field."""
    cleaned = {key: data.get(key) for key in FIELDS if key in data}
    if instance is not None:
        for key in FIELDS:
            cleaned.setdefault(key, getattr(instance, key))
    errors: dict[str, list[str]] = {}
    kind = cleaned.get("kind") or DelegationKind.COUNTRY
    cleaned["kind"] = kind
    country = str(cleaned.get("country") or "")
    cleaned["country"] = country
    name = (cleaned.get("name") or "").strip()
    if kind == DelegationKind.COUNTRY:
        if not country:
            errors.setdefault("country", []).append(
                _("Choose the participating State of this delegation.")
            )
        elif not name:
            name = country_name(country, event.locale.language_code)
    else:
        cleaned["country"] = ""
        if not name:
            errors.setdefault("name", []).append(_("Enter the organisation's name."))
    cleaned["name"] = name
    quota = cleaned.get("quota")
    if quota is None or int(quota) < 1:
        errors.setdefault("quota", []).append(_("A delegation needs at least one place."))
    roles = {}
    for role, places in (cleaned.get("role_quotas") or {}).items():
        if role not in ParticipantRole.values:
            errors.setdefault("role_quotas", []).append(_("Unknown participant role."))
            continue
        if places:
            roles[role] = int(places)
    cleaned["role_quotas"] = roles
    if quota and sum(roles.values()) > int(quota):
        errors.setdefault("role_quotas", []).append(
            _("The places per role add up to more than the delegation's places.")
        )
    email = (cleaned.get("focal_email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors.setdefault("focal_email", []).append(_("Enter the focal point's e-mail address."))
    cleaned["focal_email"] = email
    if not (cleaned.get("focal_name") or "").strip():
        errors.setdefault("focal_name", []).append(_("Enter the focal point's name."))
    if cleaned.get("focal_language") not in language_codes():
        errors.setdefault("focal_language", []).append(_("Choose the focal point's language."))
    others = Delegation.objects.filter(event=event.source)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if name and others.filter(name=name).exists():
        errors.setdefault("name", []).append(_("This event has a delegation of that name already."))
    if cleaned["country"] and others.filter(country=cleaned["country"]).exists():
        errors.setdefault("country", []).append(
            _("This event has a delegation of that State already.")
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def delegation_create(*, event, data: dict[str, Any], by=None) -> Delegation:
    """A new delegation of ``event`` (its default-locale page). Raises ``ValidationError``."""
    source = event.source
    cleaned = delegation_clean(event=source, data=data)
    try:
        with transaction.atomic():
            return Delegation.objects.create(event=source, **cleaned)
    except IntegrityError as exc:  # a concurrent organiser made the same one
        raise ValidationError(
            {"name": [_("This event has a delegation of that name already.")]}
        ) from exc


def delegation_update(*, delegation: Delegation, data: dict[str, Any], by=None) -> Delegation:
    """Change a delegation's fields. The link stays as it is. Raises ``ValidationError``."""
    cleaned = delegation_clean(event=delegation.event, data=data, instance=delegation)
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(cleaned))
    return locked


def focal_message_queue(
    *, delegation: Delegation, kind: str, dedupe_key: str, context: dict[str, Any]
) -> Message | None:
    """Queue an e-mail to the delegation's focal point in their language (an outbox row
    without a registration; none if ``dedupe_key`` was queued already). Call inside the
    transaction that causes it."""
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    event = delegation.event
    language = delegation.focal_language
    full = {
        "delegation": delegation,
        "event": event,
        "event_local": event_in_language(event, language),
        "site_url": settings.SITE_URL,
        **context,
    }
    subject, text, html = message_render(kind=kind, language=language, context=full)
    message = Message(
        event=event,
        registration=None,
        kind=kind,
        dedupe_key=dedupe_key,
        to_email=delegation.focal_email,
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
        return None
    messages_kick()
    return message


def delegation_invite(
    *, delegation: Delegation, by=None, resend: bool = False, now: dt.datetime | None = None
) -> Message | None:
    """E-mail the focal point their delegation's link, the event, the places and the deadline.

    Once per link: inviting again sends nothing unless ``resend`` (a renewed link is a new
    link and is sent). Refused for a revoked delegation. Side effects: ``invited_at`` (set
    under the delegation's row lock) and one outbox row. Returns the row, or None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Delegation.objects.select_for_update().select_related("event").get(pk=delegation.pk)
        )
        if locked.revoked_at is not None:
            raise ValidationError(_("This delegation's link is revoked; renew the link first."))
        key = f"delegation_invite:{locked.pk}:{locked.access_key}"
        if resend:
            key = f"{key}:{now.isoformat()}"
        elif locked.invited_at is not None and Message.objects.filter(dedupe_key=key).exists():
            return None
        message = focal_message_queue(
            delegation=locked,
            kind="delegation_invite",
            dedupe_key=key,
            context={
                "delegation_url": delegation_url(locked),
                "deadline": locked.deadline,
                "role_quotas": [
                    (ParticipantRole(role).label, places)
                    for role, places in locked.role_quotas.items()
                ],
            },
        )
        locked.invited_at = now
        locked.save(update_fields=["invited_at"])
    delegation.invited_at = locked.invited_at
    return message


def delegation_link_renew(*, delegation: Delegation, by=None) -> Delegation:
    """A new link for the delegation: the old one stops working at once (a revoked
    delegation gets a working link again). Not sent by itself (``delegation_invite`` sends
    the new one)."""
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        locked.access_key = new_key()
        locked.revoked_at = None
        locked.save(update_fields=["access_key", "revoked_at"])
    delegation.access_key = locked.access_key
    delegation.revoked_at = None
    return locked


def delegation_revoke(*, delegation: Delegation, by=None, now: dt.datetime | None = None):
    """Close the delegation's link for good (until reopened): its page answers with a clear
    page, and nothing more can be nominated."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now
            locked.save(update_fields=["revoked_at"])
    delegation.revoked_at = locked.revoked_at
    return locked


def delegation_reopen(*, delegation: Delegation, until: dt.datetime, by=None, now=None):
    """Let the delegation nominate after its deadline, until ``until``. A revoked link stays
    revoked (renewing it gives a new one)."""
    now = now or timezone.now()
    if until <= now:
        raise ValidationError({"until": [_("Choose a time in the future.")]})
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        locked.reopened_until = until
        locked.save(update_fields=["reopened_until"])
    delegation.reopened_until = until
    return locked
