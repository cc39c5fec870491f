"""Participants in the Wagtail admin: a snippet viewset scoped to the user's events.

- Lists, filters, search, XLSX/CSV export and bulk approve/decline/cancel come from Wagtail's
  ``SnippetViewSet`` and bulk actions; every query is limited to the events where the user is
  an organiser or registration manager (``RegistrationPermissionPolicy``), and every object
  view checks the same.
- Wagtail's generic screens for snippets — the chooser (``/admin/snippets/choose/…``), the
  bulk-action confirmation pages (``/admin/bulk/…?id=all``) and the history — ask the same
  permission policy for the registrations a user may see, so none of them lists a participant
  of an event where the user has no participant role.
- Access to personal data (list, export, detail) is written to the audit log
  (``EventLogEntry``, filed under the event): only that event's organisers and registration
  managers read it, in "Reports → Site history".
- Registrations are made through the public form only (no "add" in the admin); status changes
  only through the bulk actions, which call the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_filters import BooleanFilter, ChoiceFilter, DateFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from cms.fields import EVENT_LANGUAGES
from cms.models import EventPage
from conference.l10n import country_choices
from registration.forms import StaffMessageForm, participant_validators_apply
from registration.models.registrations import (
    PARTICIPANT_FIELDS,
    STAFF,
    AccessNeed,
    DietaryNeed,
    OrganisationType,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Sex,
    participant_fields,
    search_filter,
)
from registration.permissions import (
    PARTICIPANT_ROLES,
    access_log,
    events_for,
    user_has_event_role,
)
from registration.selectors.registrations import registrations_visible_to
from registration.services.registrations import (
    RegistrationError,
    registration_approve,
    registration_cancel,
    registration_decline,
    registration_update,
)
from registration.spreadsheets import safe_cell


def participant_event_ids(user) -> frozenset[int]:
    """Ids of the events where ``user`` is an organiser or registration manager, read once per
    user object (one request): the policy below asks for every row, menu items once each."""
    cached = getattr(user, "_participant_event_ids", None)
    if cached is None:
        cached = frozenset(events_for(user, *PARTICIPANT_ROLES).values_list("pk", flat=True))
        user._participant_event_ids = cached
    return cached


class RegistrationPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (from the role groups) *and* a participant role on the event.

    A listing asks this for every row's buttons: the events the user may see participants of
    are read once per user object (one request) instead of once a row.
    """

    def _event_ids(self, user) -> frozenset[int]:
        return participant_event_ids(user)

    def user_has_permission(self, user, action):
        if user.is_active and user.is_superuser:
            return True
        if action in ("add", "delete"):
            return False  # made through the public form; deleted only by an administrator
        return super().user_has_permission(user, action) and bool(self._event_ids(user))

    def user_has_permission_for_instance(self, user, action, instance):
        if user.is_active and user.is_superuser:
            return True
        # A registration belongs to its event's source page: its id is what roles are on.
        return self.user_has_permission(user, action) and instance.event_id in self._event_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Registration.objects.none()
        return registrations_visible_to(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


register_permission_policy(Registration, RegistrationPermissionPolicy(Registration))


def objects_visible_to(user, model):
    """The objects of ``model`` that ``user`` may see, as its registered permission policy says.

    Wagtail's generic chooser and bulk-action views read ``Model.objects.all()``; every one of
    ours asks this instead, so the policy above is the one place that decides.
    """
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ["view", "change"])


# --- Wagtail's snippet chooser, scoped ------------------------------------------------------


class ScopedChooserMixin:
    results_template_name = "registration/admin/chooser_results.html"

    def get_object_list(self):
        return objects_visible_to(self.request.user, self.model_class)


class ScopedChooseView(ScopedChooserMixin, ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooserMixin, ChooseResultsView):
    pass


class ScopedChosenView(SnippetChosenView):
    def get_object(self, pk):
        return objects_visible_to(self.request.user, self.model_class).get(pk=pk)


class ScopedChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return objects_visible_to(self.request.user, self.model_class).filter(pk__in=pks)


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    """Wagtail's snippet chooser, listing only what the model's permission policy allows."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


# --- Wagtail's bulk actions, scoped ---------------------------------------------------------


class ScopedBulkActionMixin:
    """Bulk actions (their confirmation pages too) see only what the permission policy allows.

    Wagtail fetches ``?id=all`` (and any ``?id=``) from every row of the model and lists rows
    the user may not change by name; here rows the user may not see are never fetched.
    """

    def get_all_objects_in_listing_query(self, parent_id):
        return objects_visible_to(self.request.user, self.model).values_list("pk", flat=True)

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            ids = self.get_all_objects_in_listing_query(self.request.GET.get("childOf"))
        visible = objects_visible_to(self.request.user, self.model).filter(pk__in=ids)
        objects, no_access = [], []
        for obj in visible:
            (objects if self.check_perm(obj) else no_access).append(obj)
        if not objects and not no_access:
            raise Http404
        return objects, {"items_with_no_access": no_access}


def _needs_filter(field: str):
    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.annotate(**{f"{field}_text": Cast(field, TextField())}).filter(
            **{f"{field}_text__contains": f'"{value}"'}
        )

    return method


def _email_confirmed(queryset, name, value):
    if value is None:
        return queryset
    return queryset.filter(email_confirmed_at__isnull=not value)


def _checked_in_on(queryset, name, value):
    # Through the reverse relation's name: the core admin imports nothing of the check-in room.
    # One check-in per person and day (a unique constraint), so no row comes twice.
    return queryset.filter(checkins__day=value) if value else queryset


class RegistrationFilterSet(WagtailFilterSet):
    event = ModelChoiceFilter(
        label=_("Event"),
        queryset=lambda request: (
            events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date")
            if request
            else EventPage.objects.none()
        ),
    )
    status = ChoiceFilter(label=_("Status"), choices=RegistrationStatus.choices)
    country = ChoiceFilter(label=_("Country"), choices=country_choices)
    sex = ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    organisation_type = ChoiceFilter(label=_("Organisation type"), choices=OrganisationType.choices)
    role = ChoiceFilter(label=_("Role"), choices=ParticipantRole.choices)
    interpretation_language = ChoiceFilter(
        label=_("Interpretation language"), choices=EVENT_LANGUAGES
    )
    access_need = ChoiceFilter(
        label=_("Accessibility need"),
        choices=AccessNeed.choices,
        method=_needs_filter("access_needs"),
    )
    dietary_need = ChoiceFilter(
        label=_("Dietary requirement"), choices=DietaryNeed.choices, method=_needs_filter("dietary")
    )
    visa_letter = BooleanFilter(label=_("Needs a visa support letter"))
    # The registration dashboard links to the list filtered by these (``registration.dashboard``).
    email_confirmed = BooleanFilter(label=_("E-mail confirmed"), method=_email_confirmed)
    checked_in_on = DateFilter(
        label=_("Checked in on"), method=_checked_in_on, widget=AdminDateInput
    )

    class Meta:
        model = Registration
        fields = []


def _yes_no(value: bool) -> str:
    return str(_("yes")) if value else ""


#: Participant fields whose value goes into another's column: the free-text "other" answer
#: after the ticked choices.
EXPORT_FOLDED = {"access_needs_other": "access_needs", "dietary_needs": "dietary"}
#: Participant fields a spreadsheet shows differently from a page (``ParticipantField.display``).
EXPORT_VALUES = {
    "badge_name": lambda r: r.name_on_badge,
    "visa_letter": lambda r: _yes_no(r.visa_letter),
}


def _export_column(spec, folded) -> tuple[Any, Callable[[Registration], Any]]:
    """Heading and reader of the column of one participant field (``folded``: the fields
    whose value is appended to it)."""
    read = EXPORT_VALUES.get(spec.name, spec.display)

    def value(registration: Registration) -> Any:
        parts = [read(registration), *(other.display(registration) for other in folded)]
        return "; ".join(part for part in parts if part) if folded else parts[0]

    return spec.label, value


def export_columns() -> dict[str, tuple[Any, Callable[[Registration], Any]]]:
    """Spreadsheet columns, by name: heading and how to read the value (labels, not codes).
    Every participant field (``PARTICIPANT_FIELDS``) has one, or is folded into one."""
    columns = {
        "event": (_("Event"), lambda r: r.event.title),
        "status": (_("Status"), lambda r: r.get_status_display()),
    }
    for spec in PARTICIPANT_FIELDS:
        if spec.name not in EXPORT_FOLDED:
            folded = [s for s in PARTICIPANT_FIELDS if EXPORT_FOLDED.get(s.name) == spec.name]
            columns[spec.name] = _export_column(spec, folded)
    columns.update(
        {
            "created_at": (_("Registered at"), lambda r: r.created_at),
            "email_confirmed_at": (_("E-mail confirmed at"), lambda r: r.email_confirmed_at),
            "consent_version": (_("Privacy notice version"), lambda r: r.consent_version),
        }
    )
    return columns


EXPORT = export_columns()

#: The edit screen's sections (``ParticipantField.section``) and the fields set side by side.
EDIT_SECTIONS = (
    ("person", _("Person")),
    ("work", _("Work")),
    ("needs", _("Language and needs")),
)
EDIT_ROWS = (("given_name", "family_name"),)


def edit_panels() -> list[MultiFieldPanel]:
    """The staff edit screen: the participant fields staff may change, by section."""
    editable = participant_fields(editable_by=STAFF)
    panels = []
    for section, heading in EDIT_SECTIONS:
        names = [spec.name for spec in editable if spec.section == section]
        children: list = []
        for name in names:
            row = next((row for row in EDIT_ROWS if name in row), None)
            if row is None:
                children.append(FieldPanel(name))
            elif name == row[0]:
                children.append(FieldRowPanel([FieldPanel(n) for n in row if n in names]))
        if children:
            panels.append(MultiFieldPanel(children, heading=heading))
    return panels


class RegistrationStaffForm(WagtailAdminModelForm):
    """The staff edit form: the same checks of typed text as the participant's forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participant_validators_apply(self.fields)


