"""What the reports room does when the registration room announces something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from registration.models import Registration
from registration.reports.models import Answer, SurveyResponse
from registration.signals import personal_data_erasing, personal_data_requested


def _choice(answer: Answer, language: str) -> str:
    """The option text of a choice answer (a scale value or a text answer has none)."""
    question = answer.question
    if answer.value is None or not question.has_choices:
        return ""
    options = question.choices(language)
    return options[answer.value] if 0 <= answer.value < len(options) else ""


@receiver(personal_data_requested, dispatch_uid="reports.personal_data")
def personal_data(sender, *, registration: Registration, **kwargs) -> dict[str, Any]:
    """The participant's survey answers, in their language."""
    language = registration.language
    return {
        "survey_answers": [
            {
                "survey": str(row.response.survey),
                "anonymous_survey": row.response.survey.anonymous,
                "question": row.question.text(language),
                "value": row.value,
                "choice": _choice(row, language),
                "text": row.text,
                "submitted_at": row.response.submitted_at.isoformat()
                if row.response.submitted_at
                else None,
            }
            for row in Answer.objects.filter(response__registration=registration)
            .select_related("response__survey", "question")
            .order_by("response__submitted_at", "question__sort_order", "pk")
        ]
    }


@receiver(personal_data_erasing, dispatch_uid="reports.erase")
def erase(sender, *, registration: Registration, **kwargs) -> dict[type, list[int]]:
    """Open answers to surveys that were not anonymous are blanked; scores stay (the report
    counts them)."""
    Answer.objects.filter(
        response__registration=registration, response__survey__anonymous=False
    ).exclude(text="").update(text="")
    return {
        SurveyResponse: list(
            SurveyResponse.objects.filter(registration=registration).values_list("pk", flat=True)
        )
    }
