"""The reports room takes over its models from the registration app.

The tables stay where they are (``db_table`` keeps their names): this migration changes only
Django's idea of which app owns them, then moves their content types, so that Wagtail's log
entries and the permissions granted on them follow the models instead of pointing at nothing.
On a new database the registration app's own migrations made the tables before this one runs.
"""

import conference.models
import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


MODELS = ["recommendation", "reportexport", "survey", "question", "surveyresponse", "answer"]


def _move(apps, from_label: str, to_label: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=to_label, model=model).exists():
            continue  # made by an earlier run: nothing to move
        content_type.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_forward(apps, schema_editor) -> None:
    _move(apps, "registration", "reports")


def content_types_backward(apps, schema_editor) -> None:
    _move(apps, "reports", "registration")


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
                    name="Recommendation",
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
                        ("text", models.TextField(verbose_name="recommendation")),
                        ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                        (
                            "created",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="author",
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recommendations",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="recommendations",
                                to="cms.session",
                                verbose_name="session",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "recommendation",
                        "verbose_name_plural": "recommendations",
                        "db_table": "registration_recommendation",
                        "ordering": ["order", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ReportExport",
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
                            "format",
                            models.CharField(
                                choices=[
                                    ("docx", "Word document (DOCX)"),
                                    ("xlsx", "Data annex (XLSX)"),
                                    ("pdf", "PDF"),
                                ],
                                max_length=8,
                                verbose_name="format",
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                choices=[
                                    ("en", "English"),
                                    ("ru", "Русский"),
                                    ("uk", "Українська"),
                                ],
                                max_length=8,
                                verbose_name="language",
                            ),
                        ),
                        (
                            "created",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="report_exports",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                        (
                            "job",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="report_export",
                                to="conference.job",
                                verbose_name="job",
                            ),
                        ),
                        (
                            "requested_by",
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
                        "verbose_name": "report export",
                        "verbose_name_plural": "report exports",
                        "db_table": "registration_reportexport",
                        "ordering": ["-created", "-pk"],
                    },
                    bases=(conference.models.JobBacked, models.Model),
                ),
                migrations.CreateModel(
                    name="Survey",
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
                            "title_en",
                            models.CharField(max_length=200, verbose_name="title (English)"),
                        ),
                        (
                            "title_ru",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="title (Russian)"
                            ),
                        ),
                        (
                            "title_uk",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="title (Ukrainian)"
                            ),
                        ),
                        (
                            "intro_en",
                            models.TextField(blank=True, verbose_name="introduction (English)"),
                        ),
                        (
                            "intro_ru",
                            models.TextField(blank=True, verbose_name="introduction (Russian)"),
                        ),
                        (
                            "intro_uk",
                            models.TextField(blank=True, verbose_name="introduction (Ukrainian)"),
                        ),
                        (
                            "anonymous",
                            models.BooleanField(
                                default=True,
                                help_text="The report and its exports never show who gave which answer.",
                                verbose_name="anonymous",
                            ),
                        ),
                        (
                            "is_open",
                            models.BooleanField(default=True, verbose_name="open for answers"),
                        ),
                        (
                            "closes_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="closes at"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "event",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="survey",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "survey",
                        "verbose_name_plural": "surveys",
                        "db_table": "registration_survey",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Question",
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
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("likert", "Scale from 1 to 5"),
                                    ("single", "One choice"),
                                    ("multiple", "Several choices"),
                                    ("text", "Open answer"),
                                ],
                                default="likert",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "text_en",
                            models.CharField(max_length=300, verbose_name="question (English)"),
                        ),
                        (
                            "text_ru",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="question (Russian)"
                            ),
                        ),
                        (
                            "text_uk",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="question (Ukrainian)"
                            ),
                        ),
                        (
                            "choices_en",
                            models.TextField(
                                blank=True,
                                help_text="One choice per line.",
                                verbose_name="choices (English)",
                            ),
                        ),
                        (
                            "choices_ru",
                            models.TextField(
                                blank=True,
                                help_text="Same order as in English.",
                                verbose_name="choices (Russian)",
                            ),
                        ),
                        (
                            "choices_uk",
                            models.TextField(
                                blank=True,
                                help_text="Same order as in English.",
                                verbose_name="choices (Ukrainian)",
                            ),
                        ),
                        (
                            "required",
                            models.BooleanField(default=False, verbose_name="answer required"),
                        ),
                        (
                            "phase",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("", "Not paired"),
                                    ("pre", "Before the training (self-assessment)"),
                                    ("post", "After the training (self-assessment)"),
                                ],
                                default="",
                                max_length=4,
                                verbose_name="self-assessment",
                            ),
                        ),
                        (
                            "pair",
                            models.SlugField(
                                blank=True,
                                help_text="Give a 'before' and an 'after' scale question the same short name (e.g. 'knowledge') to show the change in the report.",
                                max_length=40,
                                verbose_name="pair",
                            ),
                        ),
                        (
                            "survey",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="questions",
                                to="reports.survey",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "question",
                        "verbose_name_plural": "questions",
                        "db_table": "registration_question",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="SurveyResponse",
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
                            "language",
                            models.CharField(
                                choices=[
                                    ("en", "English"),
                                    ("ru", "Русский"),
                                    ("uk", "Українська"),
                                ],
                                max_length=8,
                                verbose_name="language",
                            ),
                        ),
                        (
                            "submitted_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="submitted at"
                            ),
                        ),
                        (
                            "registration",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="survey_responses",
                                to="registration.registration",
                                verbose_name="registration",
                            ),
                        ),
                        (
                            "survey",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="responses",
                                to="reports.survey",
                                verbose_name="survey",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "survey response",
                        "verbose_name_plural": "survey responses",
                        "db_table": "registration_surveyresponse",
                        "ordering": ["submitted_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Answer",
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
                            "value",
                            models.SmallIntegerField(blank=True, null=True, verbose_name="value"),
                        ),
                        ("text", models.TextField(blank=True, verbose_name="text")),
                        (
                            "question",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="answers",
                                to="reports.question",
                                verbose_name="question",
                            ),
                        ),
                        (
                            "response",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="answers",
                                to="reports.surveyresponse",
                                verbose_name="response",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "answer",
                        "verbose_name_plural": "answers",
                        "db_table": "registration_answer",
                    },
                ),
                migrations.AddConstraint(
                    model_name="surveyresponse",
                    constraint=models.UniqueConstraint(
                        fields=("survey", "registration"),
                        name="surveyresponse_once_per_participant",
                    ),
                ),
                migrations.AddIndex(
                    model_name="answer",
                    index=models.Index(
                        fields=["question", "value"], name="registratio_questio_cb171e_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="answer",
                    constraint=models.UniqueConstraint(
                        fields=("response", "question", "value"), name="answer_unique_value"
                    ),
                ),
            ]
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
