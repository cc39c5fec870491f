"""The checkin room takes over its models from the registration app.

The tables stay where they are (``db_table`` keeps their names): this migration changes only
Django's idea of which app owns them, then moves their content types, so that Wagtail's log
entries and the permissions granted on them follow the models instead of pointing at nothing.
On a new database the registration app's own migrations made the tables before this one runs.
"""

import conference.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["badgebatch", "checkin"]


def _move(apps, from_label: str, to_label: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=to_label, model=model).exists():
            continue  # made by an earlier run: nothing to move
        content_type.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_forward(apps, schema_editor) -> None:
    _move(apps, "registration", "checkin")


def content_types_backward(apps, schema_editor) -> None:
    _move(apps, "checkin", "registration")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cms", "0004_lifecycle"),
        ("conference", "0001_initial"),
        ("registration", "0012_registration_role_observer"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BadgeBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="requested at"),
                        ),
                        (
                            "layout",
                            models.CharField(
                                choices=[
                                    ("a6", "A6, one badge per page"),
                                    ("a4", "A4, four badges per sheet"),
                                ],
                                default="a4",
                                max_length=4,
                                verbose_name="layout",
                            ),
                        ),
                        (
                            "filters",
                            models.JSONField(blank=True, default=dict, verbose_name="filters"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="requested by",
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="badge_batches",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                        (
                            "job",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="badge_batch",
                                to="conference.job",
                                verbose_name="job",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "badge batch",
                        "verbose_name_plural": "badge batches",
                        "db_table": "registration_badgebatch",
                        "ordering": ["-created_at", "-pk"],
                    },
                    bases=(conference.models.JobBacked, models.Model),
                ),
                migrations.CreateModel(
                    name="CheckIn",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(verbose_name="day")),
                        ("at", models.DateTimeField(verbose_name="checked in at")),
                        (
                            "nonce",
                            models.CharField(max_length=64, unique=True, verbose_name="scan nonce"),
                        ),
                        (
                            "device",
                            models.CharField(blank=True, max_length=100, verbose_name="device"),
                        ),
                        (
                            "by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="by",
                            ),
                        ),
                        (
                            "registration",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="checkins",
                                to="registration.registration",
                                verbose_name="registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "check-in",
                        "verbose_name_plural": "check-ins",
                        "db_table": "registration_checkin",
                        "ordering": ["day", "at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("registration", "day"), name="checkin_once_per_day"
                            )
                        ],
                    },
                ),
            ]
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
