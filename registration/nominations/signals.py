"""Signals of the nominations room.

``nomination_approved`` is sent inside the transaction that approves a nomination (one call
per nomination, ``sender=Nomination``, ``nomination=…``, ``by=…``): the nominee's invitation
to complete their registration hooks it, so the e-mail is queued with the decision or not
at all.
"""

from __future__ import annotations

from django.dispatch import Signal

nomination_approved = Signal()
