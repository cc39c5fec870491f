"""Reminders to focal points who have places left before their delegation's deadline.

``focal_reminders_queue`` (run by the schedule every 30 minutes) queues one e-mail to each
focal point whose delegation is invited, not revoked, has places left (quota minus the
nominations holding a place) and whose deadline — or the reopened time, when the organisers
reopened the delegation — falls within ``NOMINATION_REMINDER_BEFORE`` and has not passed.

Exactly once per delegation and deadline: the reminder is an outbox row whose dedupe key
names the delegation and the deadline (the outbox's unique key), written under the
delegation's row lock. A second run, a retried task or a concurrent worker finds the row and
sends nothing; a reopened delegation has a new deadline, so it gets one reminder for it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from registration.messaging.services.notices import offset_parse
from registration.nominations.links import delegation_url
from registration.nominations.models import HOLDS_A_PLACE, Delegation
from registration.nominations.services.nominating import outbox_address_queue
from registration.selectors.registrations import event_in_language

KIND = "focal_reminder"


def reminder_before() -> dt.timedelta:
    """How long before the deadline a focal point is reminded (the setting, e.g. ``"3d"``)."""
    return offset_parse(settings.NOMINATION_REMINDER_BEFORE)


def delegation_closes_at(delegation: Delegation) -> dt.datetime | None:
    """The time nominations close: the deadline, or the reopened time when it is later."""
    if delegation.reopened_until is not None and (
        delegation.deadline is None or delegation.reopened_until > delegation.deadline
    ):
        return delegation.reopened_until
    return delegation.deadline


def reminder_dedupe_key(delegation: Delegation, closes_at: dt.datetime) -> str:
    return f"{KIND}:{delegation.pk}:{closes_at.astimezone(dt.UTC).isoformat()}"


def _due(now: dt.datetime, before: dt.timedelta):
    """Invited, open delegations with places left whose deadline or reopened time falls
    within ``before`` of ``now`` and is still ahead (one query)."""
    window = now + before
    return (
        Delegation.objects.filter(invited_at__isnull=False, revoked_at__isnull=True)
        .filter(
            Q(deadline__gt=now, deadline__lte=window)
            | Q(reopened_until__gt=now, reopened_until__lte=window)
        )
        .annotate(held=Count("nominations", filter=Q(nominations__status__in=HOLDS_A_PLACE)))
        .filter(held__lt=F("quota"))
        .select_related("event")
        .order_by("pk")
    )


def focal_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due at ``now``; returns how many were queued (0 on a rerun)."""
    now = now or timezone.now()
    before = reminder_before()
    queued = 0
    for candidate in _due(now, before):
        # Only the later of deadline and reopened time counts (a deadline that was reopened
        # gets no reminder of its own).
        closes_at = delegation_closes_at(candidate)
        if closes_at is None or not (now < closes_at <= now + before):
            continue
        if _remind(candidate, closes_at, now):
            queued += 1
    return queued


def _remind(candidate: Delegation, closes_at: dt.datetime, now: dt.datetime) -> bool:
    with transaction.atomic():
        delegation = (
            Delegation.objects.select_for_update().select_related("event").get(pk=candidate.pk)
        )
        # Re-read under the lock: the focal point may have filled the last place meanwhile.
        if delegation.revoked_at is not None or delegation_closes_at(delegation) != closes_at:
            return False
        held = delegation.nominations.filter(status__in=HOLDS_A_PLACE).count()
        left = delegation.quota - held
        if left <= 0:
            return False
        language = delegation.focal_language or settings.LANGUAGE_CODE
        message = outbox_address_queue(
            event_id=delegation.event_id,
            to_email=delegation.focal_email,
            language=language,
            kind=KIND,
            dedupe_key=reminder_dedupe_key(delegation, closes_at),
            context={
                "delegation": delegation,
                "event": delegation.event,
                "event_local": event_in_language(delegation.event, language),
                "site_url": settings.SITE_URL,
                "delegation_url": delegation_url(delegation),
                "closes_at": closes_at,
                "places_left": left,
                "places_held": held,
            },
        )
    return message is not None
