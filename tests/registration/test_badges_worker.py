"""A badge batch made by a real django-q2 cluster: the admin's progress JSON reaches 100 %."""

import pypdfium2
import pytest
from django.urls import reverse

from conference import test_settings
from registration.models import BadgeBatch
from tests.factories import RegistrationFactory
from tests.registration.checkin_factories import event_today, staff_create
from tests.worker import running_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_badge_batch_made_by_worker_and_downloaded(client, settings):
    # The worker process writes into the test settings' media folder: read from there too.
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT  # where the worker process writes
    event = event_today()
    manager = staff_create(event, "registration_manager")
    RegistrationFactory.create_batch(6, event=event)
    client.force_login(manager)

    response = client.post(reverse("checkin_badges", args=[event.pk]), {"layout": "a4"})
    assert response.status_code == 302
    batch = BadgeBatch.objects.get()
    with running_cluster():
        wait_until(
            lambda: client.get(reverse("checkin_badge_progress", args=[batch.pk])).json()[
                "finished"
            ],
            timeout=120,
        )

    progress = client.get(reverse("checkin_badge_progress", args=[batch.pk])).json()
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
