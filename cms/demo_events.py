"""Demo events: the event index, the snippets and the events described in ``cms/demo.json``.

Texts come from the documents in ``shared/seeds`` (the concept note of the Astana conference,
the OSCE news items on the mentors' training and the patrol-police re-training; the Bishkek
workshop is made up). Speakers other than those named in those documents are fictional.
The data gives dates as days from
today, so the demo is never stale; an event marked ``keep_open`` (the Astana conference) moves
forward on a later run when its registration would have closed, and one marked
``follow_today`` (the Bishkek community policing workshop, there to try the check-in scanner)
moves to start on the day of a later run once that day is no longer one of its days;
otherwise a second run changes nothing. The papers' PDFs and the organisers' logos are drawn
here at load time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.models import (
    BackgroundPaper,
    BackgroundPaperDocument,
    EventIndexPage,
    EventOrganiser,
    EventPage,
    FieldOfWork,
    HomePage,
    Organiser,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def joined(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with every list of strings joined: the data cuts long texts into lines."""
    return {
        name: "".join(value) if isinstance(value, list) else value for name, value in fields.items()
    }


# --- binary assets, made at load time -----------------------------------------------------


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small real PDF document with an embedded DejaVu font (Cyrillic works)."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_BOLD)))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Regional Events (demo)")
    heading = ParagraphStyle("h", fontName="DejaVuSans-Bold", fontSize=16, leading=20)
    body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=11, leading=15)
    story = [Paragraph(title, heading), Spacer(1, 12)]
    for text in paragraphs:
        story += [Paragraph(text, body), Spacer(1, 8)]
    doc.build(story)
    return buffer.getvalue()


