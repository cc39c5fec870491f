"""Revoking a participant's signed links (``registration.links``) and sending a new one."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from registration.models.registrations import Registration, new_token
from registration.permissions import PARTICIPANT_ROLES, user_has_event_role
from registration.signals import link_needed

#: The audit-log action written for every revocation (registered in ``registration.admin.links``).
LOG_ACTION = "registration.links_revoked"


class LinkRevokeError(Exception):
    """Revoking was refused. ``code`` says why (``permission_denied``)."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def registration_links_revoke(*, registration: Registration, by, message: str = "") -> Registration:
    """Make every link the participant holds stop working and e-mail them a new one.

    The registration's ``access_key`` is the key version every link is signed over, so a new
    random key revokes the personal page, cancel, badge, survey and calendar links at once.
    Only staff with a participant role on the registration's event may do it.

    Side effects, in one transaction: a new ``access_key``; one ``link_new`` e-mail in the
    outbox (dedupe key per new key, so a retry never sends two) carrying the optional staff
    ``message``; an audit-log entry by ``by``. Raises ``LinkRevokeError`` (permission_denied).
    """
    if not user_has_event_role(by, registration.event, *PARTICIPANT_ROLES):
        raise LinkRevokeError(
            _("You may not revoke the links of this event’s participants."),
            code="permission_denied",
        )
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        locked.access_key = new_token()
        locked.save(update_fields=["access_key", "updated_at"])
        link_needed.send(
            sender=Registration,
            registration=locked,
            reason="replaced",
            dedupe_key=f"link_new:{locked.pk}:{locked.access_key[:22]}",
            context={"staff_message": message},
        )
        log(instance=locked, action=LOG_ACTION, user=by)
    registration.access_key = locked.access_key
    return locked
