"""Personal links by e-mail: tell enrolled people the link to their own programme page.

People enrolled on the site get it with their ``programme_enrolled`` e-mail. People enrolled
by a roster import get no e-mail at import time (the list came from an institution, see
``services/roster.py``): staff send them their links with ``programme_links_send`` when the
course is ready, from the programme overview.

The e-mail (kind ``programme_link``) goes through the outbox with the dedupe key
``programme-link:<enrolment id>``, so a second click, a retry or two staff members pressing
the button together never send twice, and nobody who already had their link by the
``programme_enrolled`` e-mail is sent another one. It does not ask the person to confirm
anything (imported people are confirmed), it names the programme, their cohort and their
sessions with dates, in their language (``Enrolment.language``).

The outbox files an e-mail under a registration: the person's first registration of the
programme (by the event's start date, an active one first). An enrolment with no
registration (a programme without events yet) gets nothing now and stays pending.

Large programmes are done in chunks of ``CHUNK`` enrolments: each chunk costs a constant
number of queries (its enrolments, their registrations, the lock, the keys already queued,
the insert) and only one chunk's rows and e-mails are in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from wagtail.models import Locale

from cms.models import EventPage, ProgrammePage
from registration.messaging.models import Message
from registration.messaging.services.outbox import message_build, messages_kick
from registration.models.registrations import Registration
from registration.programmes.links import enrolment_url
from registration.programmes.models import Enrolment, EnrolmentStatus
from registration.programmes.selectors.enrolment import cohort_name, events_in_locale
from registration.programmes.selectors.events import cohort_event_ids, programme_events
from registration.services.registrations import ACTIVE

KIND = "programme_link"
LINK_PREFIX = "programme-link:"
#: The key of the e-mail a person enrolling on the site got (``services/enrolment.py``).
ENROLLED_PREFIX = "programme_enrolled:"
CHUNK = 500


def _key_of(prefix: str):
    return Concat(Value(prefix), Cast(OuterRef("pk"), CharField()), output_field=CharField())


def programme_links_pending(programme: ProgrammePage) -> QuerySet:
    """Enrolled, not anonymised people of ``programme`` who have had no e-mail with their
    personal link yet (neither this one nor the enrolment's own)."""
    had_link = Message.objects.filter(
        Q(dedupe_key=_key_of(LINK_PREFIX)) | Q(dedupe_key=_key_of(ENROLLED_PREFIX))
    )
    return Enrolment.objects.filter(
        programme=programme.source,
        status=EnrolmentStatus.ENROLLED,
        anonymised_at__isnull=True,
    ).exclude(Exists(had_link))


@dataclass
class _Programme:
    """What every chunk shares: the events, which cohort attends which, the page's copies."""

    source: ProgrammePage
    events: dict[int, EventPage]
    ordered: list[EventPage]
    own: dict[int, set[int]]
    copies: dict[str, ProgrammePage]
    locales: dict[str, int]
    local_events: dict[str, dict[int, EventPage]]

    @classmethod
    def load(cls, programme: ProgrammePage) -> _Programme:
        source = programme.source
        ordered = programme_events(source, live_only=False)
        copies = (
            ProgrammePage.objects.live()
            .filter(translation_key=source.translation_key)
            .select_related("locale")
        )
        return cls(
            source=source,
            events={event.pk: event for event in ordered},
            ordered=ordered,
            own=cohort_event_ids(source),
            copies={page.locale.language_code: page for page in copies},
            locales=dict(Locale.objects.values_list("language_code", "pk")),
            local_events={},
        )

    def programme_in(self, language: str) -> ProgrammePage:
        return self.copies.get(language[:2]) or self.source

    def events_in(self, language: str) -> dict[int, EventPage]:
        """Source event id → its copy in ``language`` (one query per language, cached)."""
        language = language[:2]
        if language not in self.local_events:
            locale_id = self.locales.get(language)
            self.local_events[language] = (
                events_in_locale(self.ordered, locale_id)
                if locale_id is not None
                else {event.pk: event for event in self.ordered}
            )
        return self.local_events[language]

    def sessions(self, cohort_id: int | None, language: str) -> list[EventPage]:
        """The events a member of the cohort attends (as ``events_for_cohort``), first first,
        in ``language``."""
        listed = set().union(*self.own.values()) if self.own else set()
        mine = self.own.get(cohort_id, set()) if cohort_id is not None else set()
        local = self.events_in(language)
        return [local[e.pk] for e in self.ordered if e.pk not in listed or e.pk in mine]


def _first_registrations(
    programme: _Programme, enrolments: list[Enrolment]
) -> dict[str, Registration]:
    """Normalised e-mail → the person's first registration of the programme (one query):
    an active one first, then by the event's start date."""
    rows = Registration.objects.filter(
        event_id__in=list(programme.events),
        email_normalised__in={e.email_normalised for e in enrolments},
    )
    first: dict[str, tuple[tuple, Registration]] = {}
    for row in rows:
        event = programme.events[row.event_id]
        row.event = event  # already loaded: no query per row
        rank = (row.status not in ACTIVE, event.start_date, event.pk)
        if row.email_normalised not in first or rank < first[row.email_normalised][0]:
            first[row.email_normalised] = (rank, row)
    return {email: row for email, (_rank, row) in first.items()}


def _message(programme: _Programme, enrolment: Enrolment, registration: Registration) -> Message:
    language = enrolment.language or registration.language
    # The e-mail is in the enrolment's language; ``message_build`` reads the registration's
    # (the same for enrolments made by the site or the roster). Not saved.
    registration.language = language
    first_event = programme.events_in(language)[registration.event_id]
    return message_build(
        registration=registration,
        kind=KIND,
        dedupe_key=f"{LINK_PREFIX}{enrolment.pk}",
        context={
            "enrolment": enrolment,
            "programme": programme.programme_in(language),
            "cohort_name": cohort_name(enrolment.cohort, language) if enrolment.cohort else "",
            "sessions": programme.sessions(enrolment.cohort_id, language),
            "programme_url": enrolment_url(enrolment),
            "event_local": first_event,
        },
        # Built for the wire by the sender (same bytes): 3,500 e-mails are queued quickly.
        build=False,
    )


def _queue_chunk(programme: _Programme, messages: list[Message]) -> int:
    """Insert the chunk's e-mails not queued yet, under the programme's row lock so two
    senders count each e-mail once. Returns how many were queued."""
    if not messages:
        return 0
    with transaction.atomic():
        ProgrammePage.objects.select_for_update(of=("self",), no_key=True).filter(
            pk=programme.source.pk
        ).values_list("pk").get()
        queued = set(
            Message.objects.filter(dedupe_key__in=[m.dedupe_key for m in messages]).values_list(
                "dedupe_key", flat=True
            )
        )
        new = [m for m in messages if m.dedupe_key not in queued]
        Message.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        if new:
            messages_kick()
    return len(new)


def programme_links_send(
    *,
    programme: ProgrammePage,
    by=None,
    enrolments: Iterable[Enrolment] | QuerySet | None = None,
) -> int:
    """Queue one ``programme_link`` e-mail to each enrolled person of ``programme`` (or of
    ``enrolments``, a subset) who has not had their personal link yet; returns how many were
    queued. ``by`` is the staff member who asked (their screen writes the audit entry).

    Side effects: ``Message`` rows in the outbox (one per person, ever) and a send task after
    each chunk commits. Withdrawn and anonymised people, people who had their link and
    people with no registration of the programme get nothing. Safe to call again.
    """
    del by  # who asked is recorded by the caller's audit entry
    shared = _Programme.load(programme)
    pending = programme_links_pending(shared.source)
    if enrolments is not None:
        if isinstance(enrolments, QuerySet):
            pending = pending.filter(pk__in=enrolments.values("pk"))
        else:
            pending = pending.filter(pk__in=[getattr(e, "pk", e) for e in enrolments])
    pending = pending.select_related("cohort", "programme").order_by("pk")
    total, last = 0, 0
    while True:
        chunk = list(pending.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return total
        last = chunk[-1].pk
        first = _first_registrations(shared, chunk)
        messages = [
            _message(shared, enrolment, first[enrolment.email_normalised])
            for enrolment in chunk
            if enrolment.email_normalised in first
        ]
        total += _queue_chunk(shared, messages)
