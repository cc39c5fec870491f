"""Names in the reader's language from CLDR (through Babel), sorted as that language sorts.

Django and django-countries translate names through gettext catalogues written for sentences:
django-countries' Russian catalogue has "Либерии", "Мьянмы" (genitive forms someone typed for a
phrase), Django names languages in their own tongue only ("Русский") and has no names for time
zones at all. CLDR — the Unicode Consortium's locale data, which Babel ships and updates with
each CLDR release — has, for every language we run (en, ru, uk, kk) and any fifth one:

* territory names in the nominative, as a list or a form shows them ("Либерия", "Мьянма");
* language names as a sentence in that language writes them ("английский", "ағылшын тілі");
* the exemplar city of each time zone ("Asia/Almaty" → "Алматы" in Russian, "Алмати" in
  Ukrainian).

Sorting goes through ICU's collator (PyICU), which knows each language's alphabet: Ukrainian
Ґ after Г, Kazakh Ә after А, Ё beside Е. Python's ``sorted`` orders by code point, which
puts every Latin name before every Cyrillic one and "Ёлкин" after "Яковлев".

This module sits in ``conference`` so that both ``cms`` and ``registration`` can use it; it
imports no room. ``registration.collation`` re-exports the collation functions.

A collator is made per ``sort_key`` call and not shared: ICU collators are not thread-safe,
and making one takes microseconds (ICU caches the rules).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable

import icu
from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location
from django.utils import translation
from django.utils.functional import lazy

#: CLDR's root order, for no language; a code ICU has no rules for gets it too (a good
#: order for most Latin names).
ROOT = "und"


# --- Collation ---------------------------------------------------------------------------


def collator(language: str):
    """ICU's collator for ``language`` (``ru``, ``uk``, ``kk``, ``en-gb``...): letters first,
    then accents, then case; digits by their value (``Room 2`` before ``Room 10``)."""
    code = (language or ROOT).replace("_", "-")
    result = icu.Collator.createInstance(icu.Locale.forLanguageTag(code))
    result.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return result


def sort_key(language: str) -> Callable[[str], bytes]:
    """A key function for ``sorted``: texts in ``language``'s alphabetical order.

    ``None`` sorts as the empty string (first). Side effects: none.
    """
    key = collator(language).getSortKey
    return lambda text: key(str(text or ""))


def sorted_names(items: Iterable, *, language: str, names: Callable) -> list:
    """``items`` sorted by ``names(item)``, a tuple of texts compared one after another (family
    name, then given name), in ``language``'s order. Side effects: none."""
    key = sort_key(language)
    return sorted(items, key=lambda item: tuple(key(text) for text in names(item)))


def sorted_texts(texts: Iterable[str], language: str | None = None) -> list[str]:
    """Texts (names of countries, languages, people) in ``language``'s alphabetical order;
    the active language when none is given."""
    return sorted(texts, key=sort_key(_language(language)))


# --- CLDR names --------------------------------------------------------------------------


def _language(language: str | None) -> str:
    return language or translation.get_language() or "en"


@functools.lru_cache(maxsize=32)
def cldr_locale(language: str) -> Locale:
    """Babel's locale for a Django language code (``en``, ``pt-br``, ``zh-hans``); English
    when CLDR has no such locale, so a name is never missing."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        base = language.split("-")[0]
        if base != language:
            return cldr_locale(base)
        return Locale.parse("en")


def country_name(code: str | None, language: str | None = None) -> str:
    """The country's name in the nominative, as CLDR gives it in ``language`` (the active
    language when none is given): ``country_name("LR", "ru")`` → ``"Либерия"``. An unknown
    code comes back as it is; an empty one as ``""``."""
    if not code:
        return ""
    code = str(code).upper()
    names = cldr_locale(_language(language)).territories
    return names.get(code) or cldr_locale("en").territories.get(code) or code


@functools.lru_cache(maxsize=32)
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    # django-countries decides which codes exist (what is stored); CLDR gives their names.
    from django_countries.data import COUNTRIES  # a plain dict; no app registry needed

    pairs = [(code, country_name(code, language)) for code in COUNTRIES]
    key = sort_key(language)
    return tuple(sorted(pairs, key=lambda pair: key(pair[1])))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every country django-countries stores, as ``(code, name)`` in ``language``, in that
    language's alphabetical order (ICU collation). Cached per language: a form can set these
    as its choices each time at no cost."""
    return list(_country_choices(_language(language)))


def language_name_in(code: str | None, language: str | None = None) -> str:
    """The language ``code`` named in ``language`` as a sentence writes it:
    ``language_name_in("en", "ru")`` → ``"английский"``; for lists such as "Interpretation
    into: английский, русский". (A language switcher names each language in its own tongue:
    ``cms.fields.language_name``.)"""
    if not code:
        return ""
    locale = cldr_locale(_language(language))
    wanted = code.replace("-", "_")
    name = locale.languages.get(wanted) or locale.languages.get(wanted.split("_")[0])
    return name or code


