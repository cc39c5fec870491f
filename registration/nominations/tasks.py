"""Worker tasks of the nominations room: adapters that fetch by id and call a service."""

from __future__ import annotations

from registration.models import Registration
from registration.nominations.models import VisaLetter
from registration.nominations.services.visa import VisaError, visa_letter_issue


def visa_letter_issue_task(registration_id: int) -> str:
    """Issue the registration's visa letter once (a retried task finds it issued)."""
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None:
        return "gone"
    if VisaLetter.objects.filter(registration=registration).exists():
        return "issued already"
    try:
        visa_letter_issue(registration=registration)
    except VisaError as exc:
        return exc.code
    return "issued"


def focal_reminders_task() -> str:
    """The schedule's entry: remind focal points with places left before their deadline
    (each once per deadline: a rerun or a retry queues nothing)."""
    # Imported here, not at the top: this block is appended to a module another helper owns,
    # and keeps its own imports in one place.
    from registration.nominations.services.reminders import focal_reminders_queue

    return f"{focal_reminders_queue()} reminders queued"
