"""Forms of the organisers' delegation screens: a delegation, reopening, decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conference.l10n import country_choices
from conference.languages import language_choices
from registration.models.registrations import ParticipantRole
from registration.nominations.models import DelegationKind

ROLE_PREFIX = "role_"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DelegationForm(forms.Form):
    """A delegation as the organiser sets it. Times are in the event's time zone (the view
    activates it). Cross-field rules live in ``delegation_clean`` (the service)."""

    kind = forms.ChoiceField(label=_("kind"), choices=DelegationKind.choices)
    country = forms.ChoiceField(label=_("country"), required=False)
    name = forms.CharField(
        label=_("name"),
        max_length=200,
        required=False,
        help_text=_("For a State, leave empty to use the country's name."),
    )
    quota = forms.IntegerField(label=_("places"), min_value=1, max_value=500, initial=4)
    deadline = forms.DateTimeField(
        label=_("nomination deadline"), required=False, widget=DATETIME_WIDGET
    )
    focal_name = forms.CharField(label=_("focal point's name"), max_length=200)
    focal_email = forms.EmailField(label=_("focal point's e-mail"))
    focal_language = forms.ChoiceField(label=_("focal point's language"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices(get_language())]
        self.fields["focal_language"].choices = language_choices()
        for role in ParticipantRole:
            self.fields[f"{ROLE_PREFIX}{role.value}"] = forms.IntegerField(
                label=_("Places for the role: %(role)s") % {"role": role.label},
                min_value=0,
                max_value=500,
                required=False,
            )

    @classmethod
    def initial_from(cls, delegation) -> dict:
        initial = {
            key: getattr(delegation, key)
            for key in (
                "kind",
                "country",
                "name",
                "quota",
                "deadline",
                "focal_name",
                "focal_email",
                "focal_language",
            )
        }
        initial["country"] = str(delegation.country or "")
        for role, places in (delegation.role_quotas or {}).items():
            initial[f"{ROLE_PREFIX}{role}"] = places
        return initial

    def role_fields(self):
        return [self[name] for name in self.fields if name.startswith(ROLE_PREFIX)]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(ROLE_PREFIX)]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(ROLE_PREFIX)}
        data["role_quotas"] = {
            name[len(ROLE_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(ROLE_PREFIX) and value
        }
        return data


class ReopenForm(forms.Form):
    until = forms.DateTimeField(label=_("reopened until"), widget=DATETIME_WIDGET)


class DecisionForm(forms.Form):
    """The bulk form under the nominees' list: the ticked nominations get the decision."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("decline", _("Decline")),
            ("replacement", _("Ask for a replacement")),
        ],
    )
    message = forms.CharField(
        label=_("Message to the focal point"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nominations = forms.TypedMultipleChoiceField(
        label=_("Nominees"),
        coerce=int,
        error_messages={"required": _("Tick at least one nominee.")},
    )

    def __init__(self, *args, nomination_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [(pk, pk) for pk in nomination_ids]
