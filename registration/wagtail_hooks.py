"""Wagtail admin hooks of the registration app: each admin area registers its own."""

import registration.admin.checkin  # noqa: F401 — registers the check-in URLs and menu item
import registration.admin.hooks  # noqa: F401, E402 — participants, bulk actions, roles, logistics
import registration.admin.lifecycle  # noqa: F401 — deletion requests, carried out by staff
import registration.admin.links  # noqa: F401 — "Revoke links and send a new one"
import registration.admin.messages  # noqa: F401, E402 — message log, resend, write to participants
import registration.admin.report  # noqa: F401 — the report, recommendations, exports, surveys
import registration.views.files  # noqa: F401 — staff read participants-only papers
