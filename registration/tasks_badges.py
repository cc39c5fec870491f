"""Badge batch task: an adapter that fetches by primary key and calls the service."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def badge_batch_build(batch_id: int) -> str:
    """Make a batch's PDF (idempotent: a finished batch is returned untouched).

    A failure that is not transient (bad data, a full disk) marks the batch failed with the
    reason, so the admin stops waiting; a retry by django-q2 starts it again from zero.
    """
    from registration.services.checkin import badge_batch_build as build
    from registration.services.checkin import badge_batch_fail

    try:
        batch = build(batch_id=batch_id)
    except Exception as exc:  # noqa: BLE001 — any failure must reach the admin as a sentence
        logger.exception("badge batch %s failed", batch_id)
        badge_batch_fail(batch_id=batch_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    return batch.status if batch else "gone"
