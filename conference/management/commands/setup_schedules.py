"""``manage.py setup_schedules``: create or update every room's django-q2 schedules."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from conference.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update (by name) the django-q2 schedules: outbox, reminders, expiry."

    def handle(self, *args, **options):
        for name, what in schedules_sync().items():
            self.stdout.write(f"{what}: {name}")
