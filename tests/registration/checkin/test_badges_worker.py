"""Badge batches made by a real django-q2 cluster: the admin's progress JSON reaches 100 %,
and a batch whose cluster is SIGKILLed mid-way is taken up again and finishes once."""

from pathlib import Path

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from conference import test_settings
from conference.jobs import job_sweep
from conference.models import Job
from registration.checkin.models import BadgeBatch
from registration.checkin.services import badge_batch_create
from tests.factories import RegistrationFactory
from tests.registration.checkin.checkin_factories import event_today, staff_create
from tests.worker import running_cluster, start_cluster, stop_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_badge_batch_made_by_worker_and_downloaded(client, settings):
    # The worker process writes into the test settings' media folder: read from there too.
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT  # where the worker process writes
    settings.PRIVATE_MEDIA_ROOT = test_settings.PRIVATE_MEDIA_ROOT
    event = event_today()
    manager = staff_create(event, "registration_manager")
    RegistrationFactory.create_batch(6, event=event)
    client.force_login(manager)

    response = client.post(reverse("checkin_admin:badges", args=[event.pk]), {"layout": "a4"})
    assert response.status_code == 302
    batch = BadgeBatch.objects.get()
    with running_cluster():
        wait_until(
            lambda: client.get(reverse("checkin_admin:badge_progress", args=[batch.pk])).json()[
                "finished"
            ],
            timeout=120,
        )

    progress = client.get(reverse("checkin_admin:badge_progress", args=[batch.pk])).json()
    assert (progress["status"], progress["done"], progress["total"], progress["percent"]) == (
        "done",
        6,
        6,
        100,
    )
    download = client.get(progress["download_url"])
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert len(pypdfium2.PdfDocument(pdf)) == 2  # six badges, four to a sheet


def test_badge_batch_of_a_killed_worker_is_taken_up_again_and_finishes_once(settings):
    """SIGKILL the cluster while it makes badges: the job stays running with a lease that
    runs out; the sweep queues it again, a new cluster finishes it, with one file."""
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    settings.PRIVATE_MEDIA_ROOT = test_settings.PRIVATE_MEDIA_ROOT
    settings.JOBS_LEASE_SECONDS = 5
    event = event_today()
    RegistrationFactory.create_batch(200, event=event)
    batch = badge_batch_create(event=event, by=None, layout="a6")  # queued (autocommit)
    job = Job.objects.filter(pk=batch.job_id)

    first = start_cluster(JOBS_LEASE_SECONDS="5")
    try:
        wait_until(lambda: job.filter(status="running", progress__gt=0).exists(), timeout=120)
    finally:
        stop_cluster(first, kill=True)
    killed = job.get()
    assert (killed.status, killed.attempts) == ("running", 1)
    assert killed.progress < killed.total == 200

    wait_until(lambda: job.get().lease_until < timezone.now(), timeout=30)
    assert job_sweep() == 1
    with running_cluster(JOBS_LEASE_SECONDS="5"):
        wait_until(lambda: job.filter(status="done").exists(), timeout=300)

    done = job.get()
    assert (done.status, done.attempts, done.progress, done.error) == ("done", 2, 200, "")
    private = Path(test_settings.PRIVATE_MEDIA_ROOT)
    assert (private / done.file.name).is_file()
    with done.file.open("rb") as handle:
        assert len(pypdfium2.PdfDocument(handle.read())) == 200
