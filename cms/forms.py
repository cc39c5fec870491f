"""The event page's admin form: every rule of the concept note and agenda, on its field.

Wagtail builds the page form with nested formsets (sessions, and speakers inside each
session); ``EventPageForm.clean`` checks what needs more than one field or more than one
session and puts each message on the field of the inline form that has to change.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from anyascii import anyascii
from django import forms
from django.db.models import Q
from django.utils.formats import time_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from cms.fields import language_name
from cms.timezones import EventTimeZoneFormMixin
from conference.l10n import time_zone_choices


def _live_forms(formset) -> list[forms.Form]:
    """Forms of a formset that will be saved: valid, not deleted, not an untouched extra."""
    result = []
    for form in formset.forms:
        if not form.is_valid():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        result.append(form)
    return result


def _own_locale(field: forms.ModelChoiceField, locale_id: int, keep: Any = None) -> None:
    """Offer only the snippets of the page's locale (plus the one already chosen, so that a
    copy made for translation, which still points at the source's snippet, stays valid)."""
    if keep in (None, ""):
        field.queryset = field.queryset.filter(locale_id=locale_id)
        return
    keep = getattr(keep, "pk", keep)
    field.queryset = field.queryset.filter(Q(locale_id=locale_id) | Q(pk=keep))


def _own_locale_formset(formset, name: str, locale_id: int) -> None:
    for form in formset.forms if formset is not None else ():
        if name in form.fields:
            _own_locale(form.fields[name], locale_id, form.initial.get(name))


def _limit_papers(form: forms.Form, queryset) -> forms.Form:
    if "papers" in form.fields:
        form.fields["papers"].queryset = queryset
    return form


