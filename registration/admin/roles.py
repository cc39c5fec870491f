"""Assigning staff roles per event in the admin (administrators; organisers may look)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale

from cms.models import EventPage
from registration.models.registrations import EventRole
from registration.permissions import event_role_assign, role_group


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


class EventRoleCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return event_role_assign(user=data["user"], event=data["event"], role=data["role"])


class EventRoleEditView(generic.EditView):
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
    add_view_class = EventRoleCreateView
    edit_view_class = EventRoleEditView
    list_display = ["user", "role", "event"]
    list_filter = ["role", "event"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return EventRoleForm
