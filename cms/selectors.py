"""Reads of event content for pages, feeds and other apps.

Every function here runs a fixed number of queries whatever the number of sessions, speakers
or papers: related rows are prefetched, translated snippets are looked up in one query per
model, and document files are checked on storage (no query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries
from wagtail.models import Locale, Page

from cms.fallback import url_for_visitor
from cms.fields import language_name
from cms.models import (
    BackgroundPaper,
    BackgroundPaperDocument,
    EventFormat,
    EventOrganiser,
    EventPage,
    FieldOfWork,
    Organiser,
    PaperAccess,
    ProgrammePage,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)
from conference.l10n import language_name_in, sort_key
from conference.languages import language_codes

PER_PAGE = 10


# --- translated snippets ----------------------------------------------------------------


def _localized(objects: list[Any], *, model: type, locale_id: int, related: tuple = ()) -> dict:
    """pk → the object's translation in ``locale_id`` (or the object itself): one query."""
    keys = {obj.translation_key for obj in objects if obj.locale_id != locale_id}
    found = {}
    if keys:
        query = model.objects.filter(translation_key__in=keys, locale_id=locale_id)
        if related:
            query = query.select_related(*related)
        found = {obj.translation_key: obj for obj in query}
    return {obj.pk: found.get(obj.translation_key, obj) for obj in objects}


def snippets_in_language(
    objects: list[Any], *, model: type, language: str | None, related: tuple = ()
) -> dict:
    """pk → the object's translation in ``language`` (its first two letters), or the object
    itself where it has none: rooms, speakers, organisers and fields of work in a reader's
    language (an invite's, a report's) even where the page itself has no copy in it.

    One query (none for no objects); no side effects.
    """
    objects = [obj for obj in objects if obj is not None]
    if not objects:
        return {}
    query = model.objects.filter(
        translation_key__in={obj.translation_key for obj in objects},
        locale__language_code=(language or "")[:2],
    )
    if related:
        query = query.select_related(*related)
    found = {obj.translation_key: obj for obj in query}
    return {obj.pk: found.get(obj.translation_key, obj) for obj in objects}


# --- pages in a language ------------------------------------------------------------------


def page_in_language(*, page: Page, language: str | None) -> Page:
    """The live copy of ``page`` in ``language`` (its first two letters), or ``page`` itself
    when it is in that language already or has no live copy in it: the one language fallback
    of an event (and of any translated page) for pages, e-mails, invites and reports.

    One query, none when ``page`` is in ``language`` (with its locale selected).
    """
    language = (language or "")[:2]
    if page.locale.language_code == language:
        return page
    copy = (
        type(page)
        .objects.live()
        .filter(translation_key=page.translation_key, locale__language_code=language)
        .first()
    )
    return copy or page


# --- papers -----------------------------------------------------------------------------


#: Makes the link of one file of a paper: ``(paper id, language code) -> URL``.
FileUrl = Callable[[int, str], str]


@dataclass
class PaperFile:
    language: str
    language_name: str
    url: str
    extension: str
    size: int


@dataclass
class PaperView:
    id: int
    title: str
    description: str
    restricted: bool
    files: list[PaperFile] = field(default_factory=list)

    @property
    def first(self) -> PaperFile | None:
        return self.files[0] if self.files else None

    @property
    def others(self) -> list[PaperFile]:
        return self.files[1:]


def _paper_files(
    paper: BackgroundPaper, *, language: str, file_url: FileUrl | None = None
) -> list[PaperFile]:
    """The paper's documents whose file exists, the reader's language first."""
    files = []
    documents = paper.documents()
    order = [language, *[code for code in language_codes() if code != language]]
    order += [code for code in documents if code not in order]  # a language since removed
    for code in order:
        document = documents.get(code)
        if document is None or not document.file:
            continue
        storage = document.file.storage
        try:
            if not storage.exists(document.file.name):
                continue
            size = document.file_size or storage.size(document.file.name)
        except OSError:
            continue
        files.append(
            PaperFile(
                language=code,
                language_name=language_name(code),
                url=file_url(paper.pk, code) if file_url else document.url,
                extension=document.file_extension.upper(),
                size=size,
            )
        )
    return files


