"""The participant's side of mentoring: agreeing to share (or no longer sharing) their contact
with their mentor or mentee, posted from their personal programme page (reached only by the
signed key of ``programmes.links``). Thin: find the pair, call one service, go back."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registration.links import STATUS, LinkError, private_page
from registration.programmes.links import enrolment_from_key, enrolment_url
from registration.programmes.models import EnrolmentStatus, MentorPair
from registration.programmes.services.mentoring import (
    MentoringError,
    pair_consent,
    pair_consent_withdraw,
)


@require_POST
@never_cache
def mentoring_consent(request: HttpRequest, key: str) -> HttpResponse:
    """``action=consent`` (with the ``agree`` box ticked) or ``action=withdraw`` for one of
    the person's pairs (``pair``); back to the personal page with a message."""
    try:
        enrolment = enrolment_from_key(key)
    except LinkError as exc:
        page = render(
            request,
            "programmes/link_invalid.html",
            {"code": exc.code},
            status=STATUS.get(exc.code, 400),
        )
        return private_page(page)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Http404
    try:
        pair_id = int(request.POST.get("pair", ""))
    except ValueError as exc:
        raise Http404 from exc
    pair = (
        MentorPair.objects.filter(pk=pair_id)
        .filter(Q(mentor=enrolment) | Q(mentee=enrolment))
        .first()
    )
    if pair is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            pair_consent_withdraw(pair=pair, enrolment=enrolment)
            messages.success(request, _("Your e-mail and phone are no longer shared."))
        elif request.POST.get("agree"):
            pair_consent(pair=pair, enrolment=enrolment)
            messages.success(request, _("Thank you: your agreement is recorded."))
        else:
            messages.error(request, _("Tick the box to agree to share your e-mail and phone."))
    except MentoringError as exc:
        messages.error(request, exc.message)
    url = enrolment_url(enrolment, absolute=False)
    return private_page(HttpResponseRedirect(f"{url}#mentoring"))