class EventPageForm(EventTimeZoneFormMixin, WagtailAdminPageForm):
    """Validation of the event's dates, languages and agenda, with messages on the fields."""

    # Typed and shown in the event's own zone, the one chosen in this form: the mixin swaps
    # the fields in __init__ and reads them in that zone in clean() (cms.timezones).
    event_datetime_fields = ("registration_opens", "registration_closes")

    def stored_time_zone(self) -> str | None:
        return self.instance.time_zone if self.instance.pk else None

    def chosen_time_zone(self, cleaned_data: dict[str, Any]) -> str | None:
        return cleaned_data.get("time_zone")

    def zone_reference_date(self) -> dt.date | None:
        return self.instance.start_date

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        if "time_zone" in self.fields:
            # Each zone named by its city in the admin's language, sorted by it (CLDR).
            keys = [value for value, _label in self.fields["time_zone"].choices if value]
            self.fields["time_zone"].choices = functools.partial(time_zone_choices, keys)
        if self.instance.locale_id:
            self._limit_to_locale(self.instance.locale_id)
        sessions = self.formsets.get("sessions")
        if sessions is None:
            return
        # cms.models imports this module for EventPage's form: a real cycle.
        from cms.models import BackgroundPaper

        # A session may link only to this event's own saved papers (a paper added in the same
        # edit can be linked after saving once).
        papers = (
            BackgroundPaper.objects.filter(page_id=self.instance.pk)
            if self.instance.pk
            else BackgroundPaper.objects.none()
        )
        for form in sessions.forms:
            _limit_papers(form, papers)
        base = type(sessions)
        sessions.__class__ = type(
            base.__name__,
            (base,),
            {"empty_form": property(lambda fs: _limit_papers(base.empty_form.fget(fs), papers))},
        )

    def clean_slug(self) -> str:
        """A Latin slug, also for a Russian or Ukrainian title: transliterated (``kiev`` rather
        than ``%D0%BA...`` in the address), made from the title when left empty."""
        slug = self.cleaned_data.get("slug") or ""
        if slug and slug.isascii():
            return slug
        slug = slugify(anyascii(slug or self.cleaned_data.get("title") or ""))[:255].strip("-")
        if not slug:  # nothing Latin to make it of (a title of symbols): ask for one
            raise forms.ValidationError(self.fields["slug"].error_messages["required"])
        if self.parent_page is None:
            return slug
        # Wagtail's own check (in clean) reports a taken slug the user typed; one made here
        # gets a number instead, as Wagtail does for a slug it makes.
        candidate, number = slug, 1
        while not self.instance._slug_is_available(candidate, self.parent_page, self.instance):
            number += 1
            candidate = f"{slug}-{number}"
        return candidate

    def _limit_to_locale(self, locale_id: int) -> None:
        """Fields of work, rooms, speakers and organisers of the page's own locale only.

        The choosers' modals already list the page's locale (Wagtail passes it along); this
        limits the checkboxes and what a submitted form may refer to. A copy made for
        translation still ticks the source's fields of work: they show as their translation.
        """
        field = self.fields.get("fields_of_work")
        if field is not None:
            field.queryset = field.queryset.filter(locale_id=locale_id)
            chosen = self.initial.get("fields_of_work") or []
            keys = [getattr(c, "translation_key", None) for c in chosen]
            if any(getattr(c, "locale_id", locale_id) != locale_id for c in chosen):
                self.initial["fields_of_work"] = list(
                    field.queryset.filter(translation_key__in=[k for k in keys if k])
                )
        _own_locale_formset(self.formsets.get("organisers"), "organiser", locale_id)
        sessions = self.formsets.get("sessions")
        _own_locale_formset(sessions, "room", locale_id)
        for form in sessions.forms if sessions is not None else ():
            _own_locale_formset(getattr(form, "formsets", {}).get("speakers"), "speaker", locale_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start = cleaned.get("start_date")
        end = cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", _("The last day cannot be before the first day. Check both dates.")
            )
            end = None
        languages = list(cleaned.get("languages") or [])
        interpretation = list(cleaned.get("interpretation_languages") or [])
        outside = [code for code in interpretation if code not in languages]
        if languages and outside:
            self.add_error(
                "interpretation_languages",
                _(
                    "Interpretation can only be into the event's working languages; "
                    "%(languages)s is not one of them."
                )
                % {"languages": ", ".join(language_name(c) for c in outside)},
            )
        sessions = self.formsets.get("sessions")
        if sessions is not None:
            self._clean_sessions(_live_forms(sessions), start=start, end=end, languages=languages)
        return cleaned

    def _clean_sessions(
        self,
        session_forms: list[forms.Form],
        *,
        start: dt.date | None,
        end: dt.date | None,
        languages: list[str],
    ) -> None:
        booked: list[tuple[forms.Form, Any, dt.date, dt.time, dt.time]] = []
        for form in session_forms:
            data = form.cleaned_data
            day, begins, ends = data.get("day"), data.get("start_time"), data.get("end_time")
            if begins and ends and ends <= begins:
                form.add_error("end_time", _("A session must end after it starts."))
                ends = None
            if day and start and end and not (start <= day <= end):
                form.add_error(
                    "day",
                    _("The session's day must be within the event's dates (%(first)s – %(last)s).")
                    % {"first": start.isoformat(), "last": end.isoformat()},
                )
                day = None
            outside = [
                code for code in data.get("interpretation_languages") or [] if code not in languages
            ]
            if outside:
                form.add_error(
                    "interpretation_languages",
                    _(
                        "Interpretation can only be into the event's working languages; "
                        "%(languages)s is not one of them."
                    )
                    % {"languages": ", ".join(language_name(c) for c in outside)},
                )
            room = data.get("room")
            if room and day and begins and ends:
                booked.append((form, room, day, begins, ends))
        self._clean_rooms(booked)

    def _clean_rooms(self, booked: list[tuple[forms.Form, Any, dt.date, dt.time, dt.time]]) -> None:
        """A room holds one session at a time, in this event and in every other event."""
        # cms.models imports this module for EventPage's form: a real cycle.
        from cms.models import Session

        for i, (form, room, day, begins, ends) in enumerate(booked):
            clash = next(
                (
                    other
                    for other in booked[:i]
                    if other[1].pk == room.pk
                    and other[2] == day
                    and other[3] < ends
                    and begins < other[4]
                ),
                None,
            )
            if clash is not None:
                title = clash[0].cleaned_data.get("title", "")
                clash_begins, clash_ends = clash[3], clash[4]
            else:
                other_events = Session.objects.filter(
                    room=room, day=day, start_time__lt=ends, end_time__gt=begins
                )
                if self.instance.translation_key:
                    other_events = other_events.exclude(
                        page__translation_key=self.instance.translation_key
                    )
                found = other_events.select_related("page").first()
                if found is None:
                    continue
                title = f"{found.title} ({found.page.title})"
                clash_begins, clash_ends = found.start_time, found.end_time
            form.add_error(
                "room",
                _(
                    "%(room)s is already booked from %(start)s to %(end)s for “%(title)s”. "
                    "Choose another room or time."
                )
                % {
                    "room": room.name,
                    "start": time_format(clash_begins, "H:i"),
                    "end": time_format(clash_ends, "H:i"),
                    "title": title,
                },
            )