def papers_for(
    event: EventPage, *, participant: bool, language: str, file_url: FileUrl | None = None
) -> list[PaperView]:
    """The event's background papers as a reader sees them.

    ``participant`` is True for a confirmed participant (the self-service page): they get the
    files of participants-only papers too; the public gets those papers' titles without
    links. ``file_url(paper_id, language)`` makes each file's link (the participant's page
    links to a view that checks their signed link); by default the document's own URL, which
    Wagtail serves only for papers open to the public (``cms/wagtail_hooks.py``). A paper none
    of whose files exists on storage is left out. Each paper's files are ordered with
    ``language`` first, then as ``settings.LANGUAGES``. Three queries; no side effects.
    """
    papers = (
        BackgroundPaper.objects.filter(page_id=event.pk)
        .prefetch_related("language_documents__document")
        .order_by("sort_order", "pk")
    )
    result = []
    for paper in papers:
        files = _paper_files(paper, language=language, file_url=file_url)
        if not files:
            continue
        restricted = paper.access == PaperAccess.PARTICIPANTS and not participant
        result.append(
            PaperView(
                id=paper.pk,
                title=paper.title,
                description=paper.description,
                restricted=restricted,
                files=[] if restricted else files,
            )
        )
    return result


def paper_document(*, event: EventPage, paper_id: int, language: str):
    """(paper, document) of one file of one of ``event``'s papers (on any language copy of
    the event), or None if there is none.

    One query; no side effects. Whether the reader may have it is the caller's decision.
    """
    row = (
        BackgroundPaperDocument.objects.filter(
            paper__page__translation_key=event.translation_key,
            paper_id=paper_id,
            language=language,
        )
        .select_related("paper", "document")
        .first()
    )
    if row is None or not row.document.file:
        return None
    paper, document = row.paper, row.document
    return paper, document


def document_restricted_events(document_id: int) -> set[int]:
    """Ids of the events whose participants-only papers use this document (none: it is not
    restricted by a paper). One query; no side effects."""
    return set(
        BackgroundPaper.objects.filter(
            language_documents__document_id=document_id, access=PaperAccess.PARTICIPANTS
        ).values_list("page_id", flat=True)
    )


# --- agenda -----------------------------------------------------------------------------


@dataclass
class DayGroup:
    day: dt.date
    sessions: list[Session]


def agenda_for(
    event: EventPage, *, language: str | None = None, papers: list[PaperView] | None = None
) -> list[DayGroup]:
    """The agenda day by day, each session with room, speakers and papers attached.

    Each session gets ``room_display`` (the room in the page's locale), ``speaker_list``
    (``[(speaker, role label)]``, speakers in the page's locale) and ``paper_list``
    (``PaperView`` of the linked papers that are listed publicly). Five queries at most,
    whatever the size of the agenda; no side effects.
    """
    sessions = list(
        Session.objects.filter(page_id=event.pk)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "speakers",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by(
                    "sort_order", "pk"
                ),
            ),
            Prefetch("papers", queryset=BackgroundPaper.objects.only("id")),
        )
        .order_by("day", "start_time", "sort_order", "pk")
    )
    rooms = _localized(
        [s.room for s in sessions if s.room is not None], model=Room, locale_id=event.locale_id
    )
    links = [link for s in sessions for link in s.speakers.all()]
    speakers = _localized(
        [link.speaker for link in links], model=Speaker, locale_id=event.locale_id
    )
    if papers is None:
        papers = papers_for(event, participant=False, language=language or _language(event))
    paper_views = {paper.id: paper for paper in papers}
    for session in sessions:
        session.page = event  # Session.start/.end read the page's time zone
        session.room_display = rooms.get(session.room_id) if session.room_id else None
        session.speaker_list = [
            (speakers[link.speaker_id], link.get_role_display()) for link in session.speakers.all()
        ]
        session.paper_list = [
            paper_views[paper.pk] for paper in session.papers.all() if paper.pk in paper_views
        ]
        session.interpretation_names = [
            language_name_in(code) for code in session.interpretation_languages or []
        ]
        session.floor_language_name = (
            language_name_in(session.floor_language) if session.floor_language else ""
        )
    return [
        DayGroup(day=day, sessions=list(group))
        for day, group in groupby(sessions, key=lambda s: s.day)
    ]


