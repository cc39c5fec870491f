"""Kazakh dates (Django ships no formats for Kazakh).

Kazakhstan's official documents write the year first, with the adjective "жылғы", then the day
and the month: "2026 жылғы 22 желтоқсан" — the order of the Kazakh sentence (from the larger
unit to the smaller), which CLDR's Kazakh long date ("2026 ж. 22 желтоқсан") abbreviates. The
month follows the day in its plain form (Kazakh does not decline it there) and in lower case:
``E`` is Django's msgctxt "alt. month", which our catalogue gives in that form. A day and a
month without the year keep that order: "22 желтоқсан". Numeric dates are day first with dots,
as in Russian: "22.12.2026".
"""

DATE_FORMAT = "Y жылғы j E"
DATETIME_FORMAT = "Y жылғы j E, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y жылғы F"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
WEEKDAY_DATE_FORMAT = "Y жылғы j E, l"
WEEKDAY_MONTH_DAY_FORMAT = "j E, l"
SHORT_WEEKDAY_DATE_FORMAT = "D d.m.Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
# A span of days (conference.l10n.format_date_range), the year once and first:
# "2026 жылғы 22–24 желтоқсан", "2026 жылғы 30 қараша – 2 желтоқсан".
RANGE_SAME_MONTH_START = "Y жылғы j"
RANGE_SAME_MONTH_END = MONTH_DAY_FORMAT
RANGE_SAME_YEAR_START = DATE_FORMAT
RANGE_SAME_YEAR_END = MONTH_DAY_FORMAT
