"""The messaging room takes over its models from the registration app.

The tables stay where they are (``db_table`` keeps their names): this migration changes only
Django's idea of which app owns them, then moves their content types, so that Wagtail's log
entries and the permissions granted on them follow the models instead of pointing at nothing.
On a new database the registration app's own migrations made the tables before this one runs.
"""

import django.db.models.deletion
import registration.messaging.models
from django.conf import settings
from django.db import migrations, models


MODELS = ["outboxwakeup", "calendarinvite", "eventcalendar", "organisermessage", "message"]


def _move(apps, from_label: str, to_label: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=to_label, model=model).exists():
            continue  # made by an earlier run: nothing to move
        content_type.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_forward(apps, schema_editor) -> None:
    _move(apps, "registration", "messaging")


def content_types_backward(apps, schema_editor) -> None:
    _move(apps, "messaging", "registration")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cms", "0004_lifecycle"),
        ("registration", "0012_registration_role_observer"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxWakeUp",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, primary_key=True, serialize=False
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "outbox wake-up",
                        "db_table": "registration_outboxwakeup",
                    },
                ),
                migrations.CreateModel(
                    name="CalendarInvite",
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
                            "uid",
                            models.CharField(
                                default=registration.messaging.models.new_uid,
                                max_length=64,
                                unique=True,
                                verbose_name="UID",
                            ),
                        ),
                        (
                            "bumps",
                            models.PositiveIntegerField(default=0, verbose_name="own changes"),
                        ),
                        (
                            "last_method",
                            models.CharField(blank=True, max_length=10, verbose_name="last method"),
                        ),
                        (
                            "last_sequence",
                            models.PositiveIntegerField(default=0, verbose_name="last sequence"),
                        ),
                        (
                            "registration",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_invite",
                                to="registration.registration",
                                verbose_name="registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "calendar invite",
                        "verbose_name_plural": "calendar invites",
                        "db_table": "registration_calendarinvite",
                    },
                ),
                migrations.CreateModel(
                    name="EventCalendar",
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
                            "fingerprint",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="agenda fingerprint"
                            ),
                        ),
                        (
                            "sequence",
                            models.PositiveIntegerField(default=0, verbose_name="sequence"),
                        ),
                        (
                            "queued_sequence",
                            models.PositiveIntegerField(default=0, verbose_name="queued sequence"),
                        ),
                        (
                            "changed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="changed at"),
                        ),
                        (
                            "fan_out_progress_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                null=True,
                                verbose_name="fan-out progress at",
                            ),
                        ),
                        (
                            "cancelled_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="event cancelled at"
                            ),
                        ),
                        (
                            "cancelled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="cancelled by",
                            ),
                        ),
                        (
                            "event",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_state",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "event calendar state",
                        "verbose_name_plural": "event calendar states",
                        "db_table": "registration_eventcalendar",
                    },
                ),
                migrations.CreateModel(
                    name="OrganiserMessage",
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
                            "statuses",
                            models.JSONField(default=list, verbose_name="to participants who are"),
                        ),
                        (
                            "subject_en",
                            models.CharField(max_length=200, verbose_name="subject (English)"),
                        ),
                        ("body_en", models.TextField(verbose_name="text (English)")),
                        (
                            "subject_ru",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="subject (Russian)"
                            ),
                        ),
                        ("body_ru", models.TextField(blank=True, verbose_name="text (Russian)")),
                        (
                            "subject_uk",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="subject (Ukrainian)"
                            ),
                        ),
                        ("body_uk", models.TextField(blank=True, verbose_name="text (Ukrainian)")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="written at"),
                        ),
                        (
                            "queued_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                        ),
                        (
                            "recipients",
                            models.PositiveIntegerField(default=0, verbose_name="recipients"),
                        ),
                        (
                            "fanned_out_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                null=True,
                                verbose_name="all e-mails queued at",
                            ),
                        ),
                        (
                            "fan_out_progress_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                null=True,
                                verbose_name="fan-out progress at",
                            ),
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
                                related_name="organiser_messages",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "organiser's message",
                        "verbose_name_plural": "organiser's messages",
                        "db_table": "registration_organisermessage",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Message",
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
                        ("kind", models.CharField(max_length=40, verbose_name="kind")),
                        (
                            "dedupe_key",
                            models.CharField(
                                max_length=200, unique=True, verbose_name="deduplication key"
                            ),
                        ),
                        ("to_email", models.EmailField(max_length=254, verbose_name="to")),
                        (
                            "language",
                            models.CharField(default="en", max_length=8, verbose_name="language"),
                        ),
                        ("subject", models.CharField(max_length=300, verbose_name="subject")),
                        ("body_text", models.TextField(verbose_name="text")),
                        ("body_html", models.TextField(blank=True, verbose_name="HTML")),
                        ("ics", models.TextField(blank=True, verbose_name="calendar attachment")),
                        (
                            "ics_method",
                            models.CharField(
                                blank=True, max_length=10, verbose_name="calendar method"
                            ),
                        ),
                        (
                            "sequence",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="calendar sequence"
                            ),
                        ),
                        (
                            "wire",
                            models.BinaryField(
                                blank=True, default=b"", verbose_name="message as sent"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("superseded", "Superseded"),
                                    ("attention", "Needs attention"),
                                ],
                                default="pending",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                        ),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        (
                            "send_after",
                            models.DateTimeField(blank=True, null=True, verbose_name="send after"),
                        ),
                        (
                            "claim_token",
                            models.CharField(
                                blank=True,
                                editable=False,
                                max_length=32,
                                verbose_name="claim token",
                            ),
                        ),
                        (
                            "claimed_at",
                            models.DateTimeField(
                                blank=True, editable=False, null=True, verbose_name="claimed at"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="cms.eventpage",
                                verbose_name="event",
                            ),
                        ),
                        (
                            "registration",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="registration.registration",
                                verbose_name="registration",
                            ),
                        ),
                        (
                            "resend_of",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="resends",
                                to="messaging.message",
                                verbose_name="resend of",
                            ),
                        ),
                        (
                            "bulk",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="messages",
                                to="messaging.organisermessage",
                                verbose_name="organiser's message",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "message",
                        "verbose_name_plural": "messages",
                        "db_table": "registration_message",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["status", "send_after"],
                                name="registratio_status_52bf3e_idx",
                            ),
                            models.Index(
                                fields=["registration", "kind"],
                                name="registratio_registr_bc9242_idx",
                            ),
                        ],
                    },
                ),
            ]
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
