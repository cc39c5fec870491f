"""The post-event report in the Wagtail admin: figures and charts, recommendations, exports,
and survey editing.

``registration/reports/wagtail_hooks.py`` imports this module, which registers the viewsets
``reports_admin`` (``/admin/reports/``) and ``surveys`` (``/admin/surveys/``). Only
superusers and staff holding the reporter or organiser role on the event reach an event's
report; the report shows aggregates (names only in a non-anonymous survey's open answers).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.models import EventPage, Session
from cms.timezones import EventChoiceTimeZoneFormMixin
from conference.storage import private_file_response
from registration.admin.viewsets import StaffViewSet
from registration.models import EventLogEntry, Registration
from registration.permissions import (
    REPORT_ROLES,
    access_log,
    event_for_staff,
    events_for,
    user_has_event_role,
)
from registration.reports import exporters
from registration.reports.models import (
    ExportFormat,
    ExportStatus,
    Recommendation,
    ReportExport,
    Survey,
)
from registration.reports.selectors import report_build
from registration.reports.services import reports as services
from registration.reports.services.surveys import survey_remind


class RecommendationForm(forms.Form):
    """A recommendation's text and session, to add one or to change one."""

    text = forms.CharField(
        label=gettext_lazy("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Write the recommendation.")},
    )
    session = forms.ModelChoiceField(
        label=gettext_lazy("From session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Not from one session —"),
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of this event's sessions."),
        },
    )

    def __init__(self, *args, event: EventPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.filter(page=event).order_by(
            "day", "start_time", "sort_order"
        )

    def full_clean(self) -> None:
        super().full_clean()
        # A screen reader reads the error with the field (the list's id in _rec_fields.html).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


#: What the buttons beside a recommendation do (``action`` of the POST).
RECOMMENDATION_ACTIONS = ("edit", "up", "down", "delete")


class RecommendationTargetForm(forms.Form):
    """Which of this event's recommendations a button acts on, and what it does: anything
    else (another event's row, a deleted one, a made-up id or action) is refused with a
    message rather than a 404 or a 500."""

    id = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(),
        error_messages={
            "required": gettext_lazy("This recommendation no longer exists. Reload the page."),
            "invalid_choice": gettext_lazy(
                "This recommendation no longer exists. Reload the page."
            ),
        },
    )
    action = forms.ChoiceField(choices=[(a, a) for a in RECOMMENDATION_ACTIONS])

    def __init__(self, *args, event: EventPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id"].queryset = Recommendation.objects.filter(event=event.source)


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportFormat.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language of the report"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


@never_cache
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """The events whose report the user may open."""
    events = list(
        events_for(request.user, *REPORT_ROLES)
        .filter(locale=Locale.get_default())
        .order_by("-start_date")
    )
    # Each event under its title in the user's language, when its page has a live copy in it.
    titles = dict(
        EventPage.objects.live()
        .filter(
            translation_key__in=[e.translation_key for e in events],
            locale__language_code=(translation.get_language() or "")[:2],
        )
        .values_list("translation_key", "title")
    )
    for event in events:
        event.local_title = titles.get(event.translation_key, event.title)
    return TemplateResponse(
        request,
        "registration/report/index.html",
        {
            "events": events,
            "page_title": _("Reports"),
            "header_title": _("Reports"),
            "header_icon": "doc-full",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """The report with its charts; POST adds, edits, moves or deletes a recommendation, or
    reminds the survey's latecomers. A refused change re-renders the page with status 400 and
    the error on its field; nothing is saved."""
    event = event_for_staff(request.user, event_id, REPORT_ROLES)
    form = RecommendationForm(event=event)
    edit_form, editing = None, None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            form = RecommendationForm(request.POST, event=event)
            if _recommendation_save(request, event, form, None):
                messages.success(request, _("Recommendation added."))
                return redirect(_detail_url(event, anchor="recommendations"))
        elif action in RECOMMENDATION_ACTIONS:
            target = RecommendationTargetForm(request.POST, event=event)
            if not target.is_valid():
                messages.error(
                    request, " ".join(e for errs in target.errors.values() for e in errs)
                )
                return _report_page(request, event, form, status=400)
            editing = target.cleaned_data["id"]
            if action == "edit":
                edit_form = RecommendationForm(request.POST, event=event, prefix="edit")
                if _recommendation_save(request, event, edit_form, editing):
                    messages.success(request, _("Recommendation saved."))
                    return redirect(_detail_url(event, anchor=f"rec-{editing.pk}"))
            else:
                if action == "delete":
                    services.recommendation_delete(recommendation=editing, user=request.user)
                    messages.success(request, _("Recommendation deleted."))
                    return redirect(_detail_url(event, anchor="recommendations"))
                services.recommendation_move(
                    recommendation=editing, direction=action, user=request.user
                )
                messages.success(request, _("Recommendation moved."))
                return redirect(_detail_url(event, anchor=f"rec-{editing.pk}"))
        elif action == "remind":
            count = survey_remind(event=event)
            messages.success(
                request,
                ngettext("%(count)s reminder queued.", "%(count)s reminders queued.", count)
                % {"count": count}
                if count
                else _("No reminder queued: everyone has answered or was reminded already."),
            )
            return redirect(_detail_url(event, anchor="survey"))
        else:
            messages.error(request, _("Unknown action. Reload the page and try again."))
            return _report_page(request, event, form, status=400)
    elif request.GET.get("edit", "").isdigit():
        editing = Recommendation.objects.filter(event=event, pk=request.GET["edit"]).first()
        if editing is not None:
            edit_form = RecommendationForm(
                initial={"text": editing.text, "session": editing.session_id},
                event=event,
                prefix="edit",
            )
    failed = form.errors or (edit_form is not None and edit_form.errors)
    return _report_page(
        request, event, form, edit_form=edit_form, editing=editing, status=400 if failed else 200
    )


def _recommendation_save(
    request: HttpRequest, event: EventPage, form: RecommendationForm, recommendation
) -> bool:
    """Add (``recommendation`` None) or change one from a bound form; a domain error goes on
    its field. Returns whether it was saved."""
    if not form.is_valid():
        return False
    try:
        if recommendation is None:
            services.recommendation_add(
                event=event,
                text=form.cleaned_data["text"],
                session=form.cleaned_data["session"],
                author=request.user,
            )
        else:
            services.recommendation_update(
                recommendation=recommendation,
                text=form.cleaned_data["text"],
                session=form.cleaned_data["session"],
                user=request.user,
            )
    except services.ReportError as exc:
        form.add_error("session" if exc.code == "wrong_session" else "text", str(exc))
        return False
    return True


def _report_page(
    request: HttpRequest,
    event: EventPage,
    form: RecommendationForm,
    *,
    edit_form: RecommendationForm | None = None,
    editing=None,
    status: int = 200,
) -> TemplateResponse:
    report = report_build(event=event)
    _log_open_answers(request, event, report)
    recent = ReportExport.objects.filter(event=event).select_related("job").order_by("-created")[:5]
    context = {
        "event": event,
        "report": report,
        "form": form,
        "edit_form": edit_form,
        "editing_id": editing.pk if editing is not None and edit_form is not None else None,
        "export_form": ExportForm(initial={"language": (translation.get_language() or "en")[:2]}),
        "exports": recent,
        "page_title": _("Report"),
        "page_subtitle": report.title,
        "header_title": _("Report: %(event)s") % {"event": report.title},
        "header_icon": "doc-full",
        "survey_edit_url": _survey_edit_url(event),
        **exporters.report_context(report),
    }
    return TemplateResponse(request, "registration/report/detail.html", context, status=status)


def _log_open_answers(request: HttpRequest, event: EventPage, report) -> None:
    """Audit the open answers the report shows: free text, named when the survey is not
    anonymous."""
    survey = report.survey
    shown = sum(len(q.open_answers) for q in survey.questions) if survey else 0
    if shown:
        access_log(
            user=request.user,
            event=event,
            action="report.answers_viewed",
            data={"answers": shown, "anonymous": survey.anonymous},
        )


def _detail_url(event: EventPage, *, anchor: str = "") -> str:
    url = reverse("reports_admin:detail", args=[event.pk])
    return f"{url}#{anchor}" if anchor else url


def _survey_edit_url(event: EventPage) -> str:
    survey = Survey.objects.filter(event=event).only("pk").first()
    if survey:
        return reverse("surveys:edit", args=[survey.pk])
    return reverse("surveys:add") + f"?event={event.pk}"


@never_cache
@require_POST
def report_export(request: HttpRequest, event_id: int) -> HttpResponse:
    """Download an export now (small event) or start it in the worker (large event)."""
    event = event_for_staff(request.user, event_id, REPORT_ROLES)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a format and a language for the export."))
        return redirect(_detail_url(event, anchor="export"))
    fmt, language = form.cleaned_data["format"], form.cleaned_data["language"]
    if Registration.objects.filter(event=event).count() <= services.inline_export_max():
        name, data = services.report_export_file(event=event, fmt=fmt, language=language)
        access_log(
            user=request.user,
            event=event,
            action="registration.report_downloaded",
            data={"format": fmt, "language": language},
        )
        return _file_response(data, name, fmt)
    export = services.report_export_request(
        event=event, fmt=fmt, language=language, user=request.user
    )
    return redirect("reports_admin:export_status", export.pk)


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _file_response(data: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export_for(request: HttpRequest, export_id: int) -> ReportExport:
    export = get_object_or_404(ReportExport.objects.select_related("event", "job"), pk=export_id)
    event_for_staff(request.user, export.event_id, REPORT_ROLES)
    return export


@never_cache
@require_GET
def report_export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    """The progress page of a worker export (a progress bar updated by report.js)."""
    export = _export_for(request, export_id)
    return TemplateResponse(
        request,
        "registration/report/export_status.html",
        {
            "export": export,
            "event": export.event,
            "page_title": _("Report export"),
            "page_subtitle": export.event.title,
            "header_title": _("Report export"),
            "header_icon": "download",
        },
    )


@never_cache
@require_GET
def report_export_json(request: HttpRequest, export_id: int) -> JsonResponse:
    export = _export_for(request, export_id)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": str(export.get_status_display()),
            "progress": export.progress,
            "download_url": reverse("reports_admin:export_download", args=[export.pk])
            if export.status == ExportStatus.DONE
            else "",
            "error": export.error if export.status == ExportStatus.FAILED else "",
        }
    )


@never_cache
@require_GET
def report_export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """The export's file from private storage, for the event's reporters and organisers;
    every download is written to the audit log."""

    export = _export_for(request, export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    response = private_file_response(
        export.file,
        filename=export.job.filename or f"report.{export.format}",
        content_type=CONTENT_TYPES[export.format],
    )
    access_log(
        user=request.user,
        event=export.event,
        action="registration.report_downloaded",
        data={"export": export.pk, "format": export.format, "language": export.language},
    )
    return response


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    # Changes to recommendations are filed under their event, like the report's downloads.
    actions.register_model(Recommendation, EventLogEntry)
    for action, label, message in (
        ("added", gettext_lazy("Recommendation added"), gettext_lazy("Added a recommendation")),
        (
            "changed",
            gettext_lazy("Recommendation changed"),
            gettext_lazy("Changed a recommendation"),
        ),
        ("moved", gettext_lazy("Recommendation moved"), gettext_lazy("Moved a recommendation")),
        (
            "deleted",
            gettext_lazy("Recommendation deleted"),
            gettext_lazy("Deleted a recommendation"),
        ),
    ):
        actions.register_action(f"report.recommendation_{action}", label, message)
    actions.register_action(
        "registration.report_downloaded",
        gettext_lazy("Report downloaded"),
        gettext_lazy("Downloaded an export of the report"),
    )


class ReportsViewSet(StaffViewSet):
    """The report of each of the user's events, its recommendations and exports (reporters and
    organisers: each view checks)."""

    name = "reports_admin"
    url_prefix = "reports"  # beside Wagtail's own reports (site history, ...) at /admin/reports/
    icon = "doc-full"
    menu_label = gettext_lazy("Reports")
    menu_name = "reports"
    menu_order = 320
    menu_roles = REPORT_ROLES

    def get_urlpatterns(self):
        return [
            path("", report_index, name="index"),
            path("<int:event_id>/", report_detail, name="detail"),
            path("<int:event_id>/export/", report_export, name="export"),
            path("exports/<int:export_id>/", report_export_status, name="export_status"),
            path("exports/<int:export_id>/status.json", report_export_json, name="export_json"),
            path(
                "exports/<int:export_id>/download/",
                report_export_download,
                name="export_download",
            ),
        ]


# --- Surveys: a Wagtail viewset, scoped to the events the user reports on ---------------


class SurveyPermissionPolicy(BasePermissionPolicy):
    """Reporters and organisers edit the surveys of their own events; superusers all."""

    def user_has_permission(self, user, action):
        return events_for(user, *REPORT_ROLES).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return user_has_event_role(user, instance.event, *REPORT_ROLES)

    def instances_user_has_any_permission_for(self, user, actions):
        return Survey.objects.filter(event__in=events_for(user, *REPORT_ROLES))

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(event_roles__role__in=REPORT_ROLES), is_active=True
            )
            .distinct()
        )


survey_policy = SurveyPermissionPolicy(Survey)
register_permission_policy(Survey, survey_policy)


class SurveyAdminForm(EventChoiceTimeZoneFormMixin, WagtailAdminModelForm):
    """Only the user's own events (their default-language page) can be chosen; "closes at"
    is typed and shown in the chosen event's time zone (cms.timezones)."""

    event_datetime_fields = ("closes_at",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "event" in self.fields:
            events = events_for(self.for_user, *REPORT_ROLES).filter(locale=Locale.get_default())
            field = self.fields["event"]
            field.queryset = events.order_by("-start_date")
            # A plain list of the user's events rather than Wagtail's page chooser, which
            # would browse the whole page tree.
            field.widget = forms.Select()
            field.widget.choices = field.choices


class ScopedQuerysetMixin:
    def get_queryset(self):
        return survey_policy.instances_user_has_any_permission_for(self.request.user, ["change"])

    def get_base_queryset(self):
        return self.get_queryset().select_related("event")


class SurveyViewSet(ModelViewSet):
    model = Survey
    icon = "list-ul"
    menu_label = gettext_lazy("Surveys")
    menu_order = 330
    add_to_admin_menu = True
    name = "surveys"
    list_display = ["__str__", "event", "anonymous", "is_open"]
    edit_handler = ObjectList(Survey.panels, base_form_class=SurveyAdminForm)
    copy_view_enabled = False
    inspect_view_enabled = False

    @property
    def index_view_class(self):
        return type("SurveyIndexView", (ScopedQuerysetMixin, super().index_view_class), {})

    @property
    def edit_view_class(self):
        return type("SurveyEditView", (ScopedQuerysetMixin, super().edit_view_class), {})

    @property
    def delete_view_class(self):
        return type("SurveyDeleteView", (ScopedQuerysetMixin, super().delete_view_class), {})

    @property
    def add_view_class(self):
        base = super().add_view_class

        class SurveyCreateView(base):
            def get_initial(self):
                initial = super().get_initial()
                if self.request.GET.get("event", "").isdigit():
                    initial["event"] = int(self.request.GET["event"])
                return initial

        return SurveyCreateView


survey_viewset = SurveyViewSet()


@hooks.register("register_admin_viewset")
def register_report_viewsets():
    return [ReportsViewSet(), survey_viewset]
