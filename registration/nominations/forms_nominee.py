"""Forms of the nominee's side: the event's registration form as an approved nominee sees it,
the visa request, and the organisers' visa letter template."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField
from wagtail.images.widgets import AdminImageChooser

from conference.l10n import country_choices
from conference.languages import language_choices
from registration.forms import RegistrationForm
from registration.nominations.models import VisaLetterTemplate, VisaRequest
from registration.nominations.visa import body_fill
from registration.validators import validate_person_name, validate_printable


class NomineeRegistrationForm(RegistrationForm):
    """The event's registration form for an approved nominee: the nomination is the invitation
    (no code), the e-mail address and the role are the nomination's (shown, not editable)."""

    def __init__(self, *args, event, nomination, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.fields.pop("invitation_code", None)
        self.fields.pop("role", None)
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _(
            "The address your nomination was made for. Write to the organisers to change it."
        )
        self.initial.setdefault("email", nomination.email)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisaRequestForm(forms.ModelForm):
    """What a participant enters for a visa invitation letter."""

    use_required_attribute = False

    class Meta:
        model = VisaRequest
        fields = [
            "name_in_passport",
            "nationality",
            "passport_number",
            "passport_expires",
            "date_of_birth",
        ]
        widgets = {"passport_expires": _date_widget(), "date_of_birth": _date_widget()}

    def __init__(self, *args, event, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.today = today or timezone.localdate()
        self.fields["nationality"] = LazyTypedChoiceField(
            label=_("Nationality"), choices=[("", _("Choose…")), *country_choices()]
        )
        self.fields["name_in_passport"].validators.extend(
            [validate_printable, validate_person_name]
        )
        self.fields["name_in_passport"].help_text = _(
            "Exactly as printed in your passport (Latin letters as in its machine-readable part)."
        )
        self.fields["passport_number"].validators.append(validate_printable)
        messages = {
            "name_in_passport": _("Enter your name as it is written in your passport."),
            "nationality": _("Choose your nationality."),
            "passport_number": _("Enter your passport number."),
            "passport_expires": _("Enter the date until which your passport is valid."),
            "date_of_birth": _("Enter your date of birth."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message
        for name in ("passport_expires", "date_of_birth"):
            self.fields[name].error_messages["invalid"] = _(
                "Enter a date as year-month-day, for example 1985-04-23."
            )

    def clean_passport_number(self) -> str:
        value = "".join((self.cleaned_data.get("passport_number") or "").split()).upper()
        if not value.isalnum():
            raise forms.ValidationError(_("A passport number has only letters and digits."))
        return value

    def clean_passport_expires(self) -> dt.date:
        value = self.cleaned_data["passport_expires"]
        if value <= self.event.end_date:
            raise forms.ValidationError(
                _("Your passport must be valid after the event's last day.")
            )
        return value

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        if value >= self.today:
            raise forms.ValidationError(_("Your date of birth must be in the past."))
        return value


class VisaLetterTemplateForm(forms.ModelForm):
    """The organisers' visa letter in one language."""

    class Meta:
        model = VisaLetterTemplate
        fields = ["language", "letterhead", "body", "purpose", "signatory_name", "signatory_title"]
        widgets = {"letterhead": AdminImageChooser, "body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["language"].choices = list(language_choices())

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            body_fill(body, {})
        except (KeyError, ValueError, IndexError) as exc:
            raise forms.ValidationError(
                _("The text has a placeholder that is not offered, or an unmatched brace.")
            ) from exc
        return body

    def clean(self):
        data = super().clean()
        language = data.get("language")
        if (
            language
            and VisaLetterTemplate.objects.filter(event=self.event, language=language)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("language", _("This event has a letter in this language already."))
        return data

    def _post_clean(self):
        self.instance.event = self.event
        super()._post_clean()
