"""Badge batch task: an adapter kept for tasks queued before batches became jobs.

New batches are run by ``conference.jobs.job_run_task``; a task of this name still in the
queue after an upgrade runs its batch's job the same way (idempotent).
"""

from __future__ import annotations

from conference.jobs import job_run
from registration.checkin.models import BadgeBatch


def badge_batch_build(batch_id: int) -> str:
    """Run the job of one badge batch (a finished or held job is left alone)."""
    job_id = BadgeBatch.objects.filter(pk=batch_id).values_list("job_id", flat=True).first()
    return job_run(job_id=job_id) if job_id else "gone"
