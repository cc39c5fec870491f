"""The participants by delegation, for the host and security: an XLSX workbook (one sheet per
delegation, written through ``registration.spreadsheets``) and a short A4 PDF table
(WeasyPrint, like the project's other PDFs), both in the language chosen on the screen."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from registration.models.registrations import RegistrationStatus
from registration.nominations.models import Delegation, Nomination, NominationStatus
from registration.selectors.registrations import event_in_language
from registration.spreadsheets import XlsxSheet, xlsx_workbook

PDF_TEMPLATE = "nominations/staff/participants_pdf.html"


@dataclass
class DelegationPeople:
    delegation: Delegation
    people: list[Nomination]


def participants_by_delegation(event) -> list[DelegationPeople]:
    """Each delegation of ``event`` with its approved nominees (name order). Two queries."""
    people: dict[int, list[Nomination]] = {}
    for nomination in (
        Nomination.objects.filter(event=event, status=NominationStatus.APPROVED)
        .select_related("registration")
        .order_by("family_name", "given_name", "pk")
    ):
        people.setdefault(nomination.delegation_id, []).append(nomination)
    return [
        DelegationPeople(delegation, people.get(delegation.pk, []))
        for delegation in Delegation.objects.filter(event=event).order_by("name")
    ]


def _state(nomination: Nomination) -> str:
    registration = nomination.registration
    if registration is None:
        return _("Not registered yet")
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("Confirmed")
    return str(RegistrationStatus(registration.status).label)


def _header() -> list[str]:
    return [
        _("Family name"),
        _("Given name"),
        _("Position"),
        _("Institution"),
        _("Role"),
        _("Registration"),
    ]


def _row(nomination: Nomination) -> list[str]:
    return [
        nomination.family_name,
        nomination.given_name,
        nomination.position,
        nomination.organisation,
        str(nomination.get_role_display()),
        _state(nomination),
    ]


def participants_xlsx(event, *, language: str) -> bytes:
    """One sheet per delegation (its name), a header row and a row per approved nominee."""
    groups = participants_by_delegation(event)
    with translation.override(language):
        sheets = [
            XlsxSheet(
                title=group.delegation.name,
                header=_header(),
                rows=[_row(n) for n in group.people],
            )
            for group in groups
        ] or [XlsxSheet(title=_("Delegations"), header=_header(), rows=[])]
        return xlsx_workbook(sheets)


def participants_pdf(event, *, language: str) -> bytes:
    """A4 table: the event's title, then per delegation its name and its people."""
    # Heavy library (WeasyPrint, STYLE rule 9): only this download needs it.
    from weasyprint import HTML

    groups = participants_by_delegation(event)
    with translation.override(language):
        context = {
            "language": language,
            "event": event_in_language(event, language),
            "header": _header(),
            "groups": [
                {"name": group.delegation.name, "rows": [_row(n) for n in group.people]}
                for group in groups
            ],
        }
        html = render_to_string(PDF_TEMPLATE, context)
    return HTML(string=html).write_pdf()
