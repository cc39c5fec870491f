"""Russian dates: the month in the genitive after a day ("22 декабря 2026"), no "г." after the
year in running text, day-first numeric dates ("22.12.2026")."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
WEEKDAY_DATE_FORMAT = "l, j E Y"
WEEKDAY_MONTH_DAY_FORMAT = "l, j E"
SHORT_WEEKDAY_DATE_FORMAT = "D d.m.Y"
FIRST_DAY_OF_WEEK = 1  # Monday
# A span of days (conference.l10n.format_date_range): "22–24 X 2026", "30 X – 2 Y 2026".
RANGE_SAME_MONTH_START = "j"
RANGE_SAME_MONTH_END = DATE_FORMAT
RANGE_SAME_YEAR_START = MONTH_DAY_FORMAT
RANGE_SAME_YEAR_END = DATE_FORMAT
