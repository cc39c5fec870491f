"""The programmes room in the Wagtail admin and the CMS: admin URLs (under
``/admin/programmes/``), the "Programmes" menu, and the hooks the CMS calls on programme
pages (``programme_page_context``). Each concern appends its own hook functions."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from registration.programmes.admin import staff as staff_views
from registration.programmes.permissions import programmes_for

# --- staff: the "Programmes" menu, programme overview, cohorts, enrolments ---------------------

#: URL names (namespace ``programmes_admin``): index, overview, cohorts, cohort_add,
#: cohort_edit, enrolments, enrolment_add, enrolment_withdraw, roles.
STAFF_URLS = [
    path("", staff_views.programme_index, name="index"),
    path("<int:programme_id>/", staff_views.programme_overview, name="overview"),
    path("<int:programme_id>/cohorts/", staff_views.cohort_list, name="cohorts"),
    path("<int:programme_id>/cohorts/add/", staff_views.cohort_edit, name="cohort_add"),
    path(
        "<int:programme_id>/cohorts/<int:cohort_id>/",
        staff_views.cohort_edit,
        name="cohort_edit",
    ),
    path("<int:programme_id>/enrolments/", staff_views.enrolment_list, name="enrolments"),
    path("<int:programme_id>/enrolments/add/", staff_views.enrolment_add, name="enrolment_add"),
    path(
        "<int:programme_id>/enrolments/<int:enrolment_id>/withdraw/",
        staff_views.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("<int:programme_id>/staff/", staff_views.programme_roles, name="roles"),
]


@hooks.register("register_admin_urls")
def register_programme_staff_urls():
    return [path("programmes/", include((STAFF_URLS, "programmes_admin")))]


class ProgrammesMenuItem(MenuItem):
    """Shown to staff holding a role on some programme (and to superusers)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return programmes_for(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_programmes_menu_item():
    return ProgrammesMenuItem(
        _("Programmes"),
        reverse("programmes_admin:index"),
        name="programmes",
        icon_name="list-ul",
        order=210,
    )


@hooks.register("register_log_actions")
def register_programme_staff_log_actions(actions):
    actions.register_action(
        "programmes.overview_viewed",
        _("Programme overview viewed"),
        _("Viewed the programme overview"),
    )
    actions.register_action(
        "programmes.enrolments_viewed",
        _("Enrolments viewed"),
        _("Viewed the programme's enrolments"),
    )
    actions.register_action(
        "programmes.enrolment_created",
        _("Person enrolled by staff"),
        _("Enrolled a person in the programme"),
    )
    actions.register_action(
        "programmes.enrolment_withdrawn",
        _("Enrolment withdrawn"),
        _("Withdrew an enrolment"),
    )


# --- report: the programme's impact report, its exports and their progress ----------------

from registration.programmes.admin import report as report_views  # noqa: E402

#: Appended to the staff URLs (namespace ``programmes_admin``): report, report_export,
#: report_job, report_job_json, report_download.
STAFF_URLS.extend(
    [
        path("<int:programme_id>/report/", report_views.programme_report_page, name="report"),
        path(
            "<int:programme_id>/report/export/",
            report_views.programme_report_export,
            name="report_export",
        ),
        path(
            "<int:programme_id>/report/exports/<int:report_job_id>/",
            report_views.programme_report_job,
            name="report_job",
        ),
        path(
            "<int:programme_id>/report/exports/<int:report_job_id>/status.json",
            report_views.programme_report_job_json,
            name="report_job_json",
        ),
        path(
            "<int:programme_id>/report/exports/<int:report_job_id>/download/",
            report_views.programme_report_download,
            name="report_download",
        ),
    ]
)


@hooks.register("register_log_actions")
def register_programme_report_log_actions(actions):
    actions.register_action(
        "programmes.report_downloaded",
        _("Programme report downloaded"),
        _("Downloaded an export of the programme report"),
    )


# --- roster: import a roster file (dry run, worker, report) -----------------------------------


from registration.programmes.admin.roster import ROSTER_URLS  # noqa: E402


@hooks.register("register_admin_urls")
def register_programme_roster_urls():
    return [path("programmes/", include((ROSTER_URLS, "programmes_roster")))]


@hooks.register("register_log_actions")
def register_programme_roster_log_actions(actions):
    actions.register_action(
        "programmes.roster_viewed",
        _("Roster dry run viewed"),
        _("Viewed the rows of a roster file"),
    )
    actions.register_action(
        "programmes.roster_report_downloaded",
        _("Roster report downloaded"),
        _("Downloaded the row-by-row report of a roster file"),
    )


# --- certificates: the programme's certificates screen and its audit actions -----------------

from django.urls import include as _include  # noqa: E402 - each concern keeps its imports
from django.urls import path as _path  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from registration.programmes.admin import certificates as certificate_admin  # noqa: E402


@hooks.register("register_admin_urls")
def register_programme_certificate_urls():
    return [_path("programmes/", _include((certificate_admin.URLS, "programmes_certificates")))]


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "programmes.certificates_viewed",
        _lazy("Certificates viewed"),
        _lazy("Viewed the programme's certificates"),
    )
    actions.register_action(
        "programmes.certificates_downloaded",
        _lazy("Certificates downloaded"),
        _lazy("Downloaded a PDF of the programme's certificates"),
    )
    actions.register_action(
        "programmes.certificate_downloaded",
        _lazy("Certificate downloaded"),
        _lazy("Downloaded one certificate"),
    )
    actions.register_action(
        "programmes.certificate_revoked",
        _lazy("Certificate revoked"),
        _lazy("Revoked a certificate"),
    )


