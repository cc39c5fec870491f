"""Private files for participants: the event's papers, reached from the personal page.

A participants-only paper is never served at its public document URL (``cms/wagtail_hooks.py``
answers 404 there to anyone but staff with a role on the event). A participant downloads
every paper through ``paper_download``, which checks their signed link (``registration.links``)
and, for participants-only papers, that their place is confirmed. The file is read from
private storage and never cached.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks

from cms.models import EventPage, PaperAccess
from cms.selectors import paper_document, papers_for
from cms.wagtail_hooks import PAPER_READER_HOOK
from conference.storage import private_file_response
from registration.links import LinkError, registration_from_key
from registration.models import Registration, RegistrationStatus
from registration.permissions import user_has_event_role


def participant_papers(*, registration: Registration, event: EventPage, key: str, language: str):
    """The papers of ``event`` (the page in the reader's language) for the personal page:
    files in ``language`` first, each linked through ``paper_download`` with ``key``.

    Only a confirmed participant gets the files of participants-only papers. One query.
    """

    def file_url(paper_id: int, code: str) -> str:
        return reverse(
            "registration:paper", kwargs={"key": key, "paper_id": paper_id, "language": code}
        )

    return papers_for(
        event,
        participant=registration.status == RegistrationStatus.CONFIRMED,
        language=language,
        file_url=file_url,
    )


@never_cache
@require_GET
def paper_download(request: HttpRequest, key: str, paper_id: int, language: str) -> HttpResponse:
    """One language of one paper of the participant's event, if their link lets them read it.

    404 for a forged, expired or revoked link, a paper of another event, or a participants-only
    paper when the participant's place is not confirmed: the answer never tells which.
    """
    try:
        registration = registration_from_key(key)
    except LinkError as exc:
        raise Http404 from exc
    found = paper_document(event=registration.event, paper_id=paper_id, language=language)
    if found is None:
        raise Http404
    paper, document = found
    if (
        paper.access == PaperAccess.PARTICIPANTS
        and registration.status != RegistrationStatus.CONFIRMED
    ):
        raise Http404
    return private_file_response(
        document.file, filename=document.filename, content_type=document.content_type
    )


@hooks.register(PAPER_READER_HOOK)
def staff_may_read_papers(*, request: HttpRequest, event_ids: set[int]) -> bool:
    """Staff with any role on one of the events read its participants-only papers at their
    document URL (organisers check what they uploaded); nobody else does."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    events = EventPage.objects.filter(pk__in=event_ids)
    return any(user_has_event_role(user, event) for event in events)