class ScopedObjectMixin:
    """Object views: 404 unless the user has a participant role on the registration's event;
    log who looked."""

    log_action = "registration.viewed"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not user_has_event_role(self.request.user, obj.event, *PARTICIPANT_ROLES):
            raise Http404
        if self.request.method == "GET" and self.log_action:
            log(obj, self.log_action, user=self.request.user)
        return obj


class RegistrationIndexView(IndexView):
    xlsx_sheet_title = _("Participants")  # the XLSX sheet's name (registration.spreadsheets)

    def get_base_queryset(self):
        return registrations_visible_to(self.request.user).select_related("event")

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    @cached_property
    def header_buttons(self):
        # The event's figures (``registration.dashboard``), by URL name: the core rooms import
        # nothing of the room above them.
        chosen = self.request.GET.get("event", "")
        url = (
            reverse("registration_dashboard:event", args=[int(chosen)])
            if chosen.isdigit()
            else reverse("registration_dashboard:index")
        )
        return [
            *super().header_buttons,
            HeaderButton(_("Registration dashboard"), url=url, icon_name="clipboard-list"),
        ]

    def search_queryset(self, queryset):
        # One normalised column (``Registration.search_text``): "нурланова", "Nurlanova" and
        # "NURLANOVA" find the same person, on SQLite as on PostgreSQL.
        if not self.is_searching:
            return queryset
        return queryset.filter(search_filter(self.search_query))

    def to_row_dict(self, item):
        row = {field: EXPORT[field][1](item) for field in self.list_export}
        if self.request.GET.get("export") == self.FORMAT_CSV:
            # A name or answer starting with "=" must stay text in a spreadsheet; Wagtail's
            # XLSX writer already stores strings as strings (``registration.spreadsheets``).
            row = {k: safe_cell(force_str(v, strings_only=True)) for k, v in row.items()}
        return row

    def get_heading(self, queryset, field):
        return str(EXPORT[field][0])

    def stream_csv(self, queryset):
        # The CSV is written after the view returns, when the admin's language is no longer
        # active: keep it for the headings and labels.
        language = translation.get_language()
        rows = super().stream_csv(queryset)

        def in_language():
            with translation.override(language):
                yield from rows

        return in_language()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self._log_access()
        return response

    def _log_access(self) -> None:
        """One audit entry per event whose participants were shown or exported."""
        if self.request.GET.get("_w_filter_fragment"):
            return  # the filter panel refreshing itself shows no one
        action = "registration.exported" if self.is_export else "registration.list_viewed"
        events = events_for(self.request.user, *PARTICIPANT_ROLES)
        chosen = self.request.GET.get("event")
        if chosen and chosen.isdigit():
            events = events.filter(pk=int(chosen))
        # The filters, not the search words: a name typed into the search box is personal data
        # the audit log would otherwise keep after the participant is anonymised.
        params = self.request.GET.copy()
        searched = bool(params.pop("q", None))
        data = {"query": params.urlencode()[:500], "searched": searched}
        for event in events:
            access_log(user=self.request.user, event=event, action=action, data=data)


class RegistrationEditView(ScopedObjectMixin, EditView):
    """Staff correct a participant's details through ``registration_update``, as the
    participant does on their own page: the same rule of which registrations may change, the
    same ``StatusChange`` record (by the staff member); staff may change the role too."""

    log_action = "registration.viewed"

    def save_instance(self):
        registration = self.form.instance
        changed = registration_update(
            registration=registration,
            data=self.form.cleaned_data,
            by=self.request.user,
            editor=STAFF,
        )
        self.new_revision = None
        log(
            instance=registration,
            action="wagtail.edit",
            user=self.request.user,
            content_changed=bool(changed),
        )
        return registration

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RegistrationError as exc:
            form.add_error(None, exc.message)
            self.produced_error_code = exc.code
            self.produced_error_message = exc.message
            return self.form_invalid(form)


