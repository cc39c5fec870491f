"""Retention and privacy notice (placeholder, filled by its change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_cms_events")]

    operations = []
