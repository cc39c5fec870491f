"""``manage.py load_demo``: demo content, users and registrations; safe to run twice.

Each room keeps its demo as data, ``demo.json``, beside a small loader, ``demo.py``, whose
``load(write=...)`` reads it and writes its summary through this command's stdout.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

#: Each room's demo loader, in order of the data flow (content before registrations). A room
#: that is not installed (its module missing) is skipped.
LOADERS = [
    "cms.demo",
    "registration.demo",
    # Before the messages: the programme's people at the mentors' training get its
    # confirmation in the message history like the other participants.
    "registration.programmes.demo",
    # The Astana conference's delegations, nominations and the nominees' registrations, also
    # before the messages (a second run would otherwise add their confirmations then).
    "registration.nominations.demo",
    "registration.messaging.demo",
    "registration.checkin.demo",
    "registration.reports.demo",
]

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-demo-2026"


class Command(BaseCommand):
    help = "Load demo content (idempotent) and create an admin account if there is none."

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create an admin.")

    def handle(self, *args, **options):
        for dotted in LOADERS:
            try:
                module = importlib.import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name == dotted:
                    continue
                raise
            module.load(write=self.stdout.write)
            self.stdout.write(f"Loaded {dotted}.")
        if not options["no_admin"]:
            self._ensure_admin()

    def _ensure_admin(self) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            if user_model.objects.filter(username=ADMIN_USERNAME, is_superuser=True).exists():
                self._print_login(ADMIN_USERNAME, ADMIN_PASSWORD, created=False)
            return
        user_model.objects.create_superuser(ADMIN_USERNAME, "admin@example.org", ADMIN_PASSWORD)
        self._print_login(ADMIN_USERNAME, ADMIN_PASSWORD, created=True)

    def _print_login(self, username: str, password: str, *, created: bool) -> None:
        state = "Created" if created else "Existing"
        self.stdout.write(
            self.style.SUCCESS(
                f"{state} admin login: {settings.SITE_URL}/admin/  user: {username}  "
                f"password: {password}"
            )
        )
