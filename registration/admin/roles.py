"""Assigning staff roles per event in the admin (administrators; organisers may look).

Organisers see the staff of their own events only: the list, every object view (edit, delete,
history, usage) and the audit entries go through ``EventRolePermissionPolicy``.
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.models import EventPage
from registration.models.registrations import EventRole, StaffRole
from registration.permissions import event_role_assign, events_for, role_group


class EventRolePermissionPolicy(ModelPermissionPolicy):
    """Model permissions (from the groups) and, for anyone but a superuser, the organiser
    role on the role's event."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            user.is_superuser or instance.event_id in self._event_ids(user)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return EventRole.objects.none()
        if user.is_superuser:
            return EventRole.objects.all()
        return EventRole.objects.filter(event__in=events_for(user, StaffRole.ORGANISER))

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    @staticmethod
    def _event_ids(user) -> set[int]:
        return set(events_for(user, StaffRole.ORGANISER).values_list("pk", flat=True))


register_permission_policy(EventRole, EventRolePermissionPolicy(EventRole))


def _visible_roles(request):
    return EventRolePermissionPolicy(EventRole).instances_user_has_any_permission_for(
        request.user, ["view", "change", "delete"]
    )


class ScopedRoleMixin:
    """Object views: 404 for a role on an event where the user is not an organiser."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not _visible_roles(self.request).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class EventRoleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return _visible_roles(self.request).select_related("user", "event")


class EventRoleForm(forms.ModelForm):
    class Meta:
        model = EventRole
        fields = ["user", "event", "role"]

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        # Roles belong to the event itself: its default-language page.
        self.fields["event"].queryset = EventPage.objects.filter(
            locale=Locale.get_default()
        ).order_by("-start_date")
        self.fields["role"].help_text = _(
            "Organisers and registration managers see this event's participants; check-in "
            "staff only scan badges and search by name; reporters see aggregate reports."
        )


class EventRoleDeleteView(ScopedRoleMixin, generic.DeleteView):
    pass


class EventRoleHistoryView(ScopedRoleMixin, history.HistoryView):
    pass


class EventRoleUsageView(ScopedRoleMixin, usage.UsageView):
    pass


class EventRoleCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return event_role_assign(user=data["user"], event=data["event"], role=data["role"])


class EventRoleEditView(ScopedRoleMixin, generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        instance.user.groups.add(role_group(instance.role))
        return instance


class EventRoleViewSet(ModelViewSet):
    model = EventRole
    icon = "key"
    menu_label = _("Event staff roles")
    menu_name = "event_roles"
    add_to_settings_menu = True
    url_prefix = "event-roles"
    form_class = EventRoleForm
    index_view_class = EventRoleIndexView
    add_view_class = EventRoleCreateView
    edit_view_class = EventRoleEditView
    delete_view_class = EventRoleDeleteView
    history_view_class = EventRoleHistoryView
    usage_view_class = EventRoleUsageView
    list_display = ["user", "role", "event"]
    list_filter = ["role", "event"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return EventRoleForm
