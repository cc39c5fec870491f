"""The reports room's models: surveys and their answers, recommendations, report exports."""

from registration.reports.models.reports import (
    ExportFormat,
    ExportStatus,
    Recommendation,
    ReportExport,
)
from registration.reports.models.surveys import (
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)

__all__ = [
    "Answer",
    "ExportFormat",
    "ExportStatus",
    "Question",
    "QuestionKind",
    "Recommendation",
    "ReportExport",
    "Survey",
    "SurveyResponse",
]