def _language(event: EventPage) -> str:
    return event.locale.language_code if event.locale_id else "en"


def event_detail_context(*, event: EventPage, request: Any) -> dict[str, Any]:
    """What the event page shows besides the agenda: organisers, fields of work, papers."""
    language = getattr(request, "LANGUAGE_CODE", None) or _language(event)
    links = list(
        EventOrganiser.objects.filter(page_id=event.pk)
        .select_related("organiser__logo")
        .order_by("sort_order", "pk")
    )
    organisers = _localized(
        [link.organiser for link in links],
        model=Organiser,
        locale_id=event.locale_id,
        related=("logo",),
    )
    fields = list(event.fields_of_work.all())
    localized_fields = _localized(fields, model=FieldOfWork, locale_id=event.locale_id)
    papers = papers_for(event, participant=False, language=language)
    return {
        "organiser_list": [
            (organisers[link.organiser_id], link.get_role_display()) for link in links
        ],
        "field_list": [localized_fields[f.pk] for f in fields],
        "papers": papers,
        "agenda": agenda_for(event, papers=papers),
        "language_names": [language_name_in(code) for code in event.languages or []],
        "interpretation_names": [
            language_name_in(code) for code in event.interpretation_languages or []
        ],
        # Under the visitor's prefix: an event shown in another language (the translation
        # fallback) keeps the form in the visitor's language.
        "register_url": f"{url_for_visitor(event.get_url(request=request))}register/",
    }


# --- lists of events ----------------------------------------------------------------------


def events_in_locale(*, locale: Locale):
    """Live events in ``locale``, and the default-locale copy of those not translated yet."""
    live = EventPage.objects.live()
    default = Locale.get_default()
    if locale.pk == default.pk:
        return live.filter(locale=locale)
    translated = live.filter(locale=locale).values("translation_key")
    return live.filter(Q(locale=locale) | (Q(locale=default) & ~Q(translation_key__in=translated)))


def _with_fields(events, *, locale: Locale) -> list[EventPage]:
    """Attach ``field_list``: each event's fields of work named in the list's ``locale`` (an
    event not translated yet is listed in its own language, but its fields are the index
    filter's, named as the filter names them). Three queries at most."""
    events = list(events.prefetch_related("fields_of_work"))
    fields = [f for event in events for f in event.fields_of_work.all()]
    localized = _localized(fields, model=FieldOfWork, locale_id=locale.pk)
    programmes = _parent_programmes(events)
    for event in events:
        event.field_list = [localized[f.pk] for f in event.fields_of_work.all()]
        event.programme_page = programmes.get(event.path[: -EventPage.steplen])
    return events


def _parent_programmes(events: list[EventPage]) -> dict[str, ProgrammePage]:
    """Parent path → the live programme page of events that belong to one (one query, none
    when no event is in a programme's tree)."""
    paths = {e.path[: -EventPage.steplen] for e in events if e.depth > 4}
    if not paths:
        return {}
    return {p.path: p for p in ProgrammePage.objects.live().filter(path__in=paths)}


def programme_list(*, locale: Locale, today: dt.date | None = None) -> list[ProgrammePage]:
    """Live programmes and courses that have not ended, in the reader's locale (and the
    default-locale copy of those not translated yet), soonest first."""
    today = today or timezone.localdate()
    live = ProgrammePage.objects.live().filter(end_date__gte=today)
    default = Locale.get_default()
    if locale.pk != default.pk:
        translated = live.filter(locale=locale).values("translation_key")
        live = live.filter(
            Q(locale=locale) | (Q(locale=default) & ~Q(translation_key__in=translated))
        )
    else:
        live = live.filter(locale=locale)
    return list(live.order_by("start_date", "pk"))


