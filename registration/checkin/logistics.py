"""Logistics of one event: the summary screen (interpretation head-count per day, needs, visa
letters), the same as an XLSX workbook (a named sheet per table) for the venue, interpreters
and caterers, and a printable sign-in sheet per day (PDF, A4, names in the alphabetical order
of the chosen language; the sheet itself in the event's badge language, see
``signin_sheet_pdf``).

Every screen and file shows personal data of the event: organisers and registration managers
only (``PARTICIPANT_ROLES``), each look or download written to the audit log.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import date as date_format
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cms.fields import EVENT_LANGUAGES, LANGUAGE_NAMES
from cms.models import EventPage
from conference.l10n import country_name, format_date
from registration.checkin.badges import BadgeTexts, badge_texts
from registration.checkin.logistics_selectors import (
    LogisticsPeople,
    confirmed_by_name,
    logistics_people,
)
from registration.checkin.selectors import LogisticsSummary, logistics_summary
from registration.models import Registration
from registration.models.registrations import PARTICIPANT_FIELDS
from registration.permissions import (
    PARTICIPANT_ROLES,
    access_log,
    event_for_staff,
    events_for,
    user_has_event_role,
)
from registration.spreadsheets import XlsxSheet, xlsx_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNIN_TEMPLATE = "registration/admin/signin_sheet.html"
SIGNIN_STYLESHEET = settings.BASE_DIR / "templates/registration/admin/signin_sheet.css"
FIELDS = {spec.name: spec for spec in PARTICIPANT_FIELDS}


def _order_language(request: HttpRequest) -> str:
    """The language whose alphabetical order the names follow: ``?order=`` if it is one of
    the event languages, else the language the staff member reads the admin in."""
    chosen = request.GET.get("order", "")
    return chosen if chosen in LANGUAGE_NAMES else translation.get_language() or "en"


@require_GET
def logistics(request: HttpRequest) -> HttpResponse:
    """Choose an event (of the user's), then its summary. Names shown are logged as access."""
    events = events_for(request.user, *PARTICIPANT_ROLES).order_by("-start_date")
    if not events.exists():
        raise PermissionDenied
    chosen = request.GET.get("event")
    event = None
    if chosen and chosen.isdigit():
        event = get_object_or_404(EventPage, pk=int(chosen))
        if not user_has_event_role(request.user, event, *PARTICIPANT_ROLES):
            raise PermissionDenied
    elif events.count() == 1:
        event = events.first()
    summary = logistics_summary(event=event) if event else None
    if summary is not None:
        access_log(user=request.user, event=event, action="registration.logistics_viewed")
    context = {
        "events": events,
        "event": event,
        "summary": summary,
        "order": _order_language(request),
        "order_choices": EVENT_LANGUAGES,
        "page_title": _("Logistics summary"),
        "header_icon": "list-ul",
    }
    if event is not None:
        context["xlsx_url"] = reverse("logistics:xlsx", args=[event.source.pk])
        context["signin_url"] = reverse("logistics:signin_sheet", args=[event.source.pk])
    return TemplateResponse(request, "registration/admin/logistics.html", context)


# --- XLSX ------------------------------------------------------------------------------------


def _person_columns() -> list[str]:
    return [str(FIELDS[name].label) for name in ("family_name", "given_name", "organisation")] + [
        str(FIELDS["country"].label)
    ]


def _person(registration: Registration) -> list[str]:
    return [
        FIELDS[name].display(registration)
        for name in ("family_name", "given_name", "organisation", "country")
    ]


def logistics_sheets(summary: LogisticsSummary, people: LogisticsPeople) -> list[XlsxSheet]:
    """The summary's tables, one sheet each, in the active language: head-count per
    interpretation language and day (and check-ins so far), who needs what (accessibility,
    dietary), who needs a visa support letter, and the totals. Numbers stay numbers."""
    names = [name or _("No interpretation") for _code, name in summary.language_columns]
    interpretation = XlsxSheet(
        title=_("Interpretation"),
        header=[
            _("Day"),
            *names,
            _("Confirmed"),
            *[_("%(language)s: checked in") % {"language": name} for name in names],
        ],
        rows=[
            [
                day,
                *[expected for expected, _checked in cells],
                summary.confirmed,
                *[checked for _expected, checked in cells],
            ]
            for day, cells in summary.per_day
        ],
    )
    access = XlsxSheet(
        title=_("Accessibility"),
        header=[
            *_person_columns(),
            str(FIELDS["access_needs"].label),
            str(FIELDS["access_needs_other"].label),
            str(FIELDS["interpretation_language"].label),
            str(FIELDS["email"].label),
            str(FIELDS["phone"].label),
        ],
        rows=[
            [
                *_person(r),
                *[
                    FIELDS[name].display(r)
                    for name in (
                        "access_needs",
                        "access_needs_other",
                        "interpretation_language",
                        "email",
                        "phone",
                    )
                ],
            ]
            for r in people.access
        ],
    )
    dietary = XlsxSheet(
        title=_("Dietary"),
        header=[
            *_person_columns(),
            str(FIELDS["dietary"].label),
            str(FIELDS["dietary_needs"].label),
        ],
        rows=[
            [*_person(r), FIELDS["dietary"].display(r), FIELDS["dietary_needs"].display(r)]
            for r in people.dietary
        ],
    )
    # The registration form asks only whether a letter is needed (``visa_letter``): no
    # passport, nationality or travel dates are collected, so the letter's writer gets the
    # person's name, country, organisation, position and how to reach them.
    visa = XlsxSheet(
        title=_("Visa letters"),
        header=[
            *_person_columns(),
            str(FIELDS["position"].label),
            str(FIELDS["email"].label),
            str(FIELDS["phone"].label),
        ],
        rows=[
            [*_person(r), *[FIELDS[name].display(r) for name in ("position", "email", "phone")]]
            for r in people.visa_letters
        ],
    )
    totals = XlsxSheet(
        title=_("Totals"),
        header=[_("What"), _("Need"), _("Participants")],
        rows=[
            [_("Confirmed participants"), "", summary.confirmed],
            *[[_("Accessibility needs"), str(label), n] for label, n in summary.access],
            [_("Accessibility needs"), _("Other accessibility needs"), len(summary.access_other)],
            *[[_("Dietary requirements"), str(label), n] for label, n in summary.dietary],
            [_("Dietary requirements"), _("Other dietary needs"), len(summary.dietary_other)],
            [_("Visa support letters"), "", len(summary.visa_letters)],
        ],
    )
    return [interpretation, access, dietary, visa, totals]


@require_GET
def logistics_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    """The logistics workbook of the event; the download is written to the audit log."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    language = _order_language(request)
    data = xlsx_workbook(
        logistics_sheets(
            logistics_summary(event=event), logistics_people(event=event, language=language)
        )
    )
    access_log(user=request.user, event=event, action="registration.logistics_exported")
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="logistics-{event.slug}.xlsx"'
    return response


# --- Sign-in sheet (PDF) ---------------------------------------------------------------------


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_number_css() -> str:
    """The footer's "Page 2 of 5" in the active language, as CSS generated content."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    parts = []
    for i, piece in enumerate(text.split("\0")):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return "@page { @bottom-right { content: " + " ".join(parts) + "; } }"


def _sheet_labels(language: str, *, texts: BadgeTexts, day: dt.date) -> dict[str, str]:
    """The sheet's own words and the event's lines in ``language`` (the same msgids as the
    template's, so the catalogue holds them once)."""
    line = texts.texts[language]
    with translation.override(language):
        return {
            "language": language,
            "event_title": line.title,
            "day_label": format_date(day, "WEEKDAY_DATE_FORMAT"),
            "place": ", ".join(p for p in [line.venue, line.place] if p),
            "sheet": _("Sign-in sheet"),
            "number": _("No."),
            "name": _("Name"),
            "organisation": _("Organisation"),
            "country": _("Country"),
            "signature": _("Signature"),
        }


def signin_sheet_pdf(
    *, event: EventPage, day: dt.date, people: list[Registration], order: str
) -> bytes:
    """One day's sign-in sheet as A4 PDF bytes: the event's title, the date and the venue on
    every page, a numbered row per person (name, organisation, country) with a box to sign
    in, "Page n of m" below. Fonts are embedded (WeasyPrint embeds subsets).

    One language for the whole sheet, whoever prints it: the event's main working language
    (the badge language setting; a sheet has no participant's language), with the title,
    the date line and the column headings repeated below in the second working language when
    the setting stacks two. Side effects: none."""
    # Heavy library (WeasyPrint, STYLE rule 9): only PDF downloads need it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    texts = badge_texts(event)
    language, second = texts.sheet_languages()
    main = _sheet_labels(language, texts=texts, day=day)
    below = _sheet_labels(second, texts=texts, day=day) if second else None
    if below:
        # A line is printed twice only when the two languages write it differently.
        below = {
            key: value if key == "language" or value != main[key] else ""
            for key, value in below.items()
        }
    with translation.override(language):
        context = {
            **main,
            "below": below,
            "people": [
                {
                    "family_name": r.family_name,
                    "given_name": r.given_name,
                    "organisation": r.organisation,
                    "country": country_name(r.country.code if r.country else "", language),
                }
                for r in people
            ],
            "order_name": LANGUAGE_NAMES.get(order, order),
        }
        html = render_to_string(SIGNIN_TEMPLATE, context)
        fonts = FontConfiguration()
        stylesheets = [
            CSS(filename=str(SIGNIN_STYLESHEET), font_config=fonts),
            CSS(string=_page_number_css(), font_config=fonts),
        ]
    return HTML(string=html).write_pdf(stylesheets=stylesheets, font_config=fonts)


def _event_day(event: EventPage, value: str) -> dt.date | None:
    """``value`` (``2026-05-12``) if it is one of the event's days, else None."""
    try:
        day = parse_date(value or "")
    except ValueError:  # well formed but no such date (2026-02-30)
        return None
    return day if day in event.days else None


@require_GET
def signin_sheet(request: HttpRequest, event_id: int) -> HttpResponse:
    """The sign-in sheet of ``?day=`` for the event's confirmed participants, names in the
    order of ``?order=`` (a language code; default the admin's language). A day that is not
    the event's goes back to the summary with a translated reason. The download is written to
    the audit log: the sheet lists every participant."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    day = _event_day(event, request.GET.get("day", ""))
    if day is None:
        # Back to the summary with the reason (a 404 under /admin/ would be redirected to
        # the public site's page-not-found by the language middleware, without it).
        messages.error(
            request,
            _("There is no sign-in sheet for that day: the event runs from %(start)s to %(end)s.")
            % {
                "start": date_format(event.start_date, "DATE_FORMAT"),
                "end": date_format(event.end_date, "DATE_FORMAT"),
            },
        )
        return redirect(f"{reverse('logistics:index')}?event={event.pk}")
    order = _order_language(request)
    people = confirmed_by_name(event=event, language=order)
    data = signin_sheet_pdf(event=event, day=day, people=people, order=order)
    access_log(
        user=request.user,
        event=event,
        action="registration.signin_sheet_printed",
        data={"day": day.isoformat(), "participants": len(people)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="sign-in-{event.slug}-{day.isoformat()}.pdf"'
    )
    return response
