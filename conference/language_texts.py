"""A text in every language of ``settings.LANGUAGES``, stored as one JSON map ``{code: text}``.

For interface-like content one person edits in one admin form (a survey's title, a question
and its choices, an organiser's message): one input per language, generated from
``settings.LANGUAGES`` when the form is built and read back when it is posted, so a language
added to settings gets its input with no migration and no code. The map's keys are language
codes; a language left empty is not stored, and readers fall back to the default language.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from conference.languages import language_choices, language_codes


def text_in(texts: Mapping[str, str] | None, language: str | None) -> str:
    """``texts[language]``, or the default language's text when that one is empty."""
    texts = texts or {}
    return (language and texts.get(language)) or texts.get(settings.LANGUAGE_CODE, "")


class LanguageTextsWidget(forms.Widget):
    """One input per language of ``settings.LANGUAGES`` (``<name>_<code>``), each labelled
    with the language's own name and marked with its ``lang``."""

    def __init__(self, *, multiline: bool = False, attrs=None) -> None:
        super().__init__(attrs)
        self.multiline = multiline

    def _input(self, code: str) -> forms.Widget:
        return forms.Textarea(attrs={"rows": 3}) if self.multiline else forms.TextInput()

    def render(self, name, value, attrs=None, renderer=None):
        value = value if isinstance(value, Mapping) else {}
        base_id = (attrs or {}).get("id") or f"id_{name}"
        rows = []
        for code, label in language_choices():
            input_id = f"{base_id}_{code}"
            html = self._input(code).render(
                f"{name}_{code}",
                value.get(code, ""),
                attrs={"id": input_id, "lang": code, "dir": "auto"},
                renderer=renderer,
            )
            rows.append((input_id, code, label, html))
        return format_html(
            '<div class="language-texts">{}</div>',
            format_html_join(
                "",
                '<p class="language-texts__row"><label for="{}" lang="{}">{}</label> {}</p>',
                rows,
            ),
        )

    def id_for_label(self, id_):
        return f"{id_}_{language_codes()[0]}" if id_ else id_

    def value_from_datadict(self, data, files, name):
        return {code: data.get(f"{name}_{code}", "") for code in language_codes()}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{code}" in data for code in language_codes())


class LanguageTextsFormField(forms.Field):
    """``{code: text}`` from one input per language; ``required`` means the default
    language's text is required (the others fall back to it)."""

    widget = LanguageTextsWidget
    default_error_messages = {
        "required": _("Write it at least in the default language."),
        "max_length": _("At most %(limit)s characters in each language."),
    }

    def __init__(self, *, max_length: int | None = None, multiline: bool = False, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("widget", LanguageTextsWidget(multiline=multiline))
        for name in ("encoder", "decoder"):
            kwargs.pop(name, None)
        super().__init__(**kwargs)

    def to_python(self, value) -> dict[str, str]:
        if not isinstance(value, Mapping):
            return {}
        return {
            code: str(text).strip()
            for code, text in value.items()
            if code in language_codes() and str(text or "").strip()
        }

    def validate(self, value: dict[str, str]) -> None:
        if self.required and not value.get(settings.LANGUAGE_CODE):
            raise ValidationError(self.error_messages["required"], code="required")
        if self.max_length and any(len(text) > self.max_length for text in value.values()):
            raise ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"limit": self.max_length},
            )

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)


class LanguageTextsField(models.JSONField):
    """A model field holding ``{code: text}``; its form field has one input per language.

    ``blank=False`` requires the default language's text. ``text_max_length`` limits each
    language's text; ``multiline`` makes the inputs text areas.
    """

    def __init__(
        self, *args, text_max_length: int | None = None, multiline: bool = False, **kwargs
    ):
        self.text_max_length = text_max_length
        self.multiline = multiline
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.text_max_length is not None:
            kwargs["text_max_length"] = self.text_max_length
        if self.multiline:
            kwargs["multiline"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {
            "form_class": LanguageTextsFormField,
            "max_length": self.text_max_length,
            "multiline": self.multiline,
            "required": not self.blank,
            "show_hidden_initial": False,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
