"""Wagtail page models and snippets: the event's concept note, agenda and papers.

The CMS knows nothing about participants: ``registration`` reads the event it belongs to.
An event is one page translated into several locales; ``EventPage.source`` is the copy in the
default locale, and registrations, invites and reports always point at that copy.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin

from cms.fields import LanguageListField

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


class HomePage(Page):
    """The site's front page: an introduction and the next events."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


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


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


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

    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    needs_approval = models.BooleanField(_("registrations need approval"), default=False)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    invitation_only = models.BooleanField(_("by invitation only"), default=False)
    invitation_code = models.CharField(_("invitation code"), max_length=64, blank=True)

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
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @path("register/", name="register")
    def register(self, request):
        """The registration form: served by ``registration`` for this event's source page."""
        from registration.views.public import register

        return register(request, self)

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def source(self) -> EventPage:
        """The copy of this event in the default locale: what registrations belong to."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return EventPage.objects.get(translation_key=self.translation_key, locale=default)

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(count, 0))]


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    WORKING_GROUP = "working_group", _("Working group")
    TRAINING = "training", _("Training module")
    BREAK = "break", pgettext_lazy("agenda", "Break")
    NETWORKING = "networking", _("Networking")
    CLOSING = "closing", _("Closing")


class Session(Orderable):
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
    floor_language = models.CharField(_("floor language"), max_length=8, blank=True)
    interpretation_languages = LanguageListField(_("interpretation into"))

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
