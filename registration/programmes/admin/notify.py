"""Staff: send the personal programme links to the people who have not had theirs (the
button on the programme overview; organisers and registration managers)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from registration.programmes.permissions import (
    PARTICIPANT_ROLES,
    programme_access_log,
    programme_for_staff,
)
from registration.programmes.services.notify import programme_links_send


@require_POST
def links_send(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Queue the personal link e-mails (only with the confirmation box ticked)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the e-mails should go out."))
        return redirect("programmes_admin:overview", programme.pk)
    sent = programme_links_send(programme=programme, by=request.user)
    programme_access_log(
        user=request.user, programme=programme, action="programmes.links_sent", data={"sent": sent}
    )
    messages.success(
        request,
        ngettext(
            "%(count)s e-mail with a personal link is on its way.",
            "%(count)s e-mails with a personal link are on their way.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("programmes_admin:overview", programme.pk)
