"""Staff action "Revoke links and send a new one" on the participants list (a bulk action).

Registered by importing this module from ``registration.wagtail_hooks``. The work is done by
``registration.services.links.registration_links_revoke``, which checks the user's role on
each registration's event; ``check_perm`` asks the same so the confirmation page lists the
registrations the user may not touch apart.
"""

from __future__ import annotations

from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from registration.admin.registrations import ScopedBulkActionMixin
from registration.forms import StaffMessageForm
from registration.models.registrations import Registration
from registration.permissions import PARTICIPANT_ROLES, user_has_event_role
from registration.services.links import (
    LOG_ACTION,
    LinkRevokeError,
    registration_links_revoke,
)


class RevokeLinksBulkAction(ScopedBulkActionMixin, SnippetBulkAction):
    """Rotate each selected participant's key (old links stop working) and e-mail a new link."""

    display_name = _("Revoke links and send a new one")
    action_type = "revoke_links"
    aria_label = _("Revoke the personal links of the selected participants and send new ones")
    action_priority = 40
    classes = {"serious"}
    template_name = "registration/admin/bulk_action.html"
    form_class = StaffMessageForm

    @classproperty
    def models(cls):
        return [Registration]

    def check_perm(self, obj):
        return user_has_event_role(self.request.user, obj.event, *PARTICIPANT_ROLES)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    def get_execution_context(self):
        form = self.cleaned_form
        return {
            **super().get_execution_context(),
            "user": self.request.user,
            "message": form.cleaned_data.get("message", "") if form else "",
        }

    @classmethod
    def execute_action(cls, objects, user=None, message="", **kwargs):
        done, failed = 0, []
        for registration in objects:
            try:
                registration_links_revoke(registration=registration, by=user, message=message)
            except LinkRevokeError as exc:
                failed.append(f"{registration}: {exc.message}")
            else:
                done += 1
        kwargs["self"].failed = failed
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        for failure in getattr(self, "failed", []):
            messages.warning(self.request, failure)
        return ngettext(
            "Links revoked; %(count)d participant gets a new one by e-mail.",
            "Links revoked; %(count)d participants get a new one by e-mail.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


hooks.register("register_bulk_action", RevokeLinksBulkAction)


@hooks.register("register_log_actions")
def register_links_log_action(actions):
    actions.register_action(
        LOG_ACTION, _("Links revoked"), _("Revoked the participant's links and sent a new one")
    )
