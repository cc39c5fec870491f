"""Names from CLDR and dates in each language's own format (conference.l10n, conference.formats).

A fixed day throughout (22 December 2026, 11 January 2027): the test never depends on today.
Where CLDR's own data can be asked (Babel), the test compares with it; at least one literal per
case is what a reader sees.
"""

from __future__ import annotations

import datetime as dt

import pytest
from babel import Locale
from babel.dates import get_timezone_location
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext
from django_countries import countries

from cms.models import EventPage
from conference import l10n
from registration.messaging import calendar
from registration.models import Registration

DAY = dt.date(2026, 12, 22)
NEW_YEAR = dt.date(2027, 1, 11)


def names(language: str) -> list[str]:
    return [name for _code, name in l10n.country_choices(language)]


# --- Countries ---------------------------------------------------------------------------


def test_russian_country_names_are_nominative_from_cldr():
    russian = names("ru")

    assert "Либерия" in russian
    assert any(name.startswith("Мьянма") for name in russian)
    assert not [name for name in russian if name in ("Либерии", "Мьянмы")]
    for code in ("LR", "MM", "KZ", "UA", "DE"):
        assert l10n.country_name(code, "ru") == Locale.parse("ru").territories[code]


def test_russian_country_list_is_in_russian_alphabetical_order():
    russian = names("ru")
    collator = l10n.collator("ru")

    # django-countries' own order for Cyrillic was by code: "Афганистан, Албания, ...".
    assert russian[:3] == ["Австралия", "Австрия", "Азербайджан"]
    assert russian == sorted(russian, key=collator.getSortKey)
    assert russian.index("Киргизия") < russian.index("Латвия") < russian.index("Япония")


def test_ukrainian_names_and_order_put_i_after_z_not_before_a():
    ukrainian = names("uk")

    assert l10n.country_name("LR", "uk") == "Ліберія"
    # By code point "І" (U+0406) would come before "А"; Ukrainian puts it after "З" and "И".
    assert ukrainian.index("Зімбабве") < ukrainian.index("Індія") < ukrainian.index("Йорданія")
    assert ukrainian[0] != "Індія"


def test_kazakh_names_and_order_put_qa_after_ka():
    kazakh = names("kk")

    assert l10n.country_name("KZ", "kk") == "Қазақстан"
    assert l10n.country_name("KG", "kk") == Locale.parse("kk").territories["KG"]
    assert kazakh.index("Кувейт") < kazakh.index("Қазақстан") < kazakh.index("Латвия")


def test_django_countries_names_a_country_from_cldr_in_the_active_language():
    with translation.override("ru"):
        assert str(countries.name("LR")) == "Либерия"
    with translation.override("uk"):
        assert str(countries.name("LR")) == "Ліберія"
    with translation.override("en"):
        assert str(countries.name("LR")) == "Liberia"


def test_registration_country_select_is_cldr_names_in_russian_order_keeping_codes():
    field = Registration._meta.get_field("country").formfield()

    with translation.override("ru"):
        choices = list(field.choices)
        html = field.widget.render("country", "LR")

    assert choices[0][0] == ""
    assert [name for _code, name in choices[1:4]] == ["Австралия", "Австрия", "Азербайджан"]
    assert ("LR", "Либерия") in choices
    assert '<option value="LR" selected>Либерия</option>' in html


# --- Languages and time zones ------------------------------------------------------------


def test_language_names_in_a_sentence_are_in_the_readers_language():
    assert l10n.language_name_in("en", "ru") == "английский"
    assert l10n.language_name_in("ru", "ru") == "русский"
    assert l10n.language_name_in("en", "uk") == Locale.parse("uk").languages["en"]
    assert l10n.language_name_in("ru", "kk") == Locale.parse("kk").languages["ru"]


@pytest.mark.parametrize(
    ("language", "city"), [("ru", "Алматы"), ("uk", "Алмати"), ("en", "Almaty")]
)
def test_time_zone_is_its_city_in_the_readers_language(language, city):
    assert l10n.time_zone_city("Asia/Almaty", language) == city
    assert city == get_timezone_location("Asia/Almaty", locale=language, return_city=True)


def test_time_zone_choices_are_cities_in_the_readers_order_with_their_keys():
    choices = l10n.time_zone_choices(
        ["Europe/Kyiv", "Asia/Almaty", "US/Eastern", "America/New_York"], "ru"
    )

    assert choices == [
        ("Asia/Almaty", "Алматы — Asia/Almaty"),
        ("Europe/Kyiv", "Киев — Europe/Kyiv"),
        ("America/New_York", "Нью-Йорк — America/New_York"),
        ("US/Eastern", "Нью-Йорк — US/Eastern"),
    ]


