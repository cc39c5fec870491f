"""Rules shared by the registration forms (participant and staff side)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_printable(value: str) -> None:
    """Text typed by a person: no control characters (they break badges, e-mails, exports)."""
    if any(
        ch not in "\n\r\t" and unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}
        for ch in value or ""
    ):
        raise ValidationError(
            _("Remove the invisible or control characters from this text."), code="control"
        )


def validate_has_letters(value: str) -> None:
    """A name (a person's, or the one on a badge) has at least one letter."""
    if not any(ch.isalpha() for ch in value):
        raise ValidationError(_("A name must contain letters."), code="no_letters")


def validate_person_name(value: str) -> None:
    """A name has at least one letter and no digits or symbols beyond . ' ’ - and spaces."""
    validate_printable(value)
    validate_has_letters(value)
    allowed = {" ", "-", "'", "’", ".", "‐"}
    if any(not (ch.isalpha() or ch in allowed or unicodedata.category(ch) == "Mn") for ch in value):
        raise ValidationError(
            _("Use only letters, spaces, hyphens, apostrophes and full stops in a name."),
            code="symbols",
        )
