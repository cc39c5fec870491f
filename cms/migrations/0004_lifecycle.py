"""Retention per event and the privacy notice page."""

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_cms_events"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventpage",
            name="retention_months",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=(
                    "Participants' personal data is anonymised this many months after the "
                    "event ends. Leave empty for the site's default."
                ),
                null=True,
                verbose_name="keep personal data for (months)",
            ),
        ),
        migrations.CreateModel(
            name="PrivacyPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "version",
                    models.CharField(
                        help_text=(
                            "Change it (e.g. 2026-02) when participants must accept the notice "
                            "again; keep it for corrections."
                        ),
                        max_length=32,
                        verbose_name="version",
                    ),
                ),
                ("summary", models.CharField(blank=True, max_length=300, verbose_name="summary")),
                ("body", wagtail.fields.RichTextField(verbose_name="body")),
            ],
            options={
                "verbose_name": "privacy notice",
                "verbose_name_plural": "privacy notices",
            },
            bases=("wagtailcore.page",),
        ),
    ]
