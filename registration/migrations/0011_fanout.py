"""Fan-out work that survives a dead worker (placeholder, filled by its change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0010_lifecycle")]

    operations = []
