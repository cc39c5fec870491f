"""Participant forms: register, edit one's registration, ask for the link again; staff messages.

Forms validate everything a person types and keep it on error; services decide (capacity,
dates, invitation). Browser validation is off (``novalidate`` in the template and no
``required`` attributes) so every error is the same translated sentence, shown on its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from cms.fields import language_name
from registration.models.registrations import (
    PARTICIPANT,
    PUBLIC_ROLES,
    AccessNeed,
    DietaryNeed,
    ParticipantRole,
    Registration,
    Sex,
    Title,
    participant_field_names,
    participant_fields,
)
from registration.selectors.lifecycle import privacy_notice_current
from registration.validators import (
    validate_has_letters,
    validate_person_name,
    validate_printable,
)

#: What is checked of text a person types, by the kind of text (``ParticipantField.text``):
#: the public form, the participant's page and the staff edit screen all apply these.
TEXT_VALIDATORS = {
    "name": (validate_printable, validate_person_name),
    "badge": (validate_printable, validate_has_letters),
    "free": (validate_printable,),
}


def participant_validators_apply(fields) -> None:
    """Add the validators of each participant field's kind of text to the form ``fields``
    present (the participant's forms and the staff edit form share this)."""
    for spec in participant_fields():
        if spec.name in fields:
            fields[spec.name].validators.extend(TEXT_VALIDATORS.get(spec.text, ()))


REQUIRED_MESSAGES = {
    "given_name": _("Enter your given name."),
    "family_name": _("Enter your family name."),
    "email": _("Enter your e-mail address."),
    "organisation": _("Enter the name of your organisation."),
    "organisation_type": _("Choose the type of your organisation."),
    "country": _("Choose your country."),
    "sex": _("Choose an answer (you may choose “Prefer not to say”)."),
    "role": _("Choose your role at the event."),
    "interpretation_language": _("Choose the language you will listen to."),
    "language": _("Choose the language for our messages."),
    "consent": _("To register, agree to the privacy notice."),
    "invitation_code": _("Enter the invitation code from your invitation."),
}


def _in_own_language(code: str) -> str:
    """A language's own name marked with its ``lang``, for a radio label: a screen reader then
    reads "Русский" in Russian on an English page (WCAG 3.1.2)."""
    return format_html('<span lang="{}">{}</span>', code, language_name(code))


class ParticipantFieldsMixin:
    """Widgets, choices and checks shared by the registration and the edit form."""

    use_required_attribute = False

    def _setup_fields(self, event) -> None:
        fields = self.fields
        fields["title"].choices = [("", _("No title")), *Title.choices]
        fields["title"].help_text = _("Optional. “Mx” is a gender-neutral title.")
        fields["badge_name"].help_text = _(
            "As it should be printed on your badge, if different from your full name."
        )
        fields["sex"] = forms.ChoiceField(
            label=_("Sex"),
            choices=Sex.choices,
            widget=forms.RadioSelect,
            help_text=_(
                "We ask this only to report the share of women and men at the event "
                "(disaggregated statistics). It is never shown on your badge."
            ),
        )
        fields["organisation_type"].choices = [
            ("", _("Choose…")),
            *fields["organisation_type"].choices[1:],
        ]
        # The country list's blank choice comes from the model field (``blank_label``):
        # setting ``choices`` here would rebuild 250 choices for every form.
        languages = [code for code in (event.interpretation_languages or []) if code]
        if languages:
            fields["interpretation_language"] = forms.ChoiceField(
                label=_("Interpretation language"),
                choices=[(code, _in_own_language(code)) for code in languages],
                widget=forms.RadioSelect,
                help_text=_("The language you will listen to through the interpretation headset."),
            )
        else:
            del fields["interpretation_language"]
        fields["access_needs"] = forms.MultipleChoiceField(
            label=_("Accessibility needs"),
            choices=AccessNeed.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("Tick what you need so that the venue can prepare."),
        )
        fields["access_needs_other"].label = _("Other accessibility needs")
        fields["dietary"] = forms.MultipleChoiceField(
            label=_("Dietary requirements"),
            choices=DietaryNeed.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        fields["dietary_needs"].label = _("Other dietary needs or allergies")
        fields["visa_letter"].label = _("I need a visa support letter")
        fields["language"] = forms.ChoiceField(
            label=_("Language for our messages"),
            choices=[(code, _in_own_language(code)) for code, _name in settings.LANGUAGES],
            widget=forms.RadioSelect,
            initial=(get_language() or "en")[:2],
        )
        if "phone" in fields:
            fields["phone"] = PhoneNumberField(
                label=_("Phone"),
                required=False,
                help_text=_("Optional. In international format, for example +7 701 234 5678."),
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                error_messages={
                    "invalid": _(
                        "Enter the phone number in international format, starting with + "
                        "and the country code."
                    )
                },
            )
        for name, message in REQUIRED_MESSAGES.items():
            if name in fields:
                fields[name].error_messages["required"] = message
        participant_validators_apply(fields)
        autocomplete = {
            "given_name": "given-name",
            "family_name": "family-name",
            "email": "email",
            "organisation": "organization",
            "position": "organization-title",
            "country": "country",
            "title": "honorific-prefix",
        }
        for name, value in autocomplete.items():
            if name in fields:
                fields[name].widget.attrs["autocomplete"] = value

    def sections(self) -> list[dict[str, Any]]:
        """The participant fields of this form by section (``SECTIONS``), for the template."""
        grouped: dict[str, list] = {}
        for spec in participant_fields():
            if spec.name in self.fields:
                grouped.setdefault(spec.section, []).append(self[spec.name])
        return [
            {"id": html_id, "heading": heading, "fields": grouped.get(key, [])}
            for key, html_id, heading in SECTIONS
        ]

    def clean(self):
        data = super().clean()
        if (
            AccessNeed.OTHER in (data.get("access_needs") or [])
            and not (data.get("access_needs_other") or "").strip()
        ):
            self.add_error(
                "access_needs_other", _("Describe the other accessibility need you ticked.")
            )
        return data


#: Every participant field: the registration form asks for all of them.
PARTICIPANT_FIELDS = list(participant_field_names())

#: Where each form groups the fields (``ParticipantField.section``): the id and heading of
#: each section of the registration form, in order.
SECTIONS = (
    ("person", "about-you", _("About you")),
    ("work", "your-work", _("Your work")),
    ("needs", "your-needs", _("Language and needs")),
)


class RegistrationForm(ParticipantFieldsMixin, forms.ModelForm):
    """The public registration form of one event."""

    invitation_code = forms.CharField(
        label=_("Invitation code"), max_length=64, required=False, strip=True
    )
    consent = forms.BooleanField(label=_("I agree to the privacy notice"), required=True)

    class Meta:
        model = Registration
        fields = PARTICIPANT_FIELDS

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self._setup_fields(event)
        # Public roles only: any other value posted is refused as an invalid choice.
        self.fields["role"].choices = [
            (value, label) for value, label in ParticipantRole.choices if value in PUBLIC_ROLES
        ]
        self.fields["role"].initial = ParticipantRole.PARTICIPANT
        self.fields["role"].error_messages["invalid_choice"] = _(
            "Choose one of the roles offered. Speakers, experts, mentors and organisers are "
            "registered by the organisers."
        )
        self.fields["email"].help_text = _(
            "We will send a link to this address: open it to confirm your registration."
        )
        self.fields["consent"].help_text = _(
            "We use your details only to organise this event and report on it. "
            "Read the privacy notice (version %(version)s)."
        ) % {"version": privacy_notice_current().version}
        if event.invitation_only:
            self.fields["invitation_code"].required = True
            self.fields["invitation_code"].error_messages["required"] = REQUIRED_MESSAGES[
                "invitation_code"
            ]
            self.fields["invitation_code"].validators.append(validate_printable)
            self.order_fields([*PARTICIPANT_FIELDS, "invitation_code", "consent"])
        else:
            del self.fields["invitation_code"]

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip()

    def _post_clean(self):
        # The services decide uniqueness, capacity and dates; the model has no event yet.
        pass


class RegistrationEditForm(ParticipantFieldsMixin, forms.ModelForm):
    """What a participant may change on their own page: not the e-mail address or the role."""

    class Meta:
        model = Registration
        fields = list(participant_field_names(editable_by=PARTICIPANT))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self._setup_fields(event)
        if "interpretation_language" in self.fields and self.instance.interpretation_language:
            self.initial.setdefault(
                "interpretation_language", self.instance.interpretation_language
            )

    def _post_clean(self):
        pass


class ResendLinkForm(forms.Form):
    """Ask for the self-service link again (the answer never says whether one was sent)."""

    use_required_attribute = False

    email = forms.EmailField(
        label=_("E-mail address you registered with"),
        error_messages={"required": REQUIRED_MESSAGES["email"]},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class StaffMessageForm(forms.Form):
    """Bulk approve, decline or cancel: an optional message to the participants."""

    message = forms.CharField(
        label=_("Message to the participants (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_printable],
        help_text=_("Added to the e-mail each participant receives."),
    )
