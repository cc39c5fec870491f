"""The approved nominee's own registration: the invitation e-mail with a personal link, and
the registration made through that link (the event's form, prefilled with what the focal point
entered; the nominee adds interpretation language, needs and consent themself).

The link carries the nomination's random ``invite_key`` signed with its own salt (nothing in it
names the person). It works only while the nomination is approved and not yet registered: a
nomination declined or replaced afterwards makes it say so.

The invitation's language: the nominee's own is unknown (the focal point is not asked), so the
e-mail is written in the focal point's language (usually the delegation's) followed by English
when that is another language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from registration.messaging.models import Message
from registration.messaging.services.outbox import message_render, message_wire, messages_kick
from registration.nominations.models import Nomination, NominationStatus
from registration.selectors.registrations import event_in_language
from registration.services.registrations import RegistrationResult, registration_create

SALT = "nominations.invite"
#: The second language of every invitation (when the first is another).
SECOND_LANGUAGE = "en"


class NomineeLinkError(Exception):
    """A nominee's link that is forged (``forged``) or no longer usable (``closed``: declined,
    replaced, withdrawn or anonymised; ``registered``: the registration is made)."""

    def __init__(self, message: str, *, code: str, nomination: Nomination | None = None):
        super().__init__(message)
        self.code = code
        self.nomination = nomination


def invite_key(nomination: Nomination) -> str:
    """The signed key of ``nomination``'s registration link."""
    return signing.dumps(nomination.invite_key, salt=SALT, compress=False)


def invite_url(nomination: Nomination, *, language: str, absolute: bool = True) -> str:
    """The nominee's registration link under ``language``'s prefix."""
    with translation.override(language):
        path = reverse("nominations:invite", kwargs={"key": invite_key(nomination)})
    return f"{settings.SITE_URL}{path}" if absolute else path


def invite_languages(nomination: Nomination) -> list[str]:
    """The invitation's languages: the focal point's, then English when different."""
    first = nomination.delegation.focal_language or settings.LANGUAGE_CODE
    return [first] if first == SECOND_LANGUAGE else [first, SECOND_LANGUAGE]


def nomination_from_invite(key: str) -> Nomination:
    """The nomination a signed key points at, while its link can be used. Raises
    ``NomineeLinkError`` (forged, closed, registered)."""
    try:
        raw = signing.loads(key, salt=SALT)
    except signing.BadSignature as exc:
        raise NomineeLinkError("forged link", code="forged") from exc
    nomination = (
        Nomination.objects.select_related("event", "delegation").filter(invite_key=raw).first()
    )
    if nomination is None:
        raise NomineeLinkError("forged link", code="forged")
    if nomination.anonymised_at is not None or nomination.status != NominationStatus.APPROVED:
        raise NomineeLinkError("closed link", code="closed", nomination=nomination)
    if nomination.registration_id is not None:
        raise NomineeLinkError("registered", code="registered", nomination=nomination)
    return nomination


def nominee_invite(*, nomination: Nomination) -> Message | None:
    """Queue the approved nominee's invitation to complete their registration (the outbox).

    Once per nomination: a second approval, a retried task or a replayed signal finds the
    same dedupe key and queues nothing. Nothing for a nomination that is not approved.
    Call inside the transaction that approves (``nomination_approved``). Returns the row.
    """
    if nomination.status != NominationStatus.APPROVED or nomination.anonymised_at is not None:
        return None
    dedupe_key = f"nominee_invite:{nomination.pk}"
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    event = nomination.event.source if hasattr(nomination.event, "source") else nomination.event
    languages = invite_languages(nomination)
    subjects, texts = [], []
    for language in languages:
        context = {
            "nomination": nomination,
            "nominee_name": f"{nomination.given_name} {nomination.family_name}",
            "delegation": nomination.delegation,
            "event": event,
            "event_local": event_in_language(event, language),
            "invite_url": invite_url(nomination, language=language),
            "site_url": settings.SITE_URL,
        }
        subject, text, _html = message_render(
            kind="nominee_invite", language=language, context=context
        )
        subjects.append(subject)
        texts.append(text.strip())
    message = Message(
        event=event,
        registration=None,
        kind="nominee_invite",
        dedupe_key=dedupe_key,
        to_email=nomination.email,
        language=languages[0],
        subject=" / ".join(subjects)[:300],
        body_text="\n\n— — —\n\n".join(texts) + "\n",
        body_html="",
    )
    message.wire = message_wire(message)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None
    messages_kick()
    return message


def nominee_initial(nomination: Nomination) -> dict[str, Any]:
    """What the focal point entered, as the registration form's initial values."""
    return {
        "given_name": nomination.given_name,
        "family_name": nomination.family_name,
        "email": nomination.email,
        "sex": nomination.sex,
        "position": nomination.position,
        "organisation": nomination.organisation,
        "country": nomination.delegation.country or None,
    }


def nominee_register(
    *, nomination: Nomination, page, data: dict[str, Any], language: str
) -> RegistrationResult:
    """Make the nominee's registration through the normal ``registration_create`` (the
    nomination is the invitation: no invitation code; the nomination's e-mail and role) and
    link it to the nomination.

    Side effects, in one transaction: what ``registration_create`` writes, and
    ``nomination.registration``. Raises ``NomineeLinkError`` (closed, registered) when the
    nomination changed meanwhile, ``RegistrationError`` from the registration rules.
    """
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.anonymised_at is not None or locked.status != NominationStatus.APPROVED:
            raise NomineeLinkError("closed link", code="closed", nomination=locked)
        if locked.registration_id is not None:
            raise NomineeLinkError("registered", code="registered", nomination=locked)
        values = {**data, "email": locked.email, "role": locked.role}
        values.pop("invitation_code", None)
        result = registration_create(event=page, data=values, language=language, invited=True)
        registration = result.registration
        if not Nomination.objects.filter(registration=registration).exists():
            locked.registration = registration
            locked.save(update_fields=["registration", "updated_at"])
    nomination.registration = locked.registration
    return result
