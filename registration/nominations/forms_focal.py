"""The focal point's forms: nominate (or replace) a person, upload a document.

Only what a focal point knows about a nominee; each error is a sentence on its field in the
focal point's language. Services decide quotas, the deadline and duplicates.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from registration.models.registrations import ParticipantRole, Sex
from registration.nominations.models import DocumentKind
from registration.nominations.services.nominating import FOCAL_ROLES
from registration.validators import validate_person_name, validate_printable


class NominationForm(forms.Form):
    """One person a focal point nominates (or puts in another's place)."""

    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        validators=[validate_printable, validate_person_name],
        error_messages={"required": _("Enter the person's given name.")},
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        validators=[validate_printable, validate_person_name],
        error_messages={"required": _("Enter the person's family name.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The person's own address: their invitation to register is sent there."),
        error_messages={
            "required": _("Enter the person's e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
        },
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer (you may choose “Prefer not to say”).")},
    )
    position = forms.CharField(
        label=_("Position"), max_length=200, required=False, validators=[validate_printable]
    )
    organisation = forms.CharField(
        label=_("Institution"),
        max_length=200,
        validators=[validate_printable],
        error_messages={"required": _("Enter the person's institution.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(v, label) for v, label in ParticipantRole.choices if v in FOCAL_ROLES],
        initial=ParticipantRole.PARTICIPANT,
        error_messages={
            "required": _("Choose the person's role at the event."),
            "invalid_choice": _("Choose one of the roles offered."),
        },
    )

    def __init__(self, *args, prefix: str | None = None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class DocumentForm(forms.Form):
    """A PDF for the delegation (nomination letter, Note Verbale)."""

    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=DocumentKind.choices,
        error_messages={"required": _("Choose what kind of document this is.")},
    )
    file = forms.FileField(
        label=_("PDF file"),
        error_messages={
            "required": _("Choose a PDF file to upload."),
            "empty": _("The file is empty. Please choose the PDF again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF only, at most %(limit)s.") % {
            "limit": filesizeformat(settings.NOMINATION_DOCUMENT_MAX_BYTES)
        }
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"
