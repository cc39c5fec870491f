"""What the registration room announces; the rooms above it (messaging, check-in, reports)
listen. The registration room never imports them: it says what happened, they decide what to do
about it (as pretix and pretalx do with their signals).

Every signal is sent inside the transaction of the change it announces, so what a receiver
writes (an outbox row, a blanked answer) commits or rolls back with it.
"""

from django.dispatch import Signal

#: A registration was made or changed status. Keyword arguments: ``registration``, ``change``
#: (the ``StatusChange`` row), ``reason`` (one of ``REASONS``), ``context`` (what an e-mail
#: about it may show: ``manage_url``, ``event_local``, ``staff_message``...), ``build`` (False,
#: for a new registration, with an empty ``context``: a receiver that writes e-mail should leave
#: rendering to the sender, which has the registration). Messaging's receiver
#: holds the one table that says which e-mail each change sends; it returns the outbox row.
status_changed = Signal()

#: Why a status changed, as ``status_changed`` says it.
REASONS = (
    "registered",  # a new registration, in its first status
    "email_confirmed",  # the participant proved their address
    "approved",  # a registration manager accepted it
    "declined",  # a registration manager declined it
    "cancelled",  # the participant or staff cancelled it
    "promoted",  # a place came free and the first on the waiting list got it
    "expired",  # the address was never confirmed in time
)

#: The participant's private link must reach them by e-mail. Keyword arguments:
#: ``registration``, ``reason`` (``repeat``: their address was submitted again; ``lost``: they
#: asked for it again; ``replaced``: staff revoked the old link), ``dedupe_key`` (one e-mail per
#: key, ever) and ``context``.
link_needed = Signal()

#: A participant asked for their data. Keyword argument ``registration``; each receiver returns
#: a dict of sections (``{"check_ins": [...]}``) that joins the export.
personal_data_requested = Signal()

#: A participant's data is being anonymised (inside the transaction). Keyword arguments:
#: ``registration``, ``strings`` (their name, e-mail, ... to scrub from free text),
#: ``placeholder_email`` and ``placeholder_name``. Each receiver blanks its own rows and returns
#: ``{model: [pk, ...]}`` of the rows that were about the person, whose audit-log entries are then
#: relabelled.
personal_data_erasing = Signal()
