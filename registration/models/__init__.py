"""Registration models, one module per area; every public name is importable from here."""

from registration.models.checkin import CheckIn
from registration.models.messages import Message, MessageStatus
from registration.models.registrations import (
    EventRole,
    Registration,
    RegistrationStatus,
    StaffRole,
    StatusChange,
)

__all__ = [
    "CheckIn",
    "EventRole",
    "Message",
    "MessageStatus",
    "Registration",
    "RegistrationStatus",
    "StaffRole",
    "StatusChange",
]
