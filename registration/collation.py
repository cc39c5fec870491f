"""Names sorted as a language sorts them (collation), for printed lists such as sign-in sheets.

Python's ``sorted`` orders by code point: "Ёлкин" after "Яковлев", Latin before Cyrillic, "Ґ"
after "я". A reader looks a name up in their alphabet's order, and that order depends on the
language: Ukrainian puts Ґ after Г, Є after Е and І, Ї after И; Kazakh puts Ә after А, Ғ after
Г, Қ after К, Ң after Н, Ө after О, Ұ then Ү after У, Һ after Х and І after Ы (not beside И,
as Ukrainian does). Those rules are CLDR's tailorings, which ICU implements: PyICU (built
against Debian's ``libicu-dev``) gives us ICU's collator for each language. The pure-Python
``pyuca`` has the root order only, which sorts Kazakh І, Ё, Ұ/Ү wrongly.

A collator is made per ``sort_key`` call and not shared: ICU collators are not thread-safe,
and making one takes microseconds (ICU caches the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import icu

#: CLDR's root order, for no language; a code ICU has no rules for gets it too (a good
#: order for most Latin names).
ROOT = "und"


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
    return lambda text: key(text or "")


def sorted_names(items: Iterable, *, language: str, names: Callable) -> list:
    """``items`` sorted by ``names(item)``, a tuple of texts compared one after another (family
    name, then given name), in ``language``'s order. Side effects: none."""
    key = sort_key(language)
    return sorted(items, key=lambda item: tuple(key(text) for text in names(item)))
