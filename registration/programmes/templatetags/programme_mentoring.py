"""``{% mentoring_partners enrolment as partners %}``: the mentor or mentees a participant
sees on their personal programme page (``programmes.selectors.mentoring``)."""

from __future__ import annotations

from django import template

from registration.programmes.selectors.mentoring import is_mentor, mentoring_partners

register = template.Library()


@register.simple_tag
def mentoring_partners_of(enrolment) -> list:
    return mentoring_partners(enrolment)


@register.filter
def mentors_others(enrolment) -> bool:
    """Whether ``enrolment`` mentors others (a mentor or a trainer)."""
    return is_mentor(enrolment)
