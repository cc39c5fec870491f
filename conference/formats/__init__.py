"""Date formats per language (``FORMAT_MODULE_PATH``), used by name:
``{{ day|date:"DATE_FORMAT" }}`` in templates, ``formats.date_format(day, "DATE_FORMAT")`` or
``conference.l10n.format_date`` in Python — never a fixed pattern.
Python — never a fixed pattern.

Each ``<code>/formats.py`` overrides Django's own module for that language (and Django has none
for Kazakh). Django's standard names, which every language has (Django's module, else
settings, fill the gaps for a language we add without a module here):

* ``DATE_FORMAT`` — "22 December 2026", "22 декабря 2026", "22 грудня 2026",
  "2026 жылғы 22 желтоқсан";
* ``DATETIME_FORMAT`` — the same with the time, 24-hour;
* ``MONTH_DAY_FORMAT`` — "22 December", "22 декабря" (the first day of a range in one year);
* ``SHORT_DATE_FORMAT`` / ``SHORT_DATETIME_FORMAT`` — day first: "22.12.2026", "22/12/2026".

Our own names (``conference.l10n.format_date`` and the ``ldate`` filter fall back to the
standard name in brackets for a language that lacks them):

* ``WEEKDAY_DATE_FORMAT`` — "Tuesday, 22 December 2026", "вторник, 22 декабря 2026"
  (``DATE_FORMAT``);
* ``WEEKDAY_MONTH_DAY_FORMAT`` — "Tuesday, 22 December" (``MONTH_DAY_FORMAT``);
* ``SHORT_WEEKDAY_DATE_FORMAT`` — "Tue 22.12.2026", for narrow tables (``SHORT_DATE_FORMAT``).

In Django's patterns ``E`` is the month in the form that follows a day ("декабря", Django's
msgctxt "alt. month"), ``F`` the month standing alone ("Декабрь"), ``l`` the weekday. Cyrillic
letters are not pattern letters and need no escaping.
"""
