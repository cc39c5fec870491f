"""Fan-out work that survives a dead worker: progress and completion of each fan-out."""

from django.db import migrations, models
from django.db.models import F


def finished_before(apps, schema_editor):
    """Notes queued before this change count as fanned out: the sweep must not send an old
    note to people who registered since."""
    OrganiserMessage = apps.get_model("registration", "OrganiserMessage")  # noqa: N806
    OrganiserMessage.objects.filter(queued_at__isnull=False).update(fanned_out_at=F("queued_at"))


class Migration(migrations.Migration):
    dependencies = [("registration", "0010_lifecycle")]

    operations = [
        migrations.AddField(
            model_name="eventcalendar",
            name="fan_out_progress_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="fan-out progress at"
            ),
        ),
        migrations.AddField(
            model_name="organisermessage",
            name="fanned_out_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="all e-mails queued at"
            ),
        ),
        migrations.AddField(
            model_name="organisermessage",
            name="fan_out_progress_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="fan-out progress at"
            ),
        ),
        migrations.RunPython(finished_before, migrations.RunPython.noop),
    ]
