"""The registration room's models; every public name is importable from here.

Check-ins, messages and reports have their own rooms (``registration.checkin``,
``registration.messaging``, ``registration.reports``), which import this one, never the other
way round.
"""

from registration.models.audit import EventLogEntry
from registration.models.lifecycle import AcceptedThrough, PrivacyAcceptance
from registration.models.registrations import (
    EventRole,
    Registration,
    RegistrationStatus,
    StaffRole,
    StatusChange,
)

__all__ = [
    "AcceptedThrough",
    "EventLogEntry",
    "EventRole",
    "PrivacyAcceptance",
    "Registration",
    "RegistrationStatus",
    "StaffRole",
    "StatusChange",
]
