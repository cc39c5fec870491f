"""Data export, deletion requests, retention (placeholder, filled by its change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0009_jobs")]

    operations = []
