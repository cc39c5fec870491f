"""The mentoring screen of a programme (``/admin/programmes/<id>/mentoring/``): per cohort its
pairs and who is unpaired, a form to pair two of its people, removing a pair, and a pairs
file checked in a dry run and then imported on confirmation.

Every view calls ``programme_for_staff`` (organisers and registration managers of the
programme) first; the screen names people, so each view of it is written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from registration.programmes.admin.mentoring_forms import PairForm, PairsUploadForm
from registration.programmes.models import Cohort, MentorPair
from registration.programmes.permissions import (
    PARTICIPANT_ROLES,
    programme_access_log,
    programme_for_staff,
)
from registration.programmes.selectors.mentoring import cohort_pairs, programme_pairs
from registration.programmes.services.mentoring import (
    FileRow,
    MentoringError,
    pair_create,
    pair_delete,
    pairs_import,
)

#: How long a checked file may wait for its confirmation.
CONFIRM_MAX_AGE = 60 * 60
CONFIRM_SALT = "programmes.mentoring.import"


def _screen(request: HttpRequest, programme, *, upload_form=None, report=None, confirm=""):
    cohorts = programme_pairs(programme)
    context = {
        "programme": programme,
        "cohorts": [(entry, PairForm(entry=entry)) for entry in cohorts],
        "upload_form": upload_form or PairsUploadForm(cohorts=cohorts),
        "report": report,
        "confirm": confirm,
        "page_title": _("Mentoring pairs: %(programme)s") % {"programme": programme.title},
        "header_title": _("Mentoring pairs: %(programme)s") % {"programme": programme.title},
        "header_icon": "group",
    }
    programme_access_log(
        user=request.user, programme=programme, action="programmes.mentoring_viewed"
    )
    return TemplateResponse(request, "programmes/admin/mentoring.html", context)


@require_GET
def pairs(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Per cohort: its pairs, who is unpaired, the pair form; and the pairs file upload."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    return _screen(request, programme)


def _back(programme, cohort_id: int | None = None):
    url = reverse("programmes_mentoring:pairs", args=[programme.pk])
    return redirect(f"{url}#cohort-{cohort_id}" if cohort_id else url)


@require_POST
def pair_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Pair the chosen mentor and mentee of one cohort of the programme."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    cohort = get_object_or_404(Cohort, programme=programme, pk=_int(request.POST.get("cohort")))
    form = PairForm(request.POST, entry=cohort_pairs(cohort))
    if not form.is_valid():
        messages.error(request, _("Choose a mentor and an unpaired mentee of the cohort."))
        return _back(programme, cohort.pk)
    mentor, mentee = form.people()
    try:
        pair_create(cohort=cohort, mentor=mentor, mentee=mentee, by=request.user)
    except MentoringError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The pair is made."))
    return _back(programme, cohort.pk)


@require_POST
def pair_remove(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Remove one pair of the programme (the mentee can then be paired again)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    pair = get_object_or_404(
        MentorPair, cohort__programme=programme, pk=_int(request.POST.get("pair"))
    )
    pair_delete(pair=pair, by=request.user)
    messages.success(request, _("The pair is removed."))
    return _back(programme, pair.cohort_id)


@require_POST
def pairs_upload(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Check a pairs file (dry run) and show the report; with ``confirm``, import the rows
    of the file checked before (carried signed in the confirmation form)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    if "confirm" in request.POST:
        return _confirm(request, programme)
    form = PairsUploadForm(request.POST, request.FILES, cohorts=programme_pairs(programme))
    if not form.is_valid():
        return _screen(request, programme, upload_form=form)
    cohort = _cohort_of(programme, form.cleaned_data["cohort"])
    report = pairs_import(
        file=form.cleaned_data["file"],
        cohort=cohort,
        programme=programme,
        by=request.user,
        dry_run=True,
    )
    confirm = ""
    if report.valid and report.created:
        confirm = signing.dumps(
            {
                "programme": programme.pk,
                "user": request.user.pk,
                "cohort": cohort.pk if cohort else None,
                "rows": [[r.line, r.mentor_email, r.mentee_email] for r in report.lines],
            },
            salt=CONFIRM_SALT,
            compress=True,
        )
    return _screen(request, programme, report=report, confirm=confirm)


def _confirm(request: HttpRequest, programme) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST.get("confirm", ""), salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE
        )
    except signing.BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("programme") != programme.pk
        or payload.get("user") != request.user.pk
    ):
        messages.error(request, _("This check is too old. Upload the file again."))
        return _back(programme)
    cohort = _cohort_of(programme, payload.get("cohort"))
    rows = [
        FileRow(int(line), str(mentor), str(mentee)) for line, mentor, mentee in payload["rows"]
    ]
    report = pairs_import(
        rows=rows, cohort=cohort, programme=programme, by=request.user, dry_run=False
    )
    if report.written:
        count = report.created
        messages.success(
            request,
            ngettext("%(count)s pair imported.", "%(count)s pairs imported.", count)
            % {"count": count},
        )
        return _back(programme)
    return _screen(request, programme, report=report)


def _cohort_of(programme, cohort_id) -> Cohort | None:
    if cohort_id is None:
        return None
    return get_object_or_404(
        Cohort.objects.select_related("programme"), programme=programme, pk=cohort_id
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
