"""Wagtail admin hooks of the registration room; check-in, messaging and reports register
their own (each room's ``wagtail_hooks``)."""

from wagtail import hooks

import registration.admin.hooks  # noqa: F401 — participants, bulk actions, roles, audit actions
import registration.admin.lifecycle  # noqa: F401 — deletion requests, carried out by staff
import registration.admin.links  # noqa: F401 — "Revoke links and send a new one"
import registration.views.files  # noqa: F401 — staff read participants-only papers
from registration.views.public import register

# ``<event page>/register/``: the event page's route asks this hook for its view, so that cms
# imports nothing of registration.
hooks.register("event_register_view", register)
