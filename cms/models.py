"""Wagtail page models and snippets: the event's concept note, agenda and papers.

The CMS knows nothing about participants: ``registration`` reads the event it belongs to.
An event is one page translated into several locales; ``EventPage.source`` is the copy in the
default locale, and registrations, invites and reports always point at that copy.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from cms.cache import next_midnight, serve_cached
from cms.calendar import event_ics, events_ics
from cms.fields import EVENT_LANGUAGES, LanguageListField
from cms.forms import EventPageForm
from conference.l10n import time_zone_label
from conference.languages import language_choices

TIME_ZONE_CHOICES = [("UTC", "UTC")] + [
    (tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz
]


class HomePage(Page):
    """The site's front page: an introduction and the next events."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def serve(self, request, *args, **kwargs):
        """The page may come from the page cache (``cms.cache``; until the next midnight, when
        the upcoming events change)."""
        return serve_cached(
            request, self, lambda: super(HomePage, self).serve(request, *args, **kwargs)
        )

    def get_context(self, request, *args, **kwargs):
        # cms.selectors reads these models at import: a real cycle.
        from cms.selectors import event_upcoming_list

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_events"] = event_upcoming_list(locale=self.locale, limit=6)
        context["event_index"] = (
            EventIndexPage.objects.live().filter(locale_id=self.locale_id).first()
        )
        return context


class Room(TranslatableMixin, models.Model):
    """A room at a venue; sessions are held in rooms, and a room cannot hold two at once."""

    name = models.CharField(_("name"), max_length=150)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    panels = [FieldPanel("name"), FieldPanel("venue"), FieldPanel("capacity")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.venue})" if self.venue else self.name


class Speaker(TranslatableMixin, index.Indexed, models.Model):
    """A speaker, moderator or trainer; translated so names and titles read in each language."""

    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("For example: Deputy Head.")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("organisation"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("organisation"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


class Organiser(TranslatableMixin, models.Model):
    """An organisation that organises, co-organises or funds events, with its logo."""

    name = models.CharField(_("name"), max_length=200)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("logo"), FieldPanel("url")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FieldOfWork(TranslatableMixin, models.Model):
    """One of the OSCE's fields of work (Policing, Gender equality, ...): the index filter."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Used in the address of the filtered event list.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventIndexPage(RoutablePageMixin, Page):
    """The list of events: upcoming and past, filtered, paginated, with an ICS feed."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage", "cms.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")
        verbose_name_plural = _("event indexes")

    def get_context(self, request, *args, **kwargs):
        # cms.selectors reads these models at import: a real cycle.
        from cms.selectors import event_index_list

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_list(index=self, params=request.GET))
        return context

    def serve(self, request, *args, **kwargs):
        """The list itself (no filter: filters are query strings) may come from the page
        cache; its routes do not."""
        if request.path == self.get_url(request=request):
            return serve_cached(
                request, self, lambda: super(EventIndexPage, self).serve(request, *args, **kwargs)
            )
        return super().serve(request, *args, **kwargs)

    @path("events.ics/", name="feed")  # public URL: <index>/events.ics (see cms/urls.py)
    def feed(self, request):
        """Every published event as a calendar feed (one all-day entry per event)."""
        # cms.selectors reads these models at import: a real cycle.
        from cms.selectors import event_feed_list

        body = events_ics(event_feed_list(locale=self.locale), name=self.title)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="events.ics"'
        return response


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class BadgeLanguage(models.TextChoices):
    """Which language badges, sign-in sheets and badge batches of an event are printed in."""

    PARTICIPANT = "participant", _("Each participant's own language")
    MAIN = "main", _("The event's main working language")
    STACKED = "stacked", _("The main working language with the participant's below it")


