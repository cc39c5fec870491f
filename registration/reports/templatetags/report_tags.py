"""Filters for the report pages (admin and PDF) and the survey link on the participant's page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from registration.reports import exporters as reports
from registration.reports.selectors import survey_status
from registration.reports.services.surveys import survey_may_answer, survey_url

register = template.Library()


@register.filter
def pct(value):
    """A fraction as a whole percentage, or a dash."""
    return reports.pct(value)


@register.filter
def mean(value):
    return reports.mean(value)


@register.filter
def change(value):
    return reports.change(value)


@register.filter
def bar(value, biggest) -> int:
    """The bar's length in percent of the biggest value (0–100)."""
    try:
        return max(0, min(100, round(100 * float(value or 0) / float(biggest)))) if biggest else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def pct_bar(value) -> int:
    """A fraction (0–1) as a bar length in percent."""
    return 0 if value is None else max(0, min(100, round(float(value) * 100)))


@register.filter
def lang_attr(report, text: str):
    """`` lang="en"`` on an element that shows ``text`` (``title``, ``subtitle``, ``place``,
    ``objectives``) of the report when it comes from the source page in another language
    (screen readers then read it with the right voice); nothing otherwise."""
    language = report.fallback_languages.get(text)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def survey_for(registration):
    """The event's survey for the participant's page: ``None`` or a dict with ``survey``,
    ``answered``, ``accepting``, ``url`` (their signed survey link)."""
    status = survey_status(registration=registration)
    if status is None or not survey_may_answer(registration=registration):
        return None

    url = survey_url(registration, absolute=False, language=get_language())
    return {**status, "url": url}
