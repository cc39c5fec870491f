"""Names sorted as a language sorts them (collation), for printed lists such as sign-in sheets.

The functions live in ``conference.l10n`` (cms sorts country and language names with them
too); this module keeps registration's imports where they were.
"""

from __future__ import annotations

from conference.l10n import ROOT, collator, sort_key, sorted_names, sorted_texts

__all__ = ["ROOT", "collator", "sort_key", "sorted_names", "sorted_texts"]
