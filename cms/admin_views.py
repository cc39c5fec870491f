"""Reports → Untranslated events: per event the user may edit, per language of the site,
whether the page has a live copy and which snippets the event uses have no translation.

Built on Wagtail's own report view (``wagtail.admin.views.reports.ReportView``); who sees
which event is Wagtail's page permission policy (an organiser: the events whose pages they
may edit; editors and superusers: all). Every missing item links to Wagtail's own action:
simple_translation's "Translate" for a page or snippet, the page editor for a draft copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.utils import quote
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from cms.models import (
    EventOrganiser,
    EventPage,
    FieldOfWork,
    Organiser,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)

TRANSLATE_PERMISSION = "simple_translation.submit_translation"


@dataclass
class MissingSnippet:
    """A snippet the event uses that has no copy in one language, and the action to add it."""

    kind: str  # the model's verbose name
    label: str
    url: str | None


@dataclass
class LanguageStatus:
    code: str
    name: str
    state: str  # "live", "draft" or "missing"
    url: str | None  # edit the draft, or translate the page; None: the user may not
    snippets: list[MissingSnippet] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.state == "live" and not self.snippets


@dataclass
class EventStatus:
    event: EventPage
    edit_url: str | None
    languages: list[LanguageStatus]
    #: The event's title in the staff member's admin language when it has a copy there (a
    #: Russian organiser reads Russian titles), else the source's, marked with its language.
    title: str = ""
    title_lang: str = ""

    @property
    def summary(self) -> dict[str, str]:
        """Language code → one line of what is missing there (the spreadsheet export)."""
        states = {"live": _("Page: published"), "draft": _("Page: draft, not published")}
        lines = {}
        for status in self.languages:
            parts = [str(states.get(status.state, _("Page: not translated")))]
            if status.snippets:
                missing = ", ".join(f"{item.kind}: {item.label}" for item in status.snippets)
                parts.append(f"{_('Not translated:')} {missing}")
            lines[status.code] = "; ".join(parts)
        return lines


def _snippets_used(translation_key) -> dict[type, list]:
    """The rooms, speakers, organisers and fields of work any copy of the event uses."""
    copies = EventPage.objects.filter(translation_key=translation_key)
    fields_through = EventPage.fields_of_work.through
    return {
        Room: list(
            Room.objects.filter(pk__in=Session.objects.filter(page__in=copies).values("room"))
        ),
        Speaker: list(
            Speaker.objects.filter(
                pk__in=SessionSpeaker.objects.filter(session__page__in=copies).values("speaker")
            )
        ),
        Organiser: list(
            Organiser.objects.filter(
                pk__in=EventOrganiser.objects.filter(page__in=copies).values("organiser")
            )
        ),
        FieldOfWork: list(
            FieldOfWork.objects.filter(
                pk__in=fields_through.objects.filter(eventpage__in=copies).values("fieldofwork")
            )
        ),
    }


def _snippet_translate_url(user, obj) -> str | None:
    model = type(obj)
    if not user.has_perm(TRANSLATE_PERMISSION):
        return None
    if not policy_registry.get_by_type(model).user_has_permission_for_instance(user, "change", obj):
        return None
    return reverse(
        "simple_translation:submit_snippet_translation",
        args=[model._meta.app_label, model._meta.model_name, quote(obj.pk)],
    )


def event_translation_status(event: EventPage, user) -> EventStatus:
    """What is missing in each language of ``settings.LANGUAGES`` for ``event``.

    Why per language and per snippet: a page copy can be live while its agenda still names
    rooms and speakers in another language (the page then shows the default-language
    snippet), so an organiser needs both to call the event translated.
    """
    copies = {
        copy.locale.language_code: copy
        for copy in EventPage.objects.filter(translation_key=event.translation_key)
        .select_related("locale")
        .order_by("pk")
    }
    used = _snippets_used(event.translation_key)
    languages = []
    for code, name in settings.LANGUAGES:
        copy = copies.get(code)
        if copy is None:
            state = "missing"
            may = (
                user.has_perm(TRANSLATE_PERMISSION) and event.permissions_for_user(user).can_edit()
            )
            url = (
                reverse("simple_translation:submit_page_translation", args=[event.pk])
                if may
                else None
            )
        else:
            state = "live" if copy.live else "draft"
            may = copy.permissions_for_user(user).can_edit()
            url = reverse("wagtailadmin_pages:edit", args=[copy.pk]) if may else None
        missing = []
        for model, objects in used.items():
            keys = {obj.translation_key for obj in objects}
            present = set(
                model.objects.filter(
                    translation_key__in=keys, locale__language_code=code
                ).values_list("translation_key", flat=True)
            )
            seen = set()
            for obj in objects:
                if obj.translation_key in present or obj.translation_key in seen:
                    continue
                seen.add(obj.translation_key)
                missing.append(
                    MissingSnippet(
                        kind=str(model._meta.verbose_name),
                        label=str(obj),
                        url=_snippet_translate_url(user, obj),
                    )
                )
        languages.append(
            LanguageStatus(code=code, name=name, state=state, url=url, snippets=missing)
        )
    edit = (
        reverse("wagtailadmin_pages:edit", args=[event.pk])
        if event.permissions_for_user(user).can_edit()
        else None
    )
    admin_language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    shown = copies.get(admin_language) or event
    code = shown.locale.language_code
    return EventStatus(
        event=event,
        edit_url=edit,
        languages=languages,
        title=shown.title,
        title_lang="" if code == admin_language else code,
    )


def events_user_may_edit(user):
    """One row per event (its default-language copy, or its first copy when it has none in
    the default language) whose pages ``user`` may edit, by Wagtail's page permissions."""
    policy = PagePermissionPolicy()
    editable = policy.instances_user_has_permission_for(user, "change")
    keys = EventPage.objects.filter(pk__in=editable.values("pk")).values("translation_key")
    default = Locale.get_default()
    has_default = EventPage.objects.filter(
        translation_key=OuterRef("translation_key"), locale=default
    )
    first = EventPage.objects.filter(translation_key=OuterRef("translation_key")).order_by("pk")
    return (
        EventPage.objects.filter(translation_key__in=keys)
        .filter(Q(locale=default) | (~Exists(has_default) & Q(pk=first.values("pk")[:1])))
        .select_related("locale")
        .order_by("-start_date", "title")
    )


class UntranslatedEventsView(ReportView):
    """Reports → Untranslated events."""

    page_title = _("Untranslated events")
    header_icon = "globe"
    results_template_name = "cms/admin/untranslated_results.html"
    index_url_name = "cms_untranslated:index"
    index_results_url_name = "cms_untranslated:results"
    permission_policy = PagePermissionPolicy()
    permission_required = "change"
    paginate_by = 20
    no_results_message = _("No events that you may edit.")

    @property
    def list_export(self) -> list[str]:
        codes = [f"summary.{code}" for code, _name in settings.LANGUAGES]
        return ["title", "event.start_date", *codes]

    @property
    def export_headings(self) -> dict[str, str]:
        names = {f"summary.{code}": name for code, name in settings.LANGUAGES}
        return {"title": _("Event"), "event.start_date": _("first day"), **names}

    def get_filename(self) -> str:
        return "untranslated-events"

    def get_queryset(self):
        return events_user_may_edit(self.request.user)

    def decorate_paginated_queryset(self, object_list):
        return [event_translation_status(event, self.request.user) for event in object_list]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["languages"] = settings.LANGUAGES
        return context


def user_may_see_report(user) -> bool:
    """The menu item and the view: anyone who may edit some page (an organiser may)."""
    return PagePermissionPolicy().user_has_permission(user, "change")
