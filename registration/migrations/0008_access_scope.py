"""Personal data in Wagtail's generic screens and audit log.

The audit entries about registrations and staff roles move from Wagtail's shared
``ModelLogEntry`` table (read by every holder of a model permission, and labelled
"Name <e-mail>") to ``EventLogEntry``, filed under their event; the access entries written on
event pages move too. Registration labels become "Registration #<id>", also for registrations
deleted since: the old labels kept a deleted participant's name and address.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: Access entries the participant screens wrote on the event page before this migration.
PAGE_ACCESS_ACTIONS = (
    "registration.list_viewed",
    "registration.exported",
    "registration.logistics_viewed",
)

COPIED = (
    "content_type_id",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "revision_id",
    "content_changed",
    "deleted",
)


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def move_entries(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    model_log_entry = apps.get_model("wagtailcore", "ModelLogEntry")
    page_log_entry = apps.get_model("wagtailcore", "PageLogEntry")
    event_log_entry = apps.get_model("registration", "EventLogEntry")
    event_page = apps.get_model("cms", "EventPage")

    for name in ("registration", "eventrole"):
        ct = content_type.objects.filter(app_label="registration", model=name).first()
        if ct is None:
            continue
        model = apps.get_model("registration", name)
        rows = model_log_entry.objects.filter(content_type=ct)
        ids = {_int(i) for i in rows.values_list("object_id", flat=True)} - {None}
        events = dict(model.objects.filter(pk__in=ids).values_list("pk", "event_id"))
        moved = []
        for entry in rows.order_by("pk").iterator():
            label = f"Registration #{entry.object_id}" if name == "registration" else entry.label
            moved.append(
                event_log_entry(
                    object_id=entry.object_id,
                    event_id=events.get(_int(entry.object_id)),
                    label=label,
                    **{field: getattr(entry, field) for field in COPIED},
                )
            )
        event_log_entry.objects.bulk_create(moved, batch_size=500)
        rows.delete()

    rows = page_log_entry.objects.filter(action__in=PAGE_ACCESS_ACTIONS)
    pages = set(
        event_page.objects.filter(pk__in=rows.values("page_id")).values_list("pk", flat=True)
    )
    moved = [
        event_log_entry(
            object_id=str(entry.page_id),
            event_id=entry.page_id if entry.page_id in pages else None,
            label=entry.label,
            **{field: getattr(entry, field) for field in COPIED},
        )
        for entry in rows.order_by("pk").iterator()
    ]
    event_log_entry.objects.bulk_create(moved, batch_size=500)
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_outbox_wakeup_wire"),
        ("cms", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EventLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.TextField()),
                ("action", models.CharField(blank=True, db_index=True, max_length=255)),
                (
                    "data",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                    ),
                ),
                (
                    "timestamp",
                    models.DateTimeField(db_index=True, verbose_name="timestamp (UTC)"),
                ),
                (
                    "uuid",
                    models.UUIDField(
                        blank=True,
                        editable=False,
                        help_text="Log entries that happened as part of the same user action "
                        "are assigned the same UUID",
                        null=True,
                    ),
                ),
                ("content_changed", models.BooleanField(db_index=True, default=False)),
                ("deleted", models.BooleanField(default=False)),
                ("object_id", models.CharField(db_index=True, max_length=255)),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="content type",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="cms.eventpage",
                        verbose_name="event",
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="wagtailcore.revision",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "event log entry",
                "verbose_name_plural": "event log entries",
                "ordering": ["-timestamp", "-id"],
                "abstract": False,
                "indexes": [
                    models.Index(
                        fields=["uuid", "action", "-timestamp"], name="registratio_uuid_9731bb_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(move_entries, migrations.RunPython.noop),
    ]