# --- enrol: the public programme page's enrolment form, the manage page's programme link -----

from django.template.loader import render_to_string  # noqa: E402 - each concern keeps its imports
from django.urls import reverse as _reverse  # noqa: E402
from django.utils.translation import get_language as _get_language  # noqa: E402

from cms.models import ProgrammePage  # noqa: E402
from registration.programmes.forms import EnrolmentForm  # noqa: E402
from registration.programmes.links import enrolment_url  # noqa: E402
from registration.programmes.models import Enrolment, EnrolmentStatus  # noqa: E402
from registration.programmes.selectors.enrolment import programme_public_context  # noqa: E402
from registration.selectors.registrations import event_in_language  # noqa: E402


@hooks.register("programme_page_context")
def programme_page_enrolment(request, page) -> dict:
    """Organisers, fields of work and events of the public programme page, and its enrolment
    form when the programme is open for enrolment (the form as submitted after an error)."""
    context = programme_public_context(page)
    source = page.source
    form = None
    if source.enrolment_open:
        language = (getattr(request, "LANGUAGE_CODE", None) or _get_language() or "en")[:2]
        form = getattr(request, "programme_enrol_form", None) or EnrolmentForm(
            programme=source, language=language
        )
    context.update(
        enrol_form=form,
        enrol_url=_reverse("programmes:enrol", kwargs={"programme_id": source.pk}),
    )
    return context


@hooks.register("registration_manage_panels")
def registration_manage_programme_link(request, registration) -> str:
    """On a registration's own page: the link to the programme page of the person's enrolment
    in the event's programme, if any."""
    parent = registration.event.get_parent()
    if parent is None or parent.specific_class is not ProgrammePage:
        return ""
    enrolment = (
        Enrolment.objects.select_related("programme")
        .filter(
            programme_id=parent.pk,
            email_normalised=registration.email_normalised,
            status=EnrolmentStatus.ENROLLED,
            anonymised_at__isnull=True,
        )
        .first()
    )
    if enrolment is None:
        return ""
    return render_to_string(
        "programmes/includes/manage_panel.html",
        {
            "programme": event_in_language(enrolment.programme, _get_language() or "en"),
            "url": enrolment_url(enrolment, absolute=False),
        },
        request=request,
    )


# --- mentoring: pairs per cohort, the pairs file, consent -------------------------------------

from registration.programmes.admin import mentoring as mentoring_admin  # noqa: E402 - own imports

#: URL names (namespace ``programmes_mentoring``): pairs, add, remove, upload.
MENTORING_URLS = [
    _path("<int:programme_id>/mentoring/", mentoring_admin.pairs, name="pairs"),
    _path("<int:programme_id>/mentoring/pair/", mentoring_admin.pair_add, name="add"),
    _path("<int:programme_id>/mentoring/unpair/", mentoring_admin.pair_remove, name="remove"),
    _path("<int:programme_id>/mentoring/import/", mentoring_admin.pairs_upload, name="upload"),
]


@hooks.register("register_admin_urls")
def register_programme_mentoring_urls():
    return [_path("programmes/", _include((MENTORING_URLS, "programmes_mentoring")))]


@hooks.register("register_log_actions")
def register_programme_mentoring_log_actions(actions):
    actions.register_action(
        "programmes.mentoring_viewed",
        _lazy("Mentoring pairs viewed"),
        _lazy("Viewed the programme's mentoring pairs"),
    )


# --- sendlinks: e-mail the personal programme links to people who have not had theirs -------

from registration.programmes.admin import notify as notify_admin  # noqa: E402 - own imports

#: Appended to the staff URLs (namespace ``programmes_admin``): links_send.
STAFF_URLS.append(
    _path("<int:programme_id>/links/send/", notify_admin.links_send, name="links_send")
)


@hooks.register("register_log_actions")
def register_programme_links_log_actions(actions):
    actions.register_action(
        "programmes.links_sent",
        _lazy("Personal links sent"),
        _lazy("Sent the personal programme links by e-mail"),
    )