def root_collection() -> Collection:
    """The root collection (a flushed database, as in transactional tests, has none)."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _document(title: str, filename: str, paragraphs: list[str]):
    model = get_document_model()
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    content = _pdf(title, paragraphs)
    document = model(title=title, collection=root_collection())
    document.file.save(filename, ContentFile(content), save=False)
    document.file_size = len(content)
    document._set_file_hash()
    document.save()
    return document


def _logo(title: str, text: str, colour: str):
    model = get_image_model()
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", (240, 96), colour)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(str(FONT_BOLD), 40)
    draw.text((120, 48), text, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = model(title=title, collection=root_collection())
    image.file.save(f"logo-{text.lower()}.png", ImageFile(buffer, name="logo.png"), save=False)
    image.save()
    return image


def _plain(html: str) -> list[str]:
    return [p.strip() for p in re.split(r"<[^>]+>", html) if p.strip()]


# --- snippets and the index ---------------------------------------------------------------


def other_locales(texts: dict[str, Any], locales: dict[str, Locale]) -> list[tuple[str, Locale]]:
    """The data's languages other than English, with their locales, in the data's order.

    A language the data has but the site does not (not in ``settings.LANGUAGES``) is skipped,
    so the data can run ahead of the settings and a language can be switched off.
    """
    return [(code, locales[code]) for code in texts if code != "en" and code in locales]


def _translated(obj, locale: Locale, **fields):
    """The translation of a snippet into ``locale`` with ``fields``.

    Made with ``copy_for_translation`` (same ``translation_key``, so ``get_translation`` finds
    it) if missing; brought up to the data if one of ``fields`` differs, as in a database an
    older demo loaded; left alone otherwise, so a second run writes nothing.
    """
    existing = type(obj).objects.filter(translation_key=obj.translation_key, locale=locale).first()
    if existing is None:
        existing = obj.copy_for_translation(locale)
    elif all(getattr(existing, name) == value for name, value in fields.items()):
        return existing
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing


def _per_language(value: str | dict[str, str], code: str) -> str:
    """A value the data gives once (``"Hotel Astana"``) or per language, in ``code``."""
    return value.get(code, value["en"]) if isinstance(value, dict) else value


def _snippets(locales: dict[str, Locale], content: dict[str, Any]) -> dict:
    en = locales["en"]
    fields = {}
    for row in content["fields_of_work"]:
        field = FieldOfWork.objects.filter(slug=row["slug"], locale=en).first()
        if field is None:
            field = FieldOfWork.objects.create(slug=row["slug"], name=row["name"]["en"], locale=en)
        for code, locale in other_locales(row["name"], locales):
            _translated(field, locale, name=row["name"][code])
        fields[row["slug"]] = field
    rooms = {}
    for key, row in content["rooms"].items():
        name, venue = row["name"]["en"], _per_language(row["venue"], "en")
        room = Room.objects.filter(name=name, venue=venue, locale=en).first()
        if room is None:
            room = Room.objects.create(name=name, venue=venue, capacity=row["capacity"], locale=en)
        for code, locale in other_locales(row["name"], locales):
            venue = _per_language(row["venue"], code)
            _translated(room, locale, name=row["name"][code], venue=venue)
        rooms[key] = room
    speakers = {}
    for key, texts in content["speakers"].items():
        speaker = Speaker.objects.filter(name=texts["en"]["name"], locale=en).first()
        if speaker is None:
            speaker = Speaker.objects.create(locale=en, **texts["en"])
        for code, locale in other_locales(texts, locales):
            _translated(speaker, locale, **texts[code])
        speakers[key] = speaker
    organisers = {}
    for key, row in content["organisers"].items():
        name = row["name"]["en"]
        organiser = Organiser.objects.filter(name=name, locale=en).first()
        if organiser is None:
            logo = _logo(f"Logo: {name}", key.upper(), row["colour"])
            organiser = Organiser.objects.create(name=name, url=row["url"], logo=logo, locale=en)
        for code, locale in other_locales(row["name"], locales):
            _translated(organiser, locale, name=row["name"][code])
        organisers[key] = organiser
    return {"fields": fields, "rooms": rooms, "speakers": speakers, "organisers": organisers}


def _index(home: HomePage, locales: dict[str, Locale], content: dict[str, Any]) -> EventIndexPage:
    text = {code: joined(fields) for code, fields in content["index"]["text"].items()}
    index = EventIndexPage.objects.filter(locale=locales["en"]).first()
    if index is None:
        index = EventIndexPage(slug=content["index"]["slug"], locale=locales["en"], **text["en"])
        home.add_child(instance=index)
        index.save_revision().publish()
    for code, locale in other_locales(text, locales):
        translated = EventIndexPage.objects.filter(
            translation_key=index.translation_key, locale=locale
        )
        if translated.exists():
            continue
        copy = index.copy_for_translation(locale)
        for name, value in text[code].items():
            setattr(copy, name, value)
        copy.save_revision().publish()
    return index


# --- dates from the data's offsets ----------------------------------------------------------


def _end_of(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=zoneinfo.ZoneInfo(tz))


def _today(tz: str) -> dt.date:
    """Today where the event takes place (its days are local to its zone)."""
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tz)).date()


def _start(dates: dict[str, Any], tz: str) -> dt.date:
    """The first day: ``start_in_days`` from today, moved on to ``starts_on`` if given.

    A ``follow_today`` event counts from today in its own zone, so that it runs on the day the
    demo is loaded there (the server's date can be a day off).
    """
    base = _today(tz) if dates.get("follow_today") else timezone.localdate()
    start = base + dt.timedelta(days=dates["start_in_days"])
    if "starts_on" in dates:
        while WEEKDAYS[start.weekday()] != dates["starts_on"]:
            start += dt.timedelta(days=1)
    return start


def _moment(when: dict[str, Any], *, start: dt.date, tz: str) -> dt.datetime:
    """``{"from": "now"|"today"|"start", "days": n}``: now plus n days, or 23:59 on that day."""
    if when["from"] == "now":
        return timezone.now() + dt.timedelta(days=when["days"])
    day = start if when["from"] == "start" else timezone.localdate()
    return _end_of(day + dt.timedelta(days=when["days"]), tz)


def _window(spec: dict[str, Any]) -> dict[str, Any]:
    """Start and end dates and the registration window of an event, as of today."""
    tz = spec["page"]["time_zone"]
    start = _start(spec["dates"], tz)
    registration = spec["registration"]
    return {
        "start_date": start,
        "end_date": start + dt.timedelta(days=spec["dates"]["days"] - 1),
        "registration_opens": _moment(registration["opens"], start=start, tz=tz),
        "registration_closes": _moment(registration["closes"], start=start, tz=tz),
    }


def _stale(event: EventPage, spec: dict[str, Any]) -> bool:
    """Whether a demo event must move: a ``keep_open`` one when its registration has closed,
    a ``follow_today`` one when today (in its zone) is no longer one of its days."""
    dates = spec["dates"]
    if dates.get("keep_open"):
        return event.registration_state != "open"
    if dates.get("follow_today"):
        return _today(event.time_zone) not in event.days
    return False


def _refresh_dates(event: EventPage, spec: dict[str, Any]) -> None:
    """Move a ``keep_open`` or ``follow_today`` demo event forward (see ``_stale``), with its
    agenda and registration window, in every language (a copy's dates are its own fields);
    its registrations and check-ins stay as they are."""
    if not _stale(event, spec):
        return
    window = _window(spec)
    delta = window["start_date"] - event.start_date
    copies = EventPage.objects.filter(translation_key=event.translation_key).order_by("pk")
    for page in copies:
        page = page.get_latest_revision_as_object()
        page.start_date += delta
        page.end_date += delta
        page.registration_opens = window["registration_opens"]
        page.registration_closes = window["registration_closes"]
        sessions = list(page.sessions.all())
        for session in sessions:
            session.day += delta
        page.sessions = sessions
        page.save_revision().publish()


# --- the events ---------------------------------------------------------------------------


def _sessions(spec: dict[str, Any], snippets: dict, start: dt.date) -> list[Session]:
    """The agenda's sessions (with their speakers), in the data's order."""
    sessions = []
    for order, row in enumerate(spec["sessions"]):
        row = {**spec.get("session_defaults", {}), **row}
        fields = {
            "day": start + dt.timedelta(days=row["day"]),
            "start_time": dt.time.fromisoformat(row["start"]),
            "end_time": dt.time.fromisoformat(row["end"]),
            "title": row["title"]["en"],
        }
        for name in ("kind", "floor_language", "interpretation_languages"):
            if name in row:
                fields[name] = row[name]
        if "room" in row:
            fields["room"] = snippets["rooms"][row["room"]]
        session = Session(sort_order=order, **fields)
        session.speakers = [
            SessionSpeaker(speaker=snippets["speakers"][key], role=role, sort_order=i)
            for i, (key, role) in enumerate(row.get("speakers", {}).items())
        ]
        sessions.append(session)
    return sessions


def _papers(spec: dict[str, Any]) -> list[BackgroundPaper]:
    """The background papers, each with a generated PDF per language."""
    text = {code: joined(fields) for code, fields in spec["text"].items()}
    papers = []
    for order, paper in enumerate(spec.get("papers", [])):
        documents = []
        for code, document in paper["documents"].items():
            if "page_text" in document:  # the page's own title, background and objectives
                page = text[document["page_text"]]
                paragraphs = [
                    page["title"],
                    *_plain(page["background"]),
                    *_plain(page["objectives"]),
                ]
            else:
                paragraphs = document["paragraphs"]
            documents.append(
                BackgroundPaperDocument(
                    language=code,
                    document=_document(document["title"], document["file"], paragraphs),
                    sort_order=len(documents),
                )
            )
        papers.append(
            BackgroundPaper(
                title=paper["title"]["en"],
                description=paper["description"]["en"],
                access=paper["access"],
                sort_order=order,
                language_documents=documents,
            )
        )
    return papers


def _link_papers(event: EventPage, spec: dict[str, Any]) -> None:
    """Sessions that discuss a paper list it (the papers need their ids first)."""
    papers = {
        paper["key"]: saved
        for paper, saved in zip(spec["papers"], event.papers.order_by("sort_order"), strict=True)
    }
    for session, row in zip(event.sessions.order_by("sort_order"), spec["sessions"], strict=True):
        if row.get("papers"):
            session.papers.set([papers[key] for key in row["papers"]])
            session.save()
    event.save_revision().publish()


def _create(
    spec: dict[str, Any], *, index: EventIndexPage, snippets: dict, locale: Locale
) -> EventPage:
    """The event page in English with agenda, organisers, papers and fields of work."""
    window = _window(spec)
    registration = {
        name: value
        for name, value in spec["registration"].items()
        if name not in ("opens", "closes")
    }
    event = EventPage(
        slug=spec["slug"],
        locale=locale,
        **window,
        **spec["page"],
        **registration,
        **joined(spec["text"]["en"]),
    )
    event.sessions = _sessions(spec, snippets, window["start_date"])
    event.organisers = [
        EventOrganiser(organiser=snippets["organisers"][key], role=role, sort_order=i)
        for i, (key, role) in enumerate(spec["organisers"].items())
    ]
    if spec.get("papers"):
        event.papers = _papers(spec)
    index.add_child(instance=event)
    event.fields_of_work.set([snippets["fields"][slug] for slug in spec["fields_of_work"]])
    event.save_revision().publish()
    event = EventPage.objects.get(pk=event.pk)
    if spec.get("papers"):
        _link_papers(event, spec)
    return event


def _in_locale(page: EventPage) -> bool:
    """Point a translated page's rooms, speakers, organisers and fields of work at the
    snippets of the page's own locale (Wagtail's copy keeps the source page's), in memory.

    A snippet with no translation in that locale stays as it is. Returns whether anything
    changed, so an up-to-date page is not saved again.
    """
    changed = False

    def local(snippet):
        nonlocal changed
        if snippet is None or snippet.locale_id == page.locale_id:
            return snippet
        translated = snippet.get_translation_or_none(page.locale)
        if translated is None:
            return snippet
        changed = True
        return translated

    sessions = list(page.sessions.all())
    for session in sessions:
        session.room = local(session.room)
        speakers = list(session.speakers.all())
        for row in speakers:
            row.speaker = local(row.speaker)
        session.speakers = speakers
    organisers = list(page.organisers.all())
    for row in organisers:
        row.organiser = local(row.organiser)
    fields = [local(field) for field in page.fields_of_work.all()]
    if changed:
        page.sessions = sessions
        page.organisers = organisers
        page.fields_of_work = fields
    return changed


def _translate(event: EventPage, spec: dict[str, Any], code: str, locale: Locale) -> None:
    """The event's copy in ``locale`` with the data's texts, session and paper titles, and
    its snippets in that locale; an existing copy only has its snippets brought to its locale
    (a database an older demo loaded had copies that used the English snippets)."""
    existing = EventPage.objects.filter(translation_key=event.translation_key, locale=locale)
    if existing.exists():
        page = existing.get().get_latest_revision_as_object()
        if _in_locale(page):
            page.save_revision().publish()
        return
    copy = CopyPageForTranslationAction(page=event, locale=locale).execute(
        skip_permission_checks=True
    )
    copy = EventPage.objects.get(pk=copy.pk)
    for name, value in joined(spec["text"][code]).items():
        setattr(copy, name, value)
    sessions = list(copy.sessions.order_by("sort_order"))
    for session, row in zip(sessions, spec["sessions"], strict=True):
        session.title = row["title"].get(code, session.title)
    copy.sessions = sessions
    papers = list(copy.papers.order_by("sort_order"))
    for paper, row in zip(papers, spec.get("papers", []), strict=True):
        paper.title = row["title"].get(code, paper.title)
        paper.description = row["description"].get(code, paper.description)
    copy.papers = papers
    _in_locale(copy)
    copy.save_revision().publish()


def _event(
    spec: dict[str, Any], *, index: EventIndexPage, snippets: dict, locales: dict[str, Locale]
) -> EventPage:
    event = EventPage.objects.filter(slug=spec["slug"], locale=locales["en"]).first()
    if event is None:
        event = _create(spec, index=index, snippets=snippets, locale=locales["en"])
    else:
        _refresh_dates(event, spec)
    for code, locale in other_locales(spec["text"], locales):
        _translate(event, spec, code, locale)
    return event


def _existing(locales: dict[str, Locale], content: dict[str, Any]) -> dict[str, EventPage] | None:
    """The demo events when everything is there already, else None."""
    specs = content["events"]
    events = {
        event.slug: event
        for event in EventPage.objects.filter(
            slug__in=[spec["slug"] for spec in specs], locale=locales["en"]
        )
    }
    if len(events) < len(specs):
        return None
    for spec in specs:
        for _code, locale in other_locales(spec["text"], locales):
            if not EventPage.objects.filter(
                translation_key=events[spec["slug"]].translation_key, locale=locale
            ).exists():
                return None
    if EventIndexPage.objects.filter(locale__in=locales.values()).count() < len(locales):
        return None
    if not _snippets_complete(locales, content):
        return None
    return events


def _snippets_complete(locales: dict[str, Locale], content: dict[str, Any]) -> bool:
    """Whether every snippet name of the data exists in its language (one query a model)."""
    wanted = {
        FieldOfWork: [row["name"] for row in content["fields_of_work"]],
        Room: [row["name"] for row in content["rooms"].values()],
        Speaker: [
            {code: text["name"] for code, text in texts.items()}
            for texts in content["speakers"].values()
        ],
        Organiser: [row["name"] for row in content["organisers"].values()],
    }
    for model, names in wanted.items():
        present = set(model.objects.values_list("locale__language_code", "name"))
        for name in names:
            if any((code, name[code]) not in present for code in name if code in locales):
                return False
    return True


@transaction.atomic
def load(
    *, home: HomePage, locales: dict[str, Locale], content: dict[str, Any]
) -> dict[str, EventPage]:
    """Create what is missing of ``content`` (``cms/demo.json``): index, snippets, events.

    A second run on the same day changes nothing. Wagtail's reference index (the admin's
    "usage" counts) is updated once per event page at the end rather than on each of the
    hundreds of saves, which would take half a minute. Returns the events by slug.
    """
    events = _existing(locales, content)
    if events is not None:
        for spec in content["events"]:
            _refresh_dates(events[spec["slug"]], spec)
        return events
    with disable_reference_index_auto_update():
        index = _index(home, locales, content)
        snippets = _snippets(locales, content)
        events = {
            spec["slug"]: _event(spec, index=index, snippets=snippets, locales=locales)
            for spec in content["events"]
        }
    keys = [event.translation_key for event in events.values()]
    for event in EventPage.objects.filter(translation_key__in=keys):
        ReferenceIndex.create_or_update_for_object(event)
    return events
