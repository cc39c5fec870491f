"""Forms of the programme's staff screens: a cohort, a person enrolled by staff."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cms.models import EventPage, ProgrammePage
from conference.languages import language_choices
from registration.models.registrations import Sex, StaffRole
from registration.programmes.models import Cohort, EnrolmentRole, EnrolmentStatus
from registration.programmes.selectors.events import programme_events


class EventChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EventPage) -> str:
        return f"{obj.title} ({obj.start_date.isoformat()})"


class CohortForm(forms.ModelForm):
    """A cohort of one programme; its own events are chosen among the programme's events."""

    events = EventChoiceField(
        label=_("Events of this cohort only"),
        queryset=EventPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Events no cohort lists are common to every cohort."),
    )

    class Meta:
        model = Cohort
        fields = ["name", "code", "region", "capacity", "events", "trainers"]

    def __init__(self, *args, programme: ProgrammePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme.source
        self.instance.programme = self.programme
        ids = [e.pk for e in programme_events(self.programme, live_only=False)]
        self.fields["events"].queryset = EventPage.objects.filter(pk__in=ids).order_by(
            "start_date", "path"
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = Cohort.objects.filter(programme=self.programme, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another cohort of this programme already has this code."), code="code_taken"
            )
        return code

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            enrolled = self.instance.enrolments.filter(
                status=EnrolmentStatus.ENROLLED, anonymised_at__isnull=True
            ).count()
            if capacity < enrolled:
                raise forms.ValidationError(
                    _("%(count)s people are already enrolled: the capacity cannot be lower."),
                    code="capacity_below_enrolled",
                    params={"count": enrolled},
                )
        return capacity


class EnrolmentStaffForm(forms.Form):
    """A person enrolled by a registration manager (the same data as the public form)."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Role in the programme"), choices=EnrolmentRole.choices)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)

    def __init__(self, *args, programme: ProgrammePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme.source
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=self.programme)
        if self.fields["cohort"].queryset.exists():
            self.fields["cohort"].required = True


class EnrolmentFilterForm(forms.Form):
    """Search and filters of the enrolment list."""

    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=100)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, programme: ProgrammePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=programme.source)
        self.fields["status"].choices = [("", _("Any status")), *EnrolmentStatus.choices]


class ProgrammeRoleForm(forms.Form):
    """A role on the programme for an existing account, named by user name or e-mail (no
    list of accounts is shown)."""

    account = forms.CharField(label=_("User name or e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)

    def clean_account(self):
        value = self.cleaned_data["account"].strip()
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=value).first() or users.filter(email__iexact=value).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account has this user name or e-mail."), code="no_account"
            )
        return user
