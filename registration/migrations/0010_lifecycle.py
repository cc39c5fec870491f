"""Data export, deletion requests, retention: anonymisation marks and privacy acceptances."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registration", "0009_jobs")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="deletion_requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="deletion requested at"),
        ),
        migrations.AddField(
            model_name="registration",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, db_index=True, null=True, verbose_name="anonymised at"
            ),
        ),
        migrations.CreateModel(
            name="PrivacyAcceptance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.CharField(max_length=32, verbose_name="privacy notice version"),
                ),
                ("accepted_at", models.DateTimeField(verbose_name="accepted at")),
                (
                    "through",
                    models.CharField(
                        choices=[("form", "Registration form"), ("personal_page", "Personal page")],
                        max_length=16,
                        verbose_name="accepted through",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="privacy_acceptances",
                        to="registration.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "privacy notice acceptance",
                "verbose_name_plural": "privacy notice acceptances",
                "ordering": ["accepted_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration", "version"),
                        name="privacyacceptance_once_per_version",
                    )
                ],
            },
        ),
    ]
