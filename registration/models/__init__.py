"""Registration models, one module per area; every public name is importable from here."""

from registration.models.audit import EventLogEntry
from registration.models.checkin import BadgeBatch, BadgeBatchStatus, BadgeLayout, CheckIn
from registration.models.lifecycle import AcceptedThrough, PrivacyAcceptance
from registration.models.messages import (
    CalendarInvite,
    EventCalendar,
    Message,
    MessageStatus,
    OrganiserMessage,
    OutboxWakeUp,
)
from registration.models.registrations import (
    EventRole,
    Registration,
    RegistrationStatus,
    StaffRole,
    StatusChange,
)
from registration.models.reports import ExportFormat, ExportStatus, Recommendation, ReportExport
from registration.models.surveys import Answer, Question, QuestionKind, Survey, SurveyResponse

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
    "BadgeBatch",
    "BadgeBatchStatus",
    "BadgeLayout",
    "CheckIn",
    "EventLogEntry",
    "EventRole",
    "CalendarInvite",
    "EventCalendar",
    "Message",
    "MessageStatus",
    "OrganiserMessage",
    "OutboxWakeUp",
    "AcceptedThrough",
    "PrivacyAcceptance",
    "Registration",
    "RegistrationStatus",
    "StaffRole",
    "StatusChange",
]
