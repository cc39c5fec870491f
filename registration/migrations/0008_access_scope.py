"""Personal data in Wagtail's generic screens and audit log (placeholder, filled by its change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0007_outbox_wakeup_wire")]

    operations = []
