"""The programme's staff screens: the index of programmes a user may see, a programme's
overview (cohorts, enrolments with progress, links to the other screens), cohorts and
enrolments.

Every view takes the programme id and calls ``programme_for_staff`` first; every screen that
shows personal data writes an audit entry (``programme_access_log``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registration.models.registrations import StaffRole
from registration.programmes.admin.staff_forms import (
    CohortForm,
    EnrolmentFilterForm,
    EnrolmentStaffForm,
    ProgrammeRoleForm,
)
from registration.programmes.models import Cohort, Enrolment, ProgrammeRole
from registration.programmes.permissions import (
    PARTICIPANT_ROLES,
    programme_access_log,
    programme_for_staff,
    programme_role_assign,
    programme_role_revoke,
    programmes_for,
)
from registration.programmes.selectors.progress import programme_progress
from registration.programmes.selectors.staff import (
    cohort_rows,
    enrolment_rows,
)
from registration.programmes.services import enrolment as enrolment_services
from registration.programmes.services.enrolment import EnrolmentError
from registration.programmes.services.notify import programme_links_pending

#: Who edits a programme's cohorts.
ORGANISER_ROLES = (StaffRole.ORGANISER,)


@require_GET
def programme_index(request: HttpRequest) -> HttpResponse:
    """The programmes the user holds a role on (every programme for superusers)."""
    programmes = programmes_for(request.user).order_by("-start_date", "title")
    return TemplateResponse(
        request,
        "programmes/admin/index.html",
        {
            "programmes": programmes,
            "page_title": _("Programmes"),
            "header_title": _("Programmes"),
            "header_icon": "list-ul",
        },
    )


#: The programme's other screens linked from the overview: (URL name taking its id, label).
SCREEN_LINKS = (
    ("programmes_mentoring:pairs", gettext_lazy("Mentoring pairs")),
    ("programmes_roster:index", gettext_lazy("Roster import")),
    ("programmes_certificates:index", gettext_lazy("Certificates")),
    ("programmes_admin:report", gettext_lazy("Impact report")),
)


def _screen_links(programme) -> list[dict]:
    return [
        {"url": reverse(name, args=[programme.pk]), "label": label} for name, label in SCREEN_LINKS
    ]


@require_GET
def programme_overview(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Cohorts (capacity, enrolled) and enrolments (cohort, role, progress, completion)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    enrolments = enrolment_rows(programme)
    progress = programme_progress(programme.source, enrolments=enrolments)
    progress_rows = [(e, progress[e.pk]) for e in enrolments if e.pk in progress]
    programme_access_log(
        user=request.user, programme=programme, action="programmes.overview_viewed"
    )
    context = {
        "programme": programme,
        "cohorts": cohort_rows(programme),
        "enrolments": enrolments,
        "progress_rows": progress_rows,
        "screen_links": _screen_links(programme),
        # People who have had no e-mail with their personal link (the button).
        "links_pending": programme_links_pending(programme).count(),
        "page_title": programme.title,
        "header_title": programme.title,
        "header_icon": "list-ul",
    }
    return TemplateResponse(request, "programmes/admin/overview.html", context)


def _cohort_for(programme, cohort_id: int) -> Cohort:
    """A cohort of this programme (404 for another programme's cohort)."""
    return get_object_or_404(Cohort, pk=cohort_id, programme=programme)


@require_GET
def cohort_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's cohorts with their counts and links to edit them (organisers)."""
    programme = programme_for_staff(request.user, programme_id, ORGANISER_ROLES)
    context = {
        "programme": programme,
        "cohorts": cohort_rows(programme),
        "page_title": _("Cohorts: %(programme)s") % {"programme": programme.title},
        "header_title": _("Cohorts: %(programme)s") % {"programme": programme.title},
        "header_icon": "group",
    }
    return TemplateResponse(request, "programmes/admin/cohorts.html", context)


@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, programme_id: int, cohort_id: int | None = None):
    """Create (no ``cohort_id``) or edit a cohort of the programme (organisers)."""
    programme = programme_for_staff(request.user, programme_id, ORGANISER_ROLES)
    cohort = _cohort_for(programme, cohort_id) if cohort_id else None
    form = CohortForm(request.POST or None, instance=cohort, programme=programme)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Cohort %(code)s saved.") % {"code": saved.code})
        return redirect("programmes_admin:cohorts", programme.pk)
    title = _("Edit cohort") if cohort else _("Add a cohort")
    context = {
        "programme": programme,
        "form": form,
        "cohort": cohort,
        "page_title": title,
        "header_title": title,
        "header_icon": "group",
    }
    return TemplateResponse(request, "programmes/admin/cohort_form.html", context)