class RegistrationInspectView(ScopedObjectMixin, InspectView):
    pass


class RegistrationHistoryView(ScopedObjectMixin, HistoryView):
    log_action = ""


class RegistrationUsageView(ScopedObjectMixin, UsageView):
    log_action = ""


class RegistrationViewSet(SnippetViewSet):
    model = Registration
    chooser_viewset_class = ScopedSnippetChooserViewSet
    # Registrations reference nothing editors need to track; indexing costs a write per save.
    add_to_reference_index = False
    icon = "group"
    menu_label = _("Participants")
    menu_name = "participants"
    menu_order = 210
    add_to_admin_menu = True
    url_prefix = "participants"
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    inspect_view_class = RegistrationInspectView
    history_view_class = RegistrationHistoryView
    usage_view_class = RegistrationUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = RegistrationFilterSet
    # Given and family name, badge name, e-mail, organisation (``SEARCH_SOURCES``), in either
    # script: ``RegistrationIndexView.search_queryset`` reads the one column that holds them.
    search_fields = ["search_text"]
    search_backend_name = None
    list_display = ["full_name", "organisation", "country", "status", "event", "created_at"]
    list_per_page = 50
    ordering = ["-created_at"]
    list_export = list(EXPORT)
    export_filename = "participants"
    inspect_view_fields = [
        "event",
        "status",
        *(spec.name for spec in PARTICIPANT_FIELDS),
        "consent_version",
        "consent_at",
        "created_at",
        "email_confirmed_at",
    ]
    # Staff correct details here; status changes only through the bulk actions (services).
    edit_handler = ObjectList(edit_panels(), base_form_class=RegistrationStaffForm)


# --- bulk actions ---------------------------------------------------------------------------


class RegistrationBulkAction(ScopedBulkActionMixin, SnippetBulkAction):
    """Approve, decline or cancel many registrations at once, with an optional message."""

    template_name = "registration/admin/bulk_action.html"
    form_class = StaffMessageForm
    service = None

    @staticmethod
    def done_message(count: int) -> str:
        raise NotImplementedError

    @classproperty
    def models(cls):
        return [Registration]

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "user": self.request.user,
            "message": self.cleaned_form.cleaned_data.get("message", "")
            if self.cleaned_form
            else "",
        }

    @classmethod
    def execute_action(cls, objects, user=None, message="", **kwargs):
        # All or nothing: a web process killed (or failing) half-way through leaves every
        # registration as it was, with no outbox row written, rather than half of them changed.
        # A refusal the service foresees (``RegistrationError``) rolls back only its own
        # savepoint and is reported; the rest go on.
        done, failed = 0, []
        with transaction.atomic():
            for registration in objects:
                try:
                    cls.service(registration=registration, by=user, message=message)
                except RegistrationError as exc:
                    failed.append(f"{registration.full_name}: {exc.message}")
                else:
                    done += 1
        kwargs["self"].failed = failed
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        for failure in getattr(self, "failed", []):
            messages.warning(self.request, failure)
        return self.done_message(num_parent_objects) % {"count": num_parent_objects}


class ApproveBulkAction(RegistrationBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected registrations")
    action_priority = 10
    service = staticmethod(registration_approve)

    @staticmethod
    def done_message(count: int) -> str:
        return ngettext(
            "%(count)d registration approved.", "%(count)d registrations approved.", count
        )


class DeclineBulkAction(RegistrationBulkAction):
    display_name = _("Decline")
    action_type = "decline"
    aria_label = _("Decline the selected registrations")
    action_priority = 20
    service = staticmethod(registration_decline)

    @staticmethod
    def done_message(count: int) -> str:
        return ngettext(
            "%(count)d registration declined.", "%(count)d registrations declined.", count
        )


class CancelBulkAction(RegistrationBulkAction):
    display_name = _("Cancel registration")
    action_type = "cancel"
    aria_label = _("Cancel the selected registrations")
    action_priority = 30
    classes = {"serious"}
    service = staticmethod(registration_cancel)

    @staticmethod
    def done_message(count: int) -> str:
        return ngettext(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", count
        )


class RegistrationDeleteBulkAction(ScopedBulkActionMixin, DeleteBulkAction):
    """Wagtail's snippet delete, scoped: its confirmation page listed every participant."""

    @classproperty
    def models(cls):
        return [Registration]


BULK_ACTIONS = [ApproveBulkAction, DeclineBulkAction, CancelBulkAction]
