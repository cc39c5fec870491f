"""Forms of the mentoring screen: pair two people of one cohort, upload a pairs file.

The pair form's choices are the cohort's own mentors and unpaired mentees (from
``programme_pairs``, read once for the whole screen): no generic chooser that could list
another programme's people.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.programmes.selectors.mentoring import CohortPairs


def person_label(person) -> str:
    label = f"{person.family_name} {person.given_name}"
    return f"{label} ({person.organisation})" if person.organisation else label


class PairForm(forms.Form):
    """A mentor and a mentee of one cohort (the prefix keeps each cohort's ids apart)."""

    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int)
    mentee = forms.TypedChoiceField(label=_("Mentee"), coerce=int)

    def __init__(self, *args, entry: CohortPairs, **kwargs) -> None:
        kwargs.setdefault("prefix", f"cohort-{entry.cohort.pk}")
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["mentor"].choices = [("", _("Choose a mentor"))] + [
            (p.pk, person_label(p)) for p in entry.mentors
        ]
        self.fields["mentee"].choices = [("", _("Choose a mentee"))] + [
            (p.pk, person_label(p)) for p in entry.unpaired_mentees
        ]

    def people(self):
        """The chosen mentor and mentee (rows of this cohort only)."""
        mentors = {p.pk: p for p in self.entry.mentors}
        mentees = {p.pk: p for p in self.entry.unpaired_mentees}
        return mentors[self.cleaned_data["mentor"]], mentees[self.cleaned_data["mentee"]]


class PairsUploadForm(forms.Form):
    """A pairs file and, optionally, the one cohort it is for."""

    file = forms.FileField(
        label=_("Pairs file (CSV or XLSX)"),
        help_text=_(
            "Two columns: the mentor's e-mail, then the mentee's e-mail; one pair a row. "
            "A header row is optional."
        ),
    )
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, cohorts: list[CohortPairs], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [
            ("", _("Every cohort (each pair in the cohort of both people)"))
        ] + [(entry.cohort.pk, f"{entry.name} ({entry.cohort.code})") for entry in cohorts]
        # The template writes the help text under ``<auto_id>_help``.
        self.fields["file"].widget.attrs["aria-describedby"] = f"{self['file'].auto_id}_help"
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
