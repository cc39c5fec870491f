"""Writes of event content that Wagtail does not do by itself: keeping translations in step.

simple_translation copies an event page with its sessions and papers; after that the copies
are edited apart. What is not text (dates, times, rooms, languages, registration settings)
must not drift between languages, so the source page (default locale) wins: on every publish
of an event, in any language, those fields of each translation are copied from the source.
"""

from __future__ import annotations

import logging

from django.db import transaction

from cms.models import (
    BackgroundPaper,
    EventOrganiser,
    EventPage,
    FieldOfWork,
    Session,
    SessionSpeaker,
)

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


def _links_to_locale(links, *, field: str, locale_id: int) -> int:
    """Point the ``field`` foreign key of the ``links`` rows (a queryset) at the snippet's
    translation in ``locale_id`` where it has one; a snippet with none stays as it is.

    Two queries and one update, whatever the number of rows. Returns the rows changed.
    """
    model = links.model
    snippet = model._meta.get_field(field).related_model
    rows = list(
        links.exclude(**{f"{field}__locale_id": locale_id}).values_list(
            "pk", f"{field}__translation_key"
        )
    )
    if not rows:
        return 0
    found = dict(
        snippet.objects.filter(
            translation_key__in={key for _pk, key in rows}, locale_id=locale_id
        ).values_list("translation_key", "pk")
    )
    changed = [model(pk=pk, **{f"{field}_id": found[key]}) for pk, key in rows if key in found]
    if changed:
        model.objects.bulk_update(changed, [field])
    return len(changed)


@transaction.atomic
def translation_snippets_remap(*, target: EventPage, save_revision: bool = False) -> int:
    """Point ``target``'s rooms, speakers, organisers and fields of work at their translations
    in ``target``'s locale, where those exist.

    Wagtail's copy for translation keeps the copy's links to snippets as they are (the source
    locale's), and ``agenda_sync_translations`` copies the source's rooms; so after either, the
    Russian page's sessions point at English rooms and speakers and the admin shows those. A
    snippet not yet translated stays linked as it is (the site shows it in its own language
    until it is, ``cms.selectors``). Side effects: updates the live rows of ``target``'s
    sessions, session speakers, organisers and fields of work; with ``save_revision``, a draft
    ``target`` (not an alias) gets a new revision so that its editor sees the same links.
    Returns the number of links changed; eleven queries at most, whatever the agenda's size.
    """
    locale_id = target.locale_id
    changed = _links_to_locale(
        Session.objects.filter(page_id=target.pk, room__isnull=False),
        field="room",
        locale_id=locale_id,
    )
    changed += _links_to_locale(
        SessionSpeaker.objects.filter(session__page_id=target.pk),
        field="speaker",
        locale_id=locale_id,
    )
    changed += _links_to_locale(
        EventOrganiser.objects.filter(page_id=target.pk), field="organiser", locale_id=locale_id
    )
    changed += _fields_of_work_to_locale(target.pk, locale_id=locale_id)
    if changed and save_revision:
        page = EventPage.objects.get(pk=target.pk)
        if not page.live and page.alias_of_id is None:
            page.save_revision(clean=False, log_action=False)
    return changed


def _fields_of_work_to_locale(page_id: int, *, locale_id: int) -> int:
    """The fields of work of one page in ``locale_id`` where translated (the many-to-many
    rows: one field is linked once, so a translation already linked replaces the row)."""
    through = EventPage.fields_of_work.through
    rows = list(
        through.objects.filter(eventpage_id=page_id).values_list(
            "pk", "fieldofwork_id", "fieldofwork__translation_key", "fieldofwork__locale_id"
        )
    )
    keys = {key for _pk, _id, key, locale in rows if locale != locale_id}
    if not keys:
        return 0
    found = dict(
        FieldOfWork.objects.filter(translation_key__in=keys, locale_id=locale_id).values_list(
            "translation_key", "pk"
        )
    )
    linked = {field_id for _pk, field_id, _key, _locale in rows}
    moved, dropped = [], []
    for pk, _field_id, key, locale in rows:
        new = found.get(key) if locale != locale_id else None
        if new is None:
            continue
        if new in linked:
            dropped.append(pk)
        else:
            moved.append(through(pk=pk, eventpage_id=page_id, fieldofwork_id=new))
            linked.add(new)
    if dropped:
        through.objects.filter(pk__in=dropped).delete()
    if moved:
        through.objects.bulk_update(moved, ["fieldofwork"])
    return len(moved) + len(dropped)
