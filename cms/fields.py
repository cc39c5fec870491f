"""A list of language codes stored as JSON, edited as checkboxes (SQLite and PostgreSQL)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

#: Languages an event can be held or interpreted in. Wider than the interface languages:
#: a Central Asian conference may offer Kazakh or Uzbek interpretation.
EVENT_LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("kk", "Қазақ тілі"),
    ("ky", "Кыргызча"),
    ("uz", "Oʻzbekcha"),
    ("tg", "Тоҷикӣ"),
    ("tk", "Türkmençe"),
    ("fr", "Français"),
    ("de", "Deutsch"),
]
LANGUAGE_NAMES = dict(EVENT_LANGUAGES)


def language_name(code: str) -> str:
    """The language's own name (endonym), as a participant would look for it."""
    return LANGUAGE_NAMES.get(code, dict(settings.LANGUAGES).get(code, code))


class LanguageListField(models.JSONField):
    """A list of language codes from ``EVENT_LANGUAGES``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=EVENT_LANGUAGES,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name.capitalize() if self.verbose_name else None,
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [code for code in value or [] if code not in LANGUAGE_NAMES]
        if unknown:
            raise ValidationError(
                _("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
