"""Follow-up surveys: one survey per event, questions in every interface language, one response
per participant.

Each text is one JSON map ``{language: text}`` (``title_i18n``, ``text_i18n`` ...; see
``conference.language_texts``) because a survey is interface-like content edited in one admin
form by one person: the form has one input per language of ``settings.LANGUAGES``, and a
language added there needs no migration. An empty translation falls back to English.
Choice answers are stored as the option's index (``value``), so answers given in different
languages count together; a multiple-choice answer is one row per option ticked, so every
distribution is one ``GROUP BY`` in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from conference.language_texts import LanguageTextsField, text_in
from conference.languages import language_choices

LIKERT_MIN, LIKERT_MAX = 1, 5


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def localised(obj: models.Model, field: str, language: str | None = None) -> str:
    """``obj.<field>_i18n[language]``, falling back to English when that one is empty."""
    return text_in(getattr(obj, f"{field}_i18n"), _language(language))


class Survey(ClusterableModel):
    """The follow-up survey of one event (its source-language page)."""

    event = models.OneToOneField(
        "cms.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="survey"
    )
    title_i18n = LanguageTextsField(_("title"), text_max_length=200)
    intro_i18n = LanguageTextsField(_("introduction"), blank=True, multiline=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("The report and its exports never show who gave which answer."),
    )
    is_open = models.BooleanField(_("open for answers"), default=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("event"),
        FieldPanel("title_i18n"),
        FieldPanel("intro_i18n"),
        FieldRowPanel([FieldPanel("anonymous"), FieldPanel("is_open"), FieldPanel("closes_at")]),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
    ]

    class Meta:
        db_table = "registration_survey"  # its name from before the move
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title(settings.LANGUAGE_CODE)

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)

    def intro(self, language: str | None = None) -> str:
        return localised(self, "intro", language)

    @property
    def accepting(self) -> bool:
        return self.is_open and (self.closes_at is None or self.closes_at > timezone.now())


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Scale from 1 to 5")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Open answer")


class Phase(models.TextChoices):
    NONE = "", _("Not paired")
    PRE = "pre", _("Before the training (self-assessment)")
    POST = "post", _("After the training (self-assessment)")


class Question(Orderable):
    """One question; choices are one per line, in the same order in every language."""

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.LIKERT
    )
    text_i18n = LanguageTextsField(_("question"), text_max_length=300)
    choices_i18n = LanguageTextsField(
        _("choices"),
        blank=True,
        multiline=True,
        help_text=_("One choice per line, in the same order in every language."),
    )
    required = models.BooleanField(_("answer required"), default=False)
    phase = models.CharField(
        _("self-assessment"), max_length=4, choices=Phase.choices, blank=True, default=""
    )
    pair = models.SlugField(
        _("pair"),
        max_length=40,
        blank=True,
        help_text=_(
            "Give a 'before' and an 'after' scale question the same short name (e.g. "
            "'knowledge') to show the change in the report."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("text_i18n"),
        FieldPanel("choices_i18n"),
        FieldRowPanel([FieldPanel("phase"), FieldPanel("pair")]),
    ]

    class Meta(Orderable.Meta):
        db_table = "registration_question"  # its name from before the move
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text(settings.LANGUAGE_CODE)

    def text(self, language: str | None = None) -> str:
        return localised(self, "text", language)

    def choices(self, language: str | None = None) -> list[str]:
        """The options in ``language`` (English where a translation is missing)."""
        texts = self.choices_i18n or {}
        english = _lines(texts.get(settings.LANGUAGE_CODE, ""))
        other = _lines(texts.get(_language(language), ""))
        return [other[i] if i < len(other) and other[i] else en for i, en in enumerate(english)]

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        texts = self.choices_i18n or {}
        english = _lines(texts.get(settings.LANGUAGE_CODE, ""))
        if self.has_choices and len(english) < 2:
            errors.setdefault("choices_i18n", []).append(
                _("Give at least two choices, one per line.")
            )
        for code, name in language_choices():
            lines = _lines(texts.get(code, ""))
            if self.has_choices and lines and len(lines) != len(english):
                errors.setdefault("choices_i18n", []).append(
                    _(
                        "%(language)s: give as many choices as in English (%(count)s), "
                        "in the same order."
                    )
                    % {"language": name, "count": len(english)}
                )
        if self.phase and self.kind != QuestionKind.LIKERT:
            errors["phase"] = _("Only a scale question can be a self-assessment.")
        if self.phase and not self.pair:
            errors["pair"] = _("Name the pair so the 'before' and 'after' questions match.")
        if errors:
            raise ValidationError(errors)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One participant's answers to one survey; a second submission is refused."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        db_table = "registration_surveyresponse"  # its name from before the move
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="surveyresponse_once_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} ← {self.registration_id}"


class Answer(models.Model):
    """One answer: a scale value, an option index (one row per option ticked), or a text."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        db_table = "registration_answer"  # its name from before the move
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "value"], name="answer_unique_value"
            )
        ]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value if self.value is not None else self.text[:40]}"
