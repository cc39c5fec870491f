"""Date-times in admin forms are typed and shown in the event's own time zone.

Django reads a typed date-time in the *current* time zone (the server's, or the staff
member's Wagtail profile zone), so an organiser in Vienna typing 09:00 for a Bishkek event
stored 09:00 UTC — 15:00 on the site. ``EventTimeZoneFormMixin`` makes each listed field a
``EventDateTimeField``: it shows the stored moment as the wall time of the event's zone and
reads what is typed as wall time there, in the zone chosen in the same form (an event's
``time_zone`` field, or the event picked in a survey's form), and its help text names the
zone. Agenda sessions need none of this: they are a day and two times of day already.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from conference.l10n import time_zone_city

UTC = dt.UTC


def get_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``, or None when there is no such zone (nothing chosen yet)."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def offset_label(moment: dt.datetime) -> str:
    """``UTC+06:00``: the offset of an aware moment, the way a timetable writes it."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_help_text(zone: zoneinfo.ZoneInfo | None, moment: dt.datetime | None = None) -> str:
    """The sentence under a date-time field: which zone its times are in, with the offset
    on ``moment``'s date (summer and winter offsets differ), else today's."""
    if zone is None:
        return _("Times in the event's time zone.")
    at = (moment or dt.datetime.now(UTC)).astimezone(zone)
    return _("Times in %(zone)s time (%(offset)s).") % {
        "zone": time_zone_city(zone.key),
        "offset": offset_label(at),
    }


def to_wall_time(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The naive wall time in ``zone`` of a stored (aware) moment."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def from_wall_time(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The aware moment of a wall time typed for ``zone``, or None when that wall time does
    not exist there (the hour skipped when clocks go forward). A wall time that happens
    twice (clocks go back) is the first of the two."""
    aware = value.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value.replace(fold=0):
        return None
    return aware


class EventDateTimeField(forms.DateTimeField):
    """A date-time field that works in wall time of ``zone``: it shows stored values there
    and gives back naive wall times, which the form makes aware once the zone is known."""

    zone: zoneinfo.ZoneInfo | None = None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return to_wall_time(value, self.zone or UTC)
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        # Parse without Django's "current time zone" step: the form applies the event's.
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            result = value
        elif isinstance(value, dt.date):
            result = dt.datetime(value.year, value.month, value.day)
        else:
            try:
                result = parse_datetime(str(value).strip())
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if result is None:
                result = forms.fields.BaseTemporalField.to_python(self, str(value).strip())
        if result.tzinfo is not None:
            result = to_wall_time(result, self.zone or UTC)
        return result

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            typed = self.to_python(data)
        except forms.ValidationError:
            return True
        return self.prepare_value(initial) != typed


class EventTimeZoneFormMixin:
    """A form mixin: the fields in ``event_datetime_fields`` are in the event's zone.

    Subclasses say where the zone comes from: ``stored_time_zone()`` (the saved record,
    for showing values) and ``chosen_time_zone(cleaned_data)`` (this submission, for
    reading them). ``clean()`` turns the typed wall times into moments in the chosen zone.
    """

    event_datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_event_datetime_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_event_datetimes(cleaned)
        return cleaned

    def stored_time_zone(self) -> str | None:
        raise NotImplementedError

    def chosen_time_zone(self, cleaned_data: dict[str, Any]) -> str | None:
        raise NotImplementedError

    def zone_reference_date(self) -> dt.date | None:
        """The day whose offset the help text gives for an empty field (e.g. the first
        day of the event); None: today."""
        return None

    def setup_event_datetime_fields(self) -> None:
        """Swap each listed field for an ``EventDateTimeField`` showing the stored zone."""
        zone = get_zone(self.stored_time_zone())
        for name in self.event_datetime_fields:
            old = self.fields.get(name)
            if old is None:
                continue
            field = EventDateTimeField(
                required=old.required,
                label=old.label,
                widget=old.widget,
                localize=old.localize,
                disabled=old.disabled,
            )
            field.zone = zone
            moment = self.initial.get(name)
            if not (isinstance(moment, dt.datetime) and moment.tzinfo) and zone is not None:
                day = self.zone_reference_date()
                moment = dt.datetime.combine(day, dt.time(12), tzinfo=zone) if day else None
            field.help_text = zone_help_text(zone, moment)
            self.fields[name] = field

    def clean_event_datetimes(self, cleaned_data: dict[str, Any]) -> None:
        """Read the typed wall times in the zone chosen in this form (or the stored one)."""
        zone = get_zone(self.chosen_time_zone(cleaned_data)) or get_zone(self.stored_time_zone())
        for name in self.event_datetime_fields:
            value = cleaned_data.get(name)
            if not isinstance(value, dt.datetime) or value.tzinfo is not None:
                continue
            if zone is None:
                zone = UTC
            aware = from_wall_time(value, zone)
            if aware is None:
                self.add_error(
                    name,
                    _(
                        "%(time)s does not exist in %(zone)s: the clocks go forward "
                        "that night. Choose a time an hour later."
                    )
                    % {"time": value.strftime("%H:%M"), "zone": zone.key},
                )
                cleaned_data.pop(name, None)
                continue
            cleaned_data[name] = aware


class EventChoiceTimeZoneFormMixin(EventTimeZoneFormMixin):
    """For a form that picks its event in a field (``event_field``): the zone is that
    event's, the one picked in this submission when reading what was typed."""

    event_field = "event"

    def stored_time_zone(self) -> str | None:
        event = getattr(self.instance, self.event_field, None) if self.instance.pk else None
        return getattr(event, "time_zone", None)

    def chosen_time_zone(self, cleaned_data: dict[str, Any]) -> str | None:
        return getattr(cleaned_data.get(self.event_field), "time_zone", None)

    def zone_reference_date(self) -> dt.date | None:
        event = getattr(self.instance, self.event_field, None) if self.instance.pk else None
        return getattr(event, "start_date", None)
