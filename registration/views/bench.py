"""Baselines for ``bench/bench_register.py``: what a registration is measured against.

Mounted only when ``BENCH_ENDPOINTS=1`` (and DEBUG or TESTING), so they never exist in
production. They go through the same server, middleware and database as the real form.

- ``insert_modelform``: the bare Django way to take a form and save it, the baseline the goal
  is set against: a ``ModelForm`` of the same fields, validated (CSRF too), saved, and a
  redirect — no capacity lock, status change, outbox row or rate limit.
- ``insert_one``: one row, nothing else (no form, no CSRF): the floor, printed beside it.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from registration.models import Registration
from registration.services.registrations import CREATE_FIELDS


class BareRegistrationForm(forms.ModelForm):
    """The registration's own fields, with nothing of the real form's rules."""

    class Meta:
        model = Registration
        fields = ["event", *CREATE_FIELDS]


@require_POST
def insert_modelform(request: HttpRequest) -> HttpResponse:
    form = BareRegistrationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_json())
    row = form.save(commit=False)
    row.consent_version = "bench"
    row.consent_at = timezone.now()
    row.save()
    return HttpResponseRedirect(request.path)


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
