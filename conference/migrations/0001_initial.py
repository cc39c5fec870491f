"""The Job model: long work in the worker with a lease, progress and a private file.

Also moves Wagtail's document files out of public media: the default storage keeps every name
outside ``PUBLIC_MEDIA_PREFIXES`` in ``PRIVATE_MEDIA_ROOT`` from now on (``conference.storage``).
"""

import shutil
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import conference.models
import conference.storage


def move_documents(apps, schema_editor):
    """MEDIA_ROOT/documents/* → PRIVATE_MEDIA_ROOT/documents/* (a file already there stays)."""
    source = Path(settings.MEDIA_ROOT) / "documents"
    if not source.is_dir():
        return
    target = Path(settings.PRIVATE_MEDIA_ROOT) / "documents"
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.exists():
                shutil.move(str(path), destination)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=50, verbose_name="kind")),
                (
                    "params",
                    models.JSONField(blank=True, default=dict, verbose_name="parameters"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting"),
                            ("running", "In progress"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                ),
                (
                    "lease_token",
                    models.CharField(blank=True, max_length=32, verbose_name="lease token"),
                ),
                (
                    "lease_until",
                    models.DateTimeField(blank=True, null=True, verbose_name="lease until"),
                ),
                (
                    "heartbeat_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last heartbeat"),
                ),
                (
                    "queued_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
                ),
                ("progress", models.PositiveIntegerField(default=0, verbose_name="progress")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        storage=conference.storage.private_storage,
                        upload_to=conference.models.job_file_path,
                        verbose_name="file",
                    ),
                ),
                (
                    "filename",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("started", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                (
                    "finished",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "job",
                "verbose_name_plural": "jobs",
                "ordering": ["-created", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "lease_until"], name="job_status_lease")
                ],
            },
        ),
        migrations.RunPython(move_documents, migrations.RunPython.noop),
    ]