@require_GET
def enrolment_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's enrolments: search by name or e-mail, filter by cohort and status.
    Personal data: every view of the list is written to the audit log."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    filters = EnrolmentFilterForm(request.GET or None, programme=programme)
    query, cohort, status = "", None, ""
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        cohort = filters.cleaned_data["cohort"]
        status = filters.cleaned_data["status"]
    enrolments = enrolment_rows(
        programme,
        query=query,
        cohort_id=cohort.pk if cohort else None,
        status=status,
        language=get_language(),
    )
    programme_access_log(
        user=request.user,
        programme=programme,
        action="programmes.enrolments_viewed",
        data={"searched": bool(query)},
    )
    context = {
        "programme": programme,
        "filters": filters,
        "enrolments": enrolments,
        "page_title": _("Enrolments: %(programme)s") % {"programme": programme.title},
        "header_title": _("Enrolments: %(programme)s") % {"programme": programme.title},
        "header_icon": "user",
    }
    return TemplateResponse(request, "programmes/admin/enrolments.html", context)


@require_http_methods(["GET", "POST"])
def enrolment_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Enrol a person by hand (registration managers and organisers), through the same
    service as the public form: cohort capacity, one registration per event of the cohort."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    form = EnrolmentStaffForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cohort = data.pop("cohort")
        data["programme_role"] = data.pop("role")
        try:
            result = enrolment_services.enrolment_create(
                programme=programme,
                cohort=cohort,
                data=data,
                language=data["language"],
                by=request.user,
            )
        except (ValidationError, EnrolmentError) as error:
            form.add_error(None, _error_text(error))
        else:
            programme_access_log(
                user=request.user,
                programme=programme,
                action="programmes.enrolment_created",
                instance=result.enrolment,
                data={"enrolment": result.enrolment.pk, "created": result.created},
            )
            if result.created:
                messages.success(request, _("The person is enrolled."))
            else:
                messages.warning(request, _("This person was already enrolled."))
            return redirect("programmes_admin:enrolments", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "page_title": _("Enrol a person"),
        "header_title": _("Enrol a person"),
        "header_icon": "user",
    }
    return TemplateResponse(request, "programmes/admin/enrolment_form.html", context)


@require_POST
def enrolment_withdraw(request: HttpRequest, programme_id: int, enrolment_id: int):
    """Withdraw an enrolment (the enrol service cancels the person's registrations)."""
    programme = programme_for_staff(request.user, programme_id, PARTICIPANT_ROLES)
    enrolment = get_object_or_404(
        Enrolment, pk=enrolment_id, programme=programme, anonymised_at__isnull=True
    )
    try:
        enrolment_services.enrolment_withdraw(enrolment=enrolment, by=request.user)
    except (ValidationError, EnrolmentError) as error:
        messages.error(request, _error_text(error))
    else:
        programme_access_log(
            user=request.user,
            programme=programme,
            action="programmes.enrolment_withdrawn",
            instance=enrolment,
            data={"enrolment": enrolment.pk},
        )
        messages.success(request, _("The enrolment is withdrawn."))
    return redirect("programmes_admin:enrolments", programme.pk)


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_http_methods(["GET", "POST"])
def programme_roles(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Who holds which role on the programme. Organisers of the programme look; only
    administrators (superusers) give and take roles, as on events."""
    programme = programme_for_staff(request.user, programme_id, ORGANISER_ROLES)
    may_assign = request.user.is_superuser
    form = ProgrammeRoleForm(request.POST or None) if may_assign else None
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        if "remove" in request.POST:
            row = get_object_or_404(ProgrammeRole, pk=request.POST["remove"], programme=programme)
            programme_role_revoke(user=row.user, programme=programme, role=row.role)
            messages.success(request, _("The role is taken away."))
            return redirect("programmes_admin:roles", programme.pk)
        if form.is_valid():
            programme_role_assign(
                user=form.cleaned_data["account"],
                programme=programme,
                role=form.cleaned_data["role"],
            )
            messages.success(request, _("The role is given."))
            return redirect("programmes_admin:roles", programme.pk)
    rows = ProgrammeRole.objects.filter(programme=programme).select_related("user")
    context = {
        "programme": programme,
        "rows": rows.order_by("role", "user__username"),
        "form": form,
        "page_title": _("Staff: %(programme)s") % {"programme": programme.title},
        "header_title": _("Staff: %(programme)s") % {"programme": programme.title},
        "header_icon": "group",
    }
    return TemplateResponse(request, "programmes/admin/roles.html", context)
