"""A baseline for ``bench/bench_register.py``: insert one row, nothing else.

Mounted only when ``BENCH_ENDPOINTS=1`` (and DEBUG or TESTING), so it never exists in
production. It goes through the same server, middleware and database as the real form.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from registration.models import Registration


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> HttpResponse:
    Registration.objects.create(
        event_id=int(request.POST["event"]),
        given_name="Bench",
        family_name="Baseline",
        email=request.POST["email"],
        organisation="Bench",
        organisation_type="other",
        country="KZ",
        sex="undisclosed",
        consent_version="bench",
        consent_at=timezone.now(),
    )
    return HttpResponse("ok")
