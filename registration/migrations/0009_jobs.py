"""Badge batches and report exports become jobs with a lease (``conference.Job``).

Each existing batch and export gets a job carrying its status, progress, error and file; the
file moves from public media (``MEDIA_ROOT/badges/``, ``MEDIA_ROOT/reports/``) into private
storage under a random name. Then the old columns go.
"""

import secrets
from pathlib import Path, PurePosixPath

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATUS = {"pending": "pending", "running": "running", "done": "done", "failed": "failed"}


def _move_to_private(old_name: str) -> str:
    """Move a file from MEDIA_ROOT into private storage; returns its new name ('' if gone)."""
    from django.core.files import File
    from django.core.files.storage import storages

    if not old_name:
        return ""
    source = Path(settings.MEDIA_ROOT) / old_name
    if not source.is_file():
        return ""
    suffix = PurePosixPath(old_name).suffix.lower()[:10]
    with source.open("rb") as handle:
        name = storages["private"].save(f"jobs/{secrets.token_urlsafe(24)}{suffix}", File(handle))
    source.unlink()
    return name


def forwards(apps, schema_editor):
    Job = apps.get_model("conference", "Job")
    BadgeBatch = apps.get_model("registration", "BadgeBatch")
    ReportExport = apps.get_model("registration", "ReportExport")
    for batch in BadgeBatch.objects.all().iterator():
        job = Job.objects.create(
            kind="badge_batch",
            params={"batch": batch.pk},
            status=STATUS.get(batch.status, "failed"),
            attempts=1 if batch.status != "pending" else 0,
            progress=batch.done,
            total=batch.total,
            file=_move_to_private(batch.file.name if batch.file else ""),
            filename=PurePosixPath(batch.file.name).name if batch.file else "",
            error=batch.error,
            owner_id=batch.created_by_id,
            finished=batch.finished_at,
        )
        Job.objects.filter(pk=job.pk).update(created=batch.created_at)
        BadgeBatch.objects.filter(pk=batch.pk).update(job=job)
    for export in ReportExport.objects.all().iterator():
        job = Job.objects.create(
            kind="report_export",
            params={"export": export.pk},
            status=STATUS.get(export.status, "failed"),
            attempts=1 if export.status != "pending" else 0,
            progress=export.progress,
            total=100,
            file=_move_to_private(export.file.name if export.file else ""),
            filename=PurePosixPath(export.file.name).name if export.file else "",
            error=export.error,
            owner_id=export.requested_by_id,
            finished=export.finished,
        )
        Job.objects.filter(pk=job.pk).update(created=export.created)
        ReportExport.objects.filter(pk=export.pk).update(job=job)
    if schema_editor.connection.vendor == "postgresql":
        # The NOT NULL change below would meet the deferred foreign-key checks of these rows.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0008_access_scope"),
        ("conference", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="badgebatch",
            name="job",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="badge_batch",
                to="conference.job",
                verbose_name="job",
            ),
        ),
        migrations.AddField(
            model_name="reportexport",
            name="job",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_export",
                to="conference.job",
                verbose_name="job",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="badgebatch", name="done"),
        migrations.RemoveField(model_name="badgebatch", name="error"),
        migrations.RemoveField(model_name="badgebatch", name="file"),
        migrations.RemoveField(model_name="badgebatch", name="finished_at"),
        migrations.RemoveField(model_name="badgebatch", name="status"),
        migrations.RemoveField(model_name="badgebatch", name="total"),
        migrations.RemoveField(model_name="reportexport", name="error"),
        migrations.RemoveField(model_name="reportexport", name="file"),
        migrations.RemoveField(model_name="reportexport", name="finished"),
        migrations.RemoveField(model_name="reportexport", name="progress"),
        migrations.RemoveField(model_name="reportexport", name="status"),
        migrations.AlterField(
            model_name="badgebatch",
            name="job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="badge_batch",
                to="conference.job",
                verbose_name="job",
            ),
        ),
        migrations.AlterField(
            model_name="reportexport",
            name="job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_export",
                to="conference.job",
                verbose_name="job",
            ),
        ),
    ]
