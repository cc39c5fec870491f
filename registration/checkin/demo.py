"""Demo check-ins: the past mentors' training has arrivals on both of its days.

Idempotent: every check-in has a fixed nonce derived from the registration and the day, and
rows that exist are left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from registration.checkin.models import CheckIn
from registration.models import Registration, RegistrationStatus

EVENT = "mentors-training"
#: Share of confirmed participants who arrive each day (the same random draw every run).
ARRIVE = (0.9, 0.8)


@transaction.atomic
def load() -> None:
    """Check-ins on both days of the mentors' training for most confirmed participants."""
    from cms import demo

    event = demo.demo_events().get(EVENT)
    if event is None:
        return
    staff = get_user_model().objects.filter(username="checkin").first()
    people = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by("pk")
    )
    rng = random.Random(2026)
    made = 0
    for index, day in enumerate(event.days[:2]):
        share = ARRIVE[min(index, len(ARRIVE) - 1)]
        for registration in people:
            arrives = rng.random() < share
            minutes = rng.randint(0, 50)
            if not arrives:
                continue
            at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=event.tz) + dt.timedelta(
                minutes=minutes
            )
            _row, created = CheckIn.objects.get_or_create(
                registration=registration,
                day=day,
                defaults={
                    "at": at,
                    "by": staff,
                    "nonce": f"demo-{registration.pk}-{day:%Y%m%d}",
                    "device": "demo",
                },
            )
            made += created
    print(f"  Check-ins: {made} new on the mentors' training ({len(people)} confirmed).")
