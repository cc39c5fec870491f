from django.db import migrations, models

# The function the model's save() uses: a back-fill written by another rule would leave old
# rows unfound by the searches new rows answer.
from registration.models.registrations import search_document


def fill_search_text(apps, schema_editor):
    """Every existing registration gets the column ``save()`` now keeps (anonymised: empty)."""
    Registration = apps.get_model("registration", "Registration")
    batch = []
    for row in Registration.objects.only(
        "given_name", "family_name", "badge_name", "email", "organisation", "anonymised_at"
    ).iterator(chunk_size=500):
        row.search_text = "" if row.anonymised_at else search_document(row)
        batch.append(row)
        if len(batch) >= 500:
            Registration.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Registration.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0013_move_to_rooms"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
