"""Wagtail admin hooks of the registration room; check-in, messaging and reports register
their own (each room's ``wagtail_hooks``)."""

from wagtail import hooks

# Imported for the hooks they register when imported:
from registration.admin import hooks as _participants  # noqa: F401 — lists, bulk actions, roles
from registration.admin import lifecycle as _lifecycle  # noqa: F401 — deletion requests
from registration.admin import links as _links  # noqa: F401 — "Revoke links and send a new one"
from registration.admin import pages as _pages  # noqa: F401 — event pages of organisers
from registration.views import files as _files  # noqa: F401 — staff read participants-only papers
from registration.views.public import register

# ``<event page>/register/``: the event page's route asks this hook for its view, so that cms
# imports nothing of registration.
hooks.register("event_register_view", register)