def time_zone_city(zone: str | None, language: str | None = None) -> str:
    """The time zone as the city that names it, in ``language``: ``"Asia/Almaty"`` →
    ``"Алматы"`` (ru), ``"Алмати"`` (uk). ``UTC`` and zones with no city stay as written."""
    if not zone:
        return ""
    zone = str(zone)
    if "/" not in zone or zone.startswith("Etc/"):
        return zone
    try:
        return get_timezone_location(
            zone, locale=cldr_locale(_language(language)), return_city=True
        )
    except (LookupError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        return zone


def utc_offset(moment: dt.datetime) -> str:
    """``UTC+05:00``: the offset of an aware moment, the way a timetable writes it."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def time_zone_label(
    zone: str | None, on: dt.date | None = None, language: str | None = None
) -> str:
    """The zone as a reader looks for it: its city and its offset on ``on`` (summer and winter
    offsets differ), e.g. ``"Алматы (UTC+05:00)"``; the city alone when no day is given."""
    city = time_zone_city(zone, language)
    if not zone or on is None:
        return city
    try:
        tz = zoneinfo.ZoneInfo(str(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return city
    return f"{city} ({utc_offset(dt.datetime.combine(on, dt.time(12), tzinfo=tz))})"


def time_zone_choices(zones: Iterable[str], language: str | None = None) -> list[tuple[str, str]]:
    """Time zone choices labelled by city in ``language`` (the active one when none is given),
    in that language's alphabetical order, the zone's key after the city so that two names of
    one zone (``US/Eastern``, ``America/New_York``) stay apart: ``Алматы — Asia/Almaty``.
    For a select: pass ``functools.partial(time_zone_choices, keys)`` as its choices and it
    is labelled in the language of each request (Babel caches the names: ~2 ms for 550 zones).
    """
    language = _language(language)
    labelled = []
    for zone in zones:
        city = time_zone_city(zone, language)
        labelled.append((zone, zone if city == zone else f"{city} — {zone}"))
    key = sort_key(language)
    return sorted(labelled, key=lambda pair: key(pair[1]))


#: ``country_name`` evaluated when shown, in the language active then (for settings and
#: class attributes read before any language is active).
lazy_country_name = lazy(country_name, str)


def country_overrides() -> dict[str, object]:
    """``COUNTRIES_OVERRIDE`` for django-countries: every country's name from CLDR in the
    language active when it is shown, so ``registration.country.name`` on badges, sign-in
    sheets, exports and the admin reads "Либерия", not the catalogue's "Либерии"."""
    from django_countries.data import COUNTRIES  # a plain dict; no app registry needed

    return {code: lazy_country_name(code) for code in COUNTRIES}


# --- Dates -------------------------------------------------------------------------------

#: Our own format names (conference/formats) and the standard name every language has, used
#: for a language we have no formats module for (a fifth one added with its catalogue only).
FORMAT_FALLBACKS = {
    "WEEKDAY_DATE_FORMAT": "DATE_FORMAT",
    "WEEKDAY_MONTH_DAY_FORMAT": "MONTH_DAY_FORMAT",
    "SHORT_WEEKDAY_DATE_FORMAT": "SHORT_DATE_FORMAT",
}


def format_date(value: dt.date | dt.datetime | None, name: str = "DATE_FORMAT") -> str:
    """``value`` in the active language's format called ``name`` (``DATE_FORMAT``,
    ``WEEKDAY_DATE_FORMAT``...: conference/formats). A name the language does not define falls
    back to its standard sibling, never to the name's letters read as a pattern."""
    # Imported here: django.utils.formats reads settings, which import this module.
    from django.utils import formats

    if value in (None, ""):
        return ""
    if name in FORMAT_FALLBACKS and formats.get_format(name) == name:
        name = FORMAT_FALLBACKS[name]
    return formats.date_format(value, name)


#: The two halves of a date range and what joins them, per case (named formats of
#: conference/formats). A language without them gets two full dates: longer, never wrong.
RANGE_FORMATS = {
    "month": ("RANGE_SAME_MONTH_START", "RANGE_SAME_MONTH_END", "–"),
    "year": ("RANGE_SAME_YEAR_START", "RANGE_SAME_YEAR_END", " – "),
}


def format_date_range(start: dt.date, end: dt.date) -> str:
    """Two days as the active language writes a span: "22–24 декабря 2026",
    "30 ноября – 2 декабря 2026", "2026 жылғы 22–24 желтоқсан"; one date when they are the
    same day. The year (and month) is written once where the language allows."""
    # Imported here: django.utils.formats reads settings, which import this module.
    from django.utils import formats

    if start == end or end is None:
        return format_date(start)
    case = "month" if (start.year, start.month) == (end.year, end.month) else "year"
    if start.year != end.year:
        return f"{format_date(start)} – {format_date(end)}"
    first, last, joint = RANGE_FORMATS[case]
    if formats.get_format(first) == first or formats.get_format(last) == last:
        return f"{format_date(start)} – {format_date(end)}"
    return f"{formats.date_format(start, first)}{joint}{formats.date_format(end, last)}"
