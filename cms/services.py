"""Writes of event content that Wagtail does not do by itself: keeping translations in step.

simple_translation copies an event page with its sessions and papers; after that the copies
are edited apart. What is not text (dates, times, rooms, languages, registration settings)
must not drift between languages, so the source page (default locale) wins: on every publish
of an event, in any language, those fields of each translation are copied from the source.
"""

from __future__ import annotations

import logging

from django.db import transaction

from cms.models import BackgroundPaper, EventPage, Session

logger = logging.getLogger(__name__)

#: Page fields that are the same in every language: the source page's values win.
EVENT_SHARED_FIELDS = (
    "start_date",
    "end_date",
    "time_zone",
    "format",
    "country",
    "map_url",
    "online_link",
    "languages",
    "interpretation_languages",
    "contact_email",
    "registration_opens",
    "registration_closes",
    "capacity",
    "needs_approval",
    "waiting_list",
    "invitation_only",
    "invitation_code",
)
#: Session fields that are the same in every language, matched by position in the agenda.
SESSION_SHARED_FIELDS = (
    "day",
    "start_time",
    "end_time",
    "room_id",
    "kind",
    "floor_language",
    "interpretation_languages",
)


def _ordered_sessions(page_id: int) -> list[Session]:
    return list(Session.objects.filter(page_id=page_id).order_by("sort_order", "pk"))


@transaction.atomic
def agenda_sync_translations(*, source: EventPage, only: EventPage | None = None) -> int:
    """Copy the non-text fields of ``source`` and its sessions to its translations.

    Sessions are matched by their position in the agenda (``sort_order``); when a translation
    has a different number of sessions, the extra ones are left alone and a warning is logged.
    ``only`` limits the sync to one translation. Side effects: updates ``EventPage`` and
    ``Session`` rows of the translations (the live rows, not their revisions). Returns the
    number of sessions updated.
    """
    translations = EventPage.objects.filter(translation_key=source.translation_key).exclude(
        pk=source.pk
    )
    if only is not None:
        translations = translations.filter(pk=only.pk)
    targets = list(translations.values_list("pk", flat=True))
    if not targets:
        return 0
    EventPage.objects.filter(pk__in=targets).update(
        **{name: getattr(source, name) for name in EVENT_SHARED_FIELDS}
    )
    source_sessions = _ordered_sessions(source.pk)
    updated = []
    for target in targets:
        target_sessions = _ordered_sessions(target)
        if len(target_sessions) != len(source_sessions):
            logger.warning(
                "Event %s: translation %s has %s sessions, the source %s; matched by position.",
                source.pk,
                target,
                len(target_sessions),
                len(source_sessions),
            )
        for original, copy in zip(source_sessions, target_sessions, strict=False):
            for name in SESSION_SHARED_FIELDS:
                setattr(copy, name, getattr(original, name))
            updated.append(copy)
    Session.objects.bulk_update(updated, SESSION_SHARED_FIELDS)
    return len(updated)


@transaction.atomic
def translation_papers_remap(*, source: EventPage, target: EventPage) -> None:
    """Point the copied sessions' papers at the copy's own papers (matched by position).

    Wagtail copies a session's links to papers as they are, i.e. to the source page's papers.
    Side effects: rewrites the paper links of ``target``'s sessions and saves a new revision
    of ``target`` so that the editor sees the same links.
    """
    source_papers = list(
        BackgroundPaper.objects.filter(page_id=source.pk).order_by("sort_order", "pk")
    )
    target_papers = list(
        BackgroundPaper.objects.filter(page_id=target.pk).order_by("sort_order", "pk")
    )
    mapping = {a.pk: b for a, b in zip(source_papers, target_papers, strict=False)}
    if not mapping:
        return
    page = EventPage.objects.get(pk=target.pk)
    for session in page.sessions.all():
        current = list(session.papers.all())
        remapped = [mapping.get(paper.pk, paper) for paper in current]
        if [p.pk for p in remapped] != [p.pk for p in current]:
            session.papers.set(remapped)
            session.save()
    if not page.live:
        page.save_revision(clean=False, log_action=False)
