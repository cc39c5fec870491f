"""The audit log of participants' data: Wagtail log entries that know their event.

Wagtail keeps entries of every non-page model in one ``ModelLogEntry`` table and shows them
(Reports → Site history, its CSV/XLSX export) to anyone holding *any* permission on the
model — an organiser of one event would read the entries of every other event. Entries about
registrations, staff roles and access to an event's personal data go to this table instead
(``register_model`` in ``registration/admin/hooks.py``); it carries the event, so
``viewable_by_user`` asks the one permission module which events the user may audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseLogEntry
from wagtail.models.audit_log import ModelLogEntryManager

from cms.models import EventPage


class EventLogEntryManager(ModelLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        """Log ``action`` on ``instance``, filing it under the instance's event.

        ``instance`` is a model with an ``event`` (registration, staff role), or the event
        itself (a list or export of its participants was shown).
        """
        if "event" not in kwargs and "event_id" not in kwargs:
            kwargs["event_id"] = _event_id_of(instance)
        return super().log_action(instance, action, **kwargs)

    def get_instance_title(self, instance):
        # One language for every stored label (the site's default), whoever's admin language
        # was active: the site-history "Name" filter and exports then read the same words.
        with translation.override(settings.LANGUAGE_CODE):
            return super().get_instance_title(instance)

    def viewable_by_user(self, user):
        # Imported here: the permission module imports the models package (a true cycle).
        from registration.permissions import audit_entries_visible_to

        return audit_entries_visible_to(user, self.get_queryset())


def _event_id_of(instance) -> int | None:
    if isinstance(instance, EventPage):
        return instance.source.pk
    return getattr(instance, "event_id", None)


class EventLogEntry(BaseLogEntry):
    """One audit entry about an event's personal data; its label never holds personal data."""

    object_id = models.CharField(max_length=255, db_index=True)
    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EventLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("event log entry")
        verbose_name_plural = _("event log entries")

    def __str__(self) -> str:
        return f"EventLogEntry {self.pk}: {self.action} on {self.object_id}"
