"""Badge batches and report exports become jobs with a lease (placeholder, filled by its change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0008_access_scope")]

    operations = []
