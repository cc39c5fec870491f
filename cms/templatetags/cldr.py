"""Names and dates in the page's language, from CLDR (Babel) and our format modules.

``{% load cldr %}``, then:

* ``{{ page.country.code|country_name }}`` — "Либерия";
* ``{{ code|language_in }}`` — "английский", for a list in a sentence;
* ``{{ page.time_zone|zone_city }}`` — "Алматы";
* ``{{ day|ldate:"WEEKDAY_DATE_FORMAT" }}`` — "вторник, 22 декабря 2026";
* ``{{ event.start_date|date_range:event.end_date }}`` — "22–24 декабря 2026",
  "2026 жылғы 22–24 желтоқсан".
"""

from __future__ import annotations

from django import template

from conference import l10n

register = template.Library()


@register.filter
def country_name(code) -> str:
    """The country's CLDR name in the active language, nominative ("Либерия")."""
    return l10n.country_name(getattr(code, "code", code))


@register.filter
def language_in(code: str) -> str:
    """The language named in the active language as a sentence writes it: "английский"."""
    return l10n.language_name_in(code)


@register.filter
def zone_city(zone: str) -> str:
    """The time zone as its city in the active language: "Asia/Almaty" → "Алматы"."""
    return l10n.time_zone_city(zone)


@register.filter(expects_localtime=True)
def ldate(value, name: str = "DATE_FORMAT") -> str:
    """The date in the active language's named format (conference/formats), falling back to
    the standard format for a language without our own names."""
    return l10n.format_date(value, name)


@register.filter
def date_range(start, end) -> str:
    """Two days as the active language writes a span: "22–24 декабря 2026"."""
    return l10n.format_date_range(start, end)