def test_utc_and_unknown_zones_stay_as_written():
    assert l10n.time_zone_city("UTC", "ru") == "UTC"
    assert l10n.time_zone_city("Nowhere/Atlantis", "ru") == "Nowhere/Atlantis"


@pytest.mark.django_db
def test_event_time_zone_label_is_the_city_with_the_offset():
    event = EventPage(time_zone="Asia/Almaty", start_date=DAY, end_date=DAY)

    with translation.override("ru"):
        assert event.tz_label == "Алматы (UTC+05:00)"
    with translation.override("en"):
        assert event.tz_label == "Almaty (UTC+05:00)"


# --- Dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("ru", DAY, "22 декабря 2026"),
        ("ru", NEW_YEAR, "11 января 2027"),
        ("uk", DAY, "22 грудня 2026"),
        ("uk", NEW_YEAR, "11 січня 2027"),
        ("en", DAY, "22 December 2026"),
    ],
)
def test_date_format_puts_the_month_in_the_form_that_follows_a_day(language, day, expected):
    template = Template('{{ day|date:"DATE_FORMAT" }}')

    with translation.override(language):
        assert template.render(Context({"day": day})) == expected
        assert l10n.format_date(day) == expected


def test_kazakh_date_is_year_first_as_official_documents_write_it():
    with translation.override("kk"):
        month = pgettext("alt. month", "December")
        assert l10n.format_date(DAY) == f"2026 жылғы 22 {month}"
        assert l10n.format_date(DAY).lower() == "2026 жылғы 22 желтоқсан"
        assert l10n.format_date_range(DAY, DAY + dt.timedelta(days=2)).lower() == (
            "2026 жылғы 22–24 желтоқсан"
        )


def test_numeric_dates_are_day_first():
    for language, expected in (("ru", "22.12.2026"), ("uk", "22.12.2026"), ("kk", "22.12.2026")):
        with translation.override(language):
            assert l10n.format_date(DAY, "SHORT_DATE_FORMAT") == expected
    with translation.override("en"):
        assert l10n.format_date(DAY, "SHORT_DATE_FORMAT") == "22/12/2026"


def test_weekday_date_and_ranges_in_russian():
    with translation.override("ru"):
        weekday = l10n.format_date(DAY, "WEEKDAY_DATE_FORMAT")
        assert weekday.lower() == "вторник, 22 декабря 2026"
        assert l10n.format_date_range(DAY, dt.date(2026, 12, 24)) == "22–24 декабря 2026"
        assert l10n.format_date_range(dt.date(2026, 11, 30), dt.date(2026, 12, 2)) == (
            "30 ноября – 2 декабря 2026"
        )
        assert l10n.format_date_range(DAY, NEW_YEAR) == "22 декабря 2026 – 11 января 2027"


def test_a_language_without_our_formats_module_gets_djangos_date_not_pattern_letters():
    # A fifth language is a catalogue and a settings line: our own format names fall back to
    # Django's standard ones for it instead of printing "WEEKDAY_DATE_FORMAT" as a pattern.
    with translation.override("fr"):
        assert l10n.format_date(DAY, "WEEKDAY_DATE_FORMAT") == "22 décembre 2026"
        assert l10n.format_date_range(DAY, dt.date(2026, 12, 24)) == (
            "22 décembre 2026 – 24 décembre 2026"
        )


@pytest.mark.django_db
def test_russian_email_and_page_dates_use_the_genitive_month():
    event = EventPage(
        title="Конференция",
        start_date=DAY,
        end_date=NEW_YEAR,
        time_zone="Asia/Almaty",
        city="Астана",
    )

    with translation.override("ru"):
        meta = render_to_string("registration/includes/event_meta.html", {"event": event})
        dates = render_to_string("cms/includes/event_dates.html", {"event": event})

    assert "22 декабря 2026 – 11 января 2027" in meta
    # Across a year: both dates whole; within a month the event page writes the month once.
    assert ">22 декабря 2026 – 11 января 2027<" in dates
    event.end_date = DAY + dt.timedelta(days=2)
    with translation.override("ru"):
        dates = render_to_string("cms/includes/event_dates.html", {"event": event})
    assert ">22–24 декабря 2026<" in dates


@pytest.mark.django_db
def test_ukrainian_invite_description_has_genitive_weekday_dates():

    event = EventPage(title="Навчання", start_date=NEW_YEAR, end_date=NEW_YEAR)
    event.time_zone = "Europe/Kyiv"

    class Session:
        day = NEW_YEAR
        start_time = dt.time(9, 0)
        end_time = dt.time(10, 30)
        title = "Відкриття"
        room_id = None
        room = None

    with translation.override("uk"):
        text = calendar.agenda_summary(event, [Session()])

    assert text.splitlines()[0].lower() == "понеділок, 11 січня 2027"
    assert "Київ (UTC+02:00)" in text
