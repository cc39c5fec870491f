"""Retention task: an adapter for the daily schedule that anonymises what is due."""

from __future__ import annotations


def anonymise_due() -> int:
    """Anonymise registrations whose event's retention period is over (idempotent: an
    anonymised registration is skipped). Returns how many were anonymised."""
    from registration.services.lifecycle import anonymise_due as run

    return run()