class EventPage(RoutablePageMixin, Page):
    """One event's concept note, venue, dates, languages and registration settings."""

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="UTC",
        help_text=_("The venue's time zone: the agenda and calendar invites use it."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    online_link = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown to confirmed participants only."),
    )
    online_platform = models.CharField(
        _("online platform"),
        max_length=100,
        blank=True,
        help_text=_("The platform's name, e.g. Zoom or Microsoft Teams."),
    )
    credit_hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Hours this event counts towards its programme or course when attended in full. "
            "Leave empty for events outside a programme."
        ),
    )

    background = RichTextField(_("background"), blank=True)
    objectives = RichTextField(_("key objectives"), blank=True)
    target_audience = RichTextField(_("target audience"), blank=True)
    meeting_format = RichTextField(pgettext_lazy("concept note", "meeting format"), blank=True)
    languages = LanguageListField(_("working languages"))
    interpretation_languages = LanguageListField(
        _("interpretation languages"),
        help_text=_("Languages offered as simultaneous interpretation."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    fields_of_work = ParentalManyToManyField(
        FieldOfWork, verbose_name=_("fields of work"), blank=True, related_name="+"
    )

    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    needs_approval = models.BooleanField(_("registrations need approval"), default=False)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    invitation_only = models.BooleanField(_("by invitation only"), default=False)
    invitation_code = models.CharField(_("invitation code"), max_length=64, blank=True)
    badge_language = models.CharField(
        _("language of badges and sign-in sheets"),
        max_length=20,
        choices=BadgeLanguage.choices,
        default=BadgeLanguage.PARTICIPANT,
        help_text=_(
            "One language for every badge of the event; the main working language is the "
            "first of the working languages."
        ),
    )
    gender_balance_target = models.PositiveSmallIntegerField(
        _("target share of women (%)"),
        null=True,
        blank=True,
        help_text=_(
            "The share of women the organisers aim for among participants; nominations and "
            "reports show it beside the actual share."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Participants' personal data is anonymised this many months after the event "
            "ends. Leave empty for the site's default."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("time_zone")],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("city"),
                FieldPanel("country"),
                FieldPanel("map_url"),
                FieldPanel("online_link"),
                FieldPanel("online_platform"),
            ],
            heading=_("Venue"),
        ),
        FieldPanel("background"),
        FieldPanel("objectives"),
        FieldPanel("target_audience"),
        FieldPanel("meeting_format"),
        MultiFieldPanel(
            [FieldPanel("languages"), FieldPanel("interpretation_languages")],
            heading=_("Languages"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")
        ),
        FieldPanel("fields_of_work", widget=forms.CheckboxSelectMultiple),
        InlinePanel("organisers", heading=_("Organisers and partners"), label=_("Organiser")),
        InlinePanel("papers", heading=_("Background papers"), label=_("Paper")),
        InlinePanel("sessions", heading=_("Agenda"), label=_("Session")),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("registration_opens"),
                FieldPanel("registration_closes"),
                FieldPanel("capacity"),
                FieldPanel("needs_approval"),
                FieldPanel("waiting_list"),
                FieldPanel("invitation_only"),
                FieldPanel("invitation_code"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("badge_language"),
        FieldPanel("retention_months"),
        FieldPanel("credit_hours"),
        FieldPanel("gender_balance_target"),
    ]

    base_form_class = EventPageForm
    parent_page_types = ["cms.EventIndexPage", "cms.ProgrammePage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle"),
        index.SearchField("city"),
        index.SearchField("background"),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def get_context(self, request, *args, **kwargs):
        # cms.selectors reads these models at import: a real cycle.
        from cms.selectors import event_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_detail_context(event=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        """The page itself may come from the page cache (see ``cms.cache``); routes do not."""

        if request.path == self.get_url(request=request):
            return serve_cached(
                request, self, lambda: super(EventPage, self).serve(request, *args, **kwargs)
            )
        return super().serve(request, *args, **kwargs)

    @path("agenda/", name="agenda")
    def agenda_page(self, request):
        """The agenda alone, for printing (the print style sheet does the rest)."""
        context = self.get_context(request)
        return TemplateResponse(request, "cms/event_agenda_print.html", context)

    @path("agenda.ics/", name="agenda_ics")  # public URL: <event>/agenda.ics (cms/urls.py)
    def agenda_ics(self, request):
        """Every session of the agenda as an ICS file in the venue's time zone."""

        body = event_ics(self)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.ics"'
        return response

    @path("register/", name="register")
    def register(self, request):
        """The registration form, served by the view the registration app registers under
        the Wagtail hook ``event_register_view``: cms imports nothing of registration (the
        import contract), and an event site without registration answers 404 here."""
        for view in hooks.get_hooks("event_register_view"):
            return view(request, self)
        raise Http404

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def cache_valid_until(self, now: dt.datetime) -> dt.datetime:
        """Until when a cached copy of the page stays true: the next moment registration
        opens or closes, or the next midnight, whichever comes first."""
        moments = [next_midnight(now)]
        opens, closes = self.registration_window
        moments += [m for m in (opens, closes) if m is not None and m > now]
        return min(moments)

    @property
    def programme(self) -> ProgrammePage | None:
        """The programme or course this event belongs to (its parent page), if any."""
        parent = self.get_parent().specific
        return parent if isinstance(parent, ProgrammePage) else None

    @property
    def source(self) -> EventPage:
        """The copy of this event in the default locale: what registrations belong to.

        Remembered on the instance: a registration asks for it several times.
        """
        cached = self.__dict__.get("_source")
        if cached is not None:
            return cached
        default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        if self.locale.language_code == default:  # no query when the locale was selected
            source = self
        else:
            source = EventPage.objects.select_related("locale").get(
                translation_key=self.translation_key, locale__language_code=default
            )
            source.__dict__["_source"] = source
        self.__dict__["_source"] = source
        return source

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(count, 0))]

    def is_over(self, now: dt.datetime) -> bool:
        """True once the event's last day is over at the venue (its own time zone): an online
        session's meeting link is then of no use to anyone."""
        after = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time.min, self.tz)
        return now >= after

    @property
    def registration_window(self) -> tuple[dt.datetime | None, dt.datetime]:
        """When registration opens (None: it is open already) and closes (when no date is
        set: at the end of the event's last day, in the venue's time zone)."""
        closes = self.registration_closes
        if closes is None:
            closes = dt.datetime.combine(
                self.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz
            )
        return self.registration_opens, closes

    def registration_state_at(self, now: dt.datetime) -> str:
        """``open``, ``not_open`` (opens later) or ``closed`` at ``now``: the one rule of the
        registration window. The event page shows it; the registration form and service
        obey it (their refusals carry the same codes)."""
        opens, closes = self.registration_window
        if opens is not None and now < opens:
            return "not_open"
        if now >= closes:
            return "closed"
        return "open"

    @property
    def registration_state(self) -> str:
        """``registration_state_at`` now."""
        return self.registration_state_at(timezone.now())

    @property
    def tz_label(self) -> str:
        """The zone as its city in the active language with its offset on the first day, e.g.
        ``Алматы (UTC+05:00)`` (CLDR's exemplar city: readers know the city, not the key)."""
        return time_zone_label(self.time_zone, self.start_date)


class OrganiserRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    CO_ORGANISER = "co_organiser", _("Co-organiser")
    PARTNER = "partner", _("Partner")
    DONOR = "donor", _("Funded by")


class EventOrganiser(Orderable):
    """An organiser or partner of one event, in the order the organiser wants them shown."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="organisers")
    organiser = models.ForeignKey(
        Organiser, verbose_name=_("organiser"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=OrganiserRole.choices, default=OrganiserRole.ORGANISER
    )

    panels = [FieldPanel("organiser"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("organiser of the event")
        verbose_name_plural = _("organisers of the event")


class PaperAccess(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTICIPANTS = "participants", _("Confirmed participants only")


class BackgroundPaper(Orderable, ClusterableModel):
    """One background paper of an event: one document per language, public or not.

    The documents are child rows (``BackgroundPaperDocument``), one per language, so a
    language added to ``settings.LANGUAGES`` can have its document without a new column.
    """

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    access = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=PaperAccess.choices,
        default=PaperAccess.PUBLIC,
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("access"),
        InlinePanel(
            "language_documents",
            heading=_("Documents"),
            label=_("Document in one language"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("background paper")
        verbose_name_plural = _("background papers")

    def __str__(self) -> str:
        return self.title

    def documents(self) -> dict[str, object]:
        """Language code → document, for the languages that have one (in the editor's order).

        Reads the prefetched or in-memory rows, so a list of papers prefetched with
        ``language_documents__document`` costs no query per paper.
        """
        return {
            row.language: row.document
            for row in self.language_documents.all()
            if row.document_id is not None
        }


class BackgroundPaperDocument(Orderable):
    """The document of one paper in one language."""

    paper = ParentalKey(
        BackgroundPaper, on_delete=models.CASCADE, related_name="language_documents"
    )
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("language"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("document of the paper")
        verbose_name_plural = _("documents of the paper")
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "language"], name="paper_one_document_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.language}"


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    WORKING_GROUP = "working_group", _("Working group")
    TRAINING = "training", _("Training module")
    BREAK = "break", pgettext_lazy("agenda", "Break")
    NETWORKING = "networking", _("Networking")
    CLOSING = "closing", _("Closing")


class Session(Orderable, ClusterableModel):
    """One agenda item, with local times in the event's time zone."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.PLENARY
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    floor_language = models.CharField(
        _("floor language"), max_length=8, blank=True, choices=EVENT_LANGUAGES
    )
    interpretation_languages = LanguageListField(_("interpretation into"))
    papers = ParentalManyToManyField(
        BackgroundPaper,
        verbose_name=_("papers"),
        blank=True,
        related_name="sessions",
        help_text=_("Background papers of this event discussed in the session."),
    )

    panels = [
        FieldPanel("day"),
        FieldPanel("start_time"),
        FieldPanel("end_time"),
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("room"),
        FieldPanel("description"),
        FieldPanel("floor_language"),
        FieldPanel("interpretation_languages"),
        InlinePanel("speakers", heading=_("Speakers"), label=_("Speaker")),
        FieldPanel("papers", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M} {self.title}"

    @property
    def start(self) -> dt.datetime:
        """Start as an aware datetime in the event's time zone."""
        return dt.datetime.combine(self.day, self.start_time, tzinfo=self.page.tz)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.end_time, tzinfo=self.page.tz)


class SpeakerRole(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    KEYNOTE = "keynote", _("Keynote speaker")
    MODERATOR = "moderator", _("Moderator")
    CHAIR = "chair", _("Chair")
    TRAINER = "trainer", _("Trainer")
    PANELLIST = "panellist", _("Panellist")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


class SessionSpeaker(Orderable):
    """A speaker in one session, with the role they have there."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="speakers")
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=SpeakerRole.choices, default=SpeakerRole.SPEAKER
    )

    panels = [FieldPanel("speaker"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker in a session")
        verbose_name_plural = _("speakers in a session")


class PrivacyPage(Page):
    """The privacy notice that participants accept, translated through Wagtail's locales.

    ``version`` is what a participant accepts: raise it when a change must be accepted again
    (a typo fix keeps it). The version that counts is the one on the live default-locale
    copy; translations show the same text in other languages.
    """

    version = models.CharField(
        _("version"),
        max_length=32,
        help_text=_(
            "Change it (e.g. 2026-02) when participants must accept the notice again; "
            "keep it for corrections."
        ),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("version"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")


class ProgrammeKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    COURSE = "course", _("Course")


class ProgrammePage(Page):
    """A programme or course above its events: a nine-month mentoring programme, a 100-hour
    course given to many cohorts. Its events are its child pages (on-site events and online
    sessions); cohorts, enrolments, hours and certificates live in ``registration.programmes``
    (the CMS knows nothing about participants).

    The completion rule is content the organiser publishes with the programme: a share of the
    programme's hours and, when asked, its final event (the one that starts last).
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.PROGRAMME
    )
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    description = RichTextField(_("description"), blank=True)
    objectives = RichTextField(_("key objectives"), blank=True)
    target_audience = RichTextField(_("target audience"), blank=True)
    fields_of_work = ParentalManyToManyField(
        FieldOfWork, verbose_name=_("fields of work"), blank=True, related_name="+"
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    completion_percent = models.PositiveSmallIntegerField(
        _("hours needed to complete (%)"),
        default=80,
        help_text=_("The share of the programme's hours a participant must attend."),
    )
    completion_needs_final = models.BooleanField(
        _("the final event must be attended"), default=True
    )
    enrolment_open = models.BooleanField(
        _("participants may enrol on the site"),
        default=False,
        help_text=_("Otherwise only the organisers enrol participants (by hand or by import)."),
    )
    certificate_signatory = models.CharField(_("certificate signed by"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("subtitle"),
        MultiFieldPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("description"),
        FieldPanel("objectives"),
        FieldPanel("target_audience"),
        FieldPanel("fields_of_work", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")
        ),
        InlinePanel(
            "organisers", heading=_("Organisers, partners and donors"), label=_("Organiser")
        ),
        InlinePanel("stages", heading=_("Stages"), label=_("Stage")),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("completion_percent"),
                FieldPanel("completion_needs_final"),
                FieldPanel("enrolment_open"),
                FieldPanel("certificate_signatory"),
            ],
            heading=_("Completion and certificates"),
        ),
    ]

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = ["cms.EventPage"]
    search_fields = [*Page.search_fields, index.SearchField("description")]

    class Meta:
        verbose_name = _("programme or course")
        verbose_name_plural = _("programmes and courses")

    @property
    def source(self) -> ProgrammePage:
        """The copy of this programme in the default locale: what enrolments belong to."""
        cached = self.__dict__.get("_source")
        if cached is not None:
            return cached
        default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        if self.locale.language_code == default:
            source = self
        else:
            source = ProgrammePage.objects.select_related("locale").get(
                translation_key=self.translation_key, locale__language_code=default
            )
        self.__dict__["_source"] = source
        return source

    def events(self):
        """The programme's events (live child pages in this page's locale), first first."""
        return EventPage.objects.child_of(self).live().order_by("start_date", "path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = list(self.events())
        for view in hooks.get_hooks("programme_page_context"):
            context.update(view(request, self))
        return context


class ProgrammeOrganiser(Orderable):
    """An organiser, partner or donor of a programme, in the order they are shown."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="organisers")
    organiser = models.ForeignKey(
        Organiser, verbose_name=_("organiser"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=OrganiserRole.choices, default=OrganiserRole.ORGANISER
    )

    panels = [FieldPanel("organiser"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("organiser of the programme")
        verbose_name_plural = _("organisers of the programme")


class ProgrammeStage(Orderable):
    """One stage of a programme (the opening training, the online sessions, the final
    conference): what happens when, shown on the programme page."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="stages")
    title = models.CharField(_("title"), max_length=255)
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("starts"),
        FieldPanel("ends"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def clean(self) -> None:
        super().clean()
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": _("A stage cannot end before it starts.")})
