"""Admin: the event snippets (speakers, rooms, organisers, fields of work) in one menu; and
who may download a document at ``/documents/<id>/<file>``."""

from __future__ import annotations

from django.http import Http404
from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Locale
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.admin_views import UntranslatedEventsView, user_may_see_report
from cms.models import FieldOfWork, Organiser, Room, Speaker
from cms.selectors import document_restricted_events


class LocaleSnippetCreateView(SnippetCreateView):
    """The chooser's "Create" tab makes the snippet in the locale the chooser lists (the page's
    own, which Wagtail passes as ``?locale=``), not in the site's default locale."""

    def save_form(self, form):
        instance = form.save(commit=False)
        code = self.request.GET.get("locale")
        locale = Locale.objects.filter(language_code=code).first() if code else None
        if locale is not None:
            instance.locale = locale
        instance.save()
        form.save_m2m()
        return instance


class CreatingChooserViewSet(SnippetChooserViewSet):
    """A snippet chooser with a "Create" tab (the fields in ``form_fields``)."""

    create_view_class = LocaleSnippetCreateView
    preserve_url_parameters = ["multiple", "locale"]


class SpeakerChooserViewSet(CreatingChooserViewSet):
    form_fields = ["name", "title", "organisation"]


class RoomChooserViewSet(CreatingChooserViewSet):
    form_fields = ["name", "venue", "capacity"]


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    chooser_viewset_class = SpeakerChooserViewSet
    icon = "user"
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "organisation"]
    menu_order = 100


class RoomViewSet(SnippetViewSet):
    model = Room
    chooser_viewset_class = RoomChooserViewSet
    icon = "home"
    list_display = ["name", "venue", "capacity"]
    menu_order = 110


class OrganiserViewSet(SnippetViewSet):
    model = Organiser
    icon = "group"
    list_display = ["name", "url"]
    menu_order = 120


class FieldOfWorkViewSet(SnippetViewSet):
    model = FieldOfWork
    icon = "tag"
    list_display = ["name", "slug"]
    menu_order = 130


class EventSnippetsGroup(SnippetViewSetGroup):
    items = (SpeakerViewSet, RoomViewSet, OrganiserViewSet, FieldOfWorkViewSet)
    menu_icon = "date"
    menu_label = _("Event directory")
    menu_name = "event-directory"
    menu_order = 250


register_snippet(EventSnippetsGroup)


@hooks.register("insert_editor_js")
def rich_text_editors_named() -> str:
    """Rich text boxes of the page and snippet editors are named after their field's label."""
    return format_html('<script src="{}" defer></script>', static("js/admin-rich-text-labels.js"))


#: Hook name: ``fn(request=..., event_ids=...) -> bool`` says whether the request may read
#: the participants-only papers of those events (pages of any locale). The registration app
#: answers it (staff with a role on the event); the CMS knows nothing of participants.
PAPER_READER_HOOK = "cms_may_read_participant_papers"


@hooks.register("before_serve_document")
def keep_participant_papers_private(document, request):
    """A document used by a participants-only paper is not served at its public URL, except
    to those the ``PAPER_READER_HOOK`` answers for; participants download it through their
    personal page instead. 404, so that the URL does not tell that the paper exists."""
    event_ids = document_restricted_events(document.pk)
    if not event_ids:
        return None
    if any(fn(request=request, event_ids=event_ids) for fn in hooks.get_hooks(PAPER_READER_HOOK)):
        return None
    raise Http404


#: Wagtail's own strings that our catalogues translate differently: the page status link's
#: name must contain its visible word (WCAG 2.5.3), which Wagtail's ru/uk text does not.
#: Marked here so that ``makemessages`` keeps them in ``locale/`` (ours take precedence).
WAGTAIL_STRINGS_RETRANSLATED = (
    gettext_noop("Visible to all. Visit the live page"),
    gettext_noop("Private. Visit the live page"),
)


@hooks.register("register_admin_urls")
def untranslated_report_urls():
    """Reports → Untranslated events (``cms.admin_views``)."""
    view = UntranslatedEventsView
    return [
        path(
            "reports/untranslated-events/",
            include(
                (
                    [
                        path("", view.as_view(), name="index"),
                        path("results/", view.as_view(results_only=True), name="results"),
                    ],
                    "cms_untranslated",
                ),
                namespace="cms_untranslated",
            ),
        )
    ]


class UntranslatedReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_may_see_report(request.user)


@hooks.register("register_reports_menu_item")
def untranslated_report_menu_item():
    return UntranslatedReportMenuItem(
        _("Untranslated events"),
        reverse_lazy("cms_untranslated:index"),
        name="untranslated-events",
        icon_name="globe",
        order=900,
    )
