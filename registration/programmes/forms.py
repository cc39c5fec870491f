"""The public enrolment form of a programme: the registration form's fields and checks (every
event of the cohort gets a full registration from them), a cohort among those with places,
an optional region and, in a programme (not a course), the choice of taking part as a mentee.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import ProgrammeKind, ProgrammePage
from registration.forms import RegistrationForm
from registration.programmes.models import Cohort, EnrolmentRole
from registration.programmes.selectors.enrolment import cohorts_with_places
from registration.programmes.selectors.events import programme_events
from registration.validators import validate_printable


def _languages_of(programme: ProgrammePage) -> SimpleNamespace:
    """What ``RegistrationForm`` reads of an event, for the programme's events together: the
    interpretation languages any of them offers; enrolment needs no invitation code."""
    languages: list[str] = []
    for event in programme_events(programme):
        for code in event.interpretation_languages or []:
            if code and code not in languages:
                languages.append(code)
    return SimpleNamespace(interpretation_languages=languages, invitation_only=False)


class EnrolmentForm(RegistrationForm):
    """Enrol in ``programme``: the registration form's fields, plus cohort and region."""

    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, widget=forms.RadioSelect)
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        required=False,
        validators=[validate_printable],
        help_text=_("Optional. The region where you work."),
    )
    programme_role = forms.ChoiceField(
        label=_("How do you take part?"), widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args, programme: ProgrammePage, language: str, **kwargs):
        self.programme = programme.source
        super().__init__(*args, event=_languages_of(self.programme), **kwargs)
        # The programme role decides the registrations' role.
        del self.fields["role"]
        self.cohorts = cohorts_with_places(self.programme, language=language)
        open_cohorts = [c for c in self.cohorts if c.places_left is None or c.places_left > 0]
        if self.cohorts:
            self.fields["cohort"].choices = [
                (c.cohort.pk, self._cohort_label(c)) for c in open_cohorts
            ]
            self.fields["cohort"].error_messages.update(
                required=_("Choose your cohort."),
                invalid_choice=_("This cohort is full or does not exist. Choose another cohort."),
            )
        else:
            del self.fields["cohort"]
        if self.programme.kind == ProgrammeKind.PROGRAMME:
            self.fields["programme_role"].choices = [
                (EnrolmentRole.PARTICIPANT, _("As a participant")),
                (EnrolmentRole.MENTEE, _("As a mentee (the organisers pair you with a mentor)")),
            ]
            self.fields["programme_role"].initial = EnrolmentRole.PARTICIPANT
            self.fields["programme_role"].help_text = _("Mentors are enrolled by the organisers.")
        else:
            del self.fields["programme_role"]
        self.fields["email"].help_text = _(
            "We will send a link to this address: open it to confirm your enrolment."
        )
        order = [name for name in self.fields if name not in ("cohort", "region", "consent")]
        self.order_fields(["cohort", "region", *order, "consent"])

    @staticmethod
    def _cohort_label(places) -> str:
        if places.places_left is None:
            return places.name
        return _("%(name)s (places left: %(count)s)") % {
            "name": places.name,
            "count": places.places_left,
        }

    @property
    def has_open_cohort(self) -> bool:
        return "cohort" not in self.fields or bool(self.fields["cohort"].choices)

    def chosen_cohort(self) -> Cohort | None:
        """The cohort chosen (valid form), or ``None`` for a programme without cohorts."""
        pk = self.cleaned_data.get("cohort")
        if pk in (None, ""):
            return None
        return next(c.cohort for c in self.cohorts if c.cohort.pk == pk)
