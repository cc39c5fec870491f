"""The interface and content languages, read from ``settings.LANGUAGES`` at the time of use.

Model fields take ``choices=language_choices`` (a callable, Django 5): the migrations name the
function, not today's list, so adding a language is one line in settings and its catalogue in
``locale/`` — no migration, no code.
"""

from __future__ import annotations

from django.conf import settings


def language_choices() -> list[tuple[str, str]]:
    """``settings.LANGUAGES``: (code, the language's own name) in the order settings give."""
    return list(settings.LANGUAGES)


def language_codes() -> list[str]:
    """The codes of ``settings.LANGUAGES``, the default language first."""
    codes = [code for code, _name in settings.LANGUAGES]
    default = settings.LANGUAGE_CODE
    return [default, *[code for code in codes if code != default]] if default in codes else codes
