"""``manage.py anonymise_due``: anonymise now what the retention schedule would (daily)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from registration.services.lifecycle import anonymise_due


class Command(BaseCommand):
    help = "Anonymise registrations whose event's retention period is over."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Count the retention period up to this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, **options):
        count = anonymise_due(today=options["today"])
        self.stdout.write(f"Anonymised {count} registration(s).")