def event_upcoming_list(*, locale: Locale, limit: int = 6, today: dt.date | None = None):
    """The next events (not yet ended) in the reader's locale, soonest first."""
    today = today or timezone.localdate()
    events = events_in_locale(locale=locale).filter(end_date__gte=today).order_by("start_date")
    return _with_fields(events[:limit], locale=locale)


def event_feed_list(*, locale: Locale) -> list[EventPage]:
    """Every live event in the reader's locale for the ICS feed, oldest first."""
    return list(events_in_locale(locale=locale).order_by("start_date", "pk"))


def _field_choices(locale: Locale) -> list[tuple[str, str, str]]:
    """(slug, name, translation_key) of every field of work, named in ``locale``."""
    fields = list(FieldOfWork.objects.filter(locale=Locale.get_default()))
    localized = _localized(fields, model=FieldOfWork, locale_id=locale.pk)
    return sorted(
        ((f.slug, localized[f.pk].name, str(f.translation_key)) for f in fields),
        key=lambda c: c[1].casefold(),
    )


def event_index_list(
    *, index: Any, params: Mapping[str, str], today: dt.date | None = None
) -> dict[str, Any]:
    """The event index: filters read from GET ``params``, unknown values ignored with a notice.

    Filters: ``field`` (field-of-work slug), ``country`` (ISO code), ``format``, ``year``;
    ``when`` is ``upcoming`` (default) or ``past``; ``page`` is the page number. Returns the
    page of events, the choices of every filter, the active values and the notices.
    """
    today = today or timezone.localdate()
    locale = index.locale
    events = events_in_locale(locale=locale)
    all_events = events
    notices: list[str] = []
    active: dict[str, str] = {}

    field_choices = _field_choices(locale)
    value = params.get("field", "").strip()
    if value:
        match = next((c for c in field_choices if c[0] == value), None)
        if match is None:
            notices.append(_("There is no field of work “%(value)s”.") % {"value": value[:60]})
        else:
            active["field"] = value
            events = events.filter(fields_of_work__translation_key=match[2])

    value = params.get("country", "").strip().upper()
    if value:
        if value not in countries:
            notices.append(_("There is no country “%(value)s”.") % {"value": value[:60]})
        else:
            active["country"] = value
            events = events.filter(country=value)

    value = params.get("format", "").strip()
    if value:
        if value not in EventFormat.values:
            notices.append(_("There is no event format “%(value)s”.") % {"value": value[:60]})
        else:
            active["format"] = value
            events = events.filter(format=value)

    years = sorted({d.year for d in all_events.values_list("start_date", flat=True)}, reverse=True)
    value = params.get("year", "").strip()
    if value:
        if not value.isdigit() or int(value) not in years:
            notices.append(
                _("There are no events in the year “%(value)s”.") % {"value": value[:60]}
            )
        else:
            active["year"] = value
            events = events.filter(start_date__year=int(value))

    when = params.get("when", "upcoming").strip() or "upcoming"
    if when not in ("upcoming", "past"):
        notices.append(
            _("Showing upcoming events: “%(value)s” is not a choice.") % {"value": when[:60]}
        )
        when = "upcoming"
    if when == "upcoming":
        events = events.filter(end_date__gte=today).order_by("start_date", "pk")
    else:
        events = events.filter(end_date__lt=today).order_by("-start_date", "-pk")
    if notices:
        notices.append(_("The list shows all events without that filter."))

    page = Paginator(events.distinct(), PER_PAGE).get_page(params.get("page"))
    page.object_list = _with_fields(page.object_list, locale=locale)
    country_codes = sorted(
        {c for c in all_events.values_list("country", flat=True) if c},
    )
    country_key = sort_key(locale.language_code)
    with override(locale.language_code):
        country_choices = sorted(
            ((code, str(countries.name(code))) for code in country_codes),
            key=lambda c: country_key(c[1]),
        )
    return {
        "events": page,
        "programmes": programme_list(locale=locale, today=today) if when == "upcoming" else [],
        "when": when,
        "active": active,
        "notices": notices,
        "field_choices": [(slug, name) for slug, name, _key in field_choices],
        "country_choices": country_choices,
        "format_choices": EventFormat.choices,
        "year_choices": years,
    }
