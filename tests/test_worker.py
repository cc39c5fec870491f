"""A task makes a round trip through a real django-q2 cluster process (ORM or Redis broker)."""

import pytest
from django.conf import settings
from django_q.models import Success
from django_q.tasks import async_task

from tests.worker import running_cluster, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_round_trip_through_real_cluster():
    broker = "redis" if settings.REDIS_URL else "orm"
    task_id = async_task("conference.tasks.ping", f"hello-{broker}")
    with running_cluster():
        # Generous: a busy machine starts the cluster slowly; a pass returns at once.
        success = wait_until(lambda: Success.objects.filter(id=task_id).first(), timeout=180)
    assert success.result == f"pong:hello-{broker}"
    assert success.func == "conference.tasks.ping"


def test_enqueue_after_commit_does_not_enqueue_on_rollback(django_capture_on_commit_callbacks):
    from django.db import transaction

    from conference.tasks import enqueue_after_commit

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                enqueue_after_commit("conference.tasks.ping", "never")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
