"""Admin: the event snippets (speakers, rooms, organisers, fields of work) in one menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import FieldOfWork, Organiser, Room, Speaker


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "organisation"]
    menu_order = 100


class RoomViewSet(SnippetViewSet):
    model = Room
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
