"""``{% certificate_missing progress as missing %}``: what a participant still needs for their
certificate (the personal page's certificate box)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django import template
from django.utils import translation

from cms.selectors import page_in_language
from registration.programmes.certificates import hours_text

register = template.Library()


@dataclass(frozen=True)
class Missing:
    """What is missing, in words the template prints: the hours still needed (empty when the
    share of hours is met) and the final event's title (empty when attended or not needed)."""

    hours: str
    hours_attended: str
    hours_needed: str
    percent_needed: int
    final: str


@register.simple_tag
def certificate_missing(progress) -> Missing | None:
    """The hours and the final event ``progress`` still lacks for completion (None without
    progress). The final event's title in the active language (one query when it is named)."""
    if progress is None:
        return None
    needed = (progress.hours_total * progress.percent_needed / Decimal(100)).quantize(
        Decimal("0.01"), ROUND_CEILING
    )
    short = max(needed - progress.hours_attended, Decimal(0))
    final = ""
    if progress.needs_final and not progress.final_attended:
        event = next((s.event for s in progress.sessions if s.is_final), None)
        if event is not None:
            final = page_in_language(page=event, language=translation.get_language()).title
    return Missing(
        hours=hours_text(short) if short > 0 else "",
        hours_attended=hours_text(progress.hours_attended),
        hours_needed=hours_text(needed),
        percent_needed=progress.percent_needed,
        final=final,
    )
