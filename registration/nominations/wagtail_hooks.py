"""The nominations room in the Wagtail admin: admin URLs (under ``/admin/nominations/``)
and menu items. Each concern appends its own hook functions."""

from __future__ import annotations

# --- delegations: the organisers' screens (helper "delegations") ------------------------------
from django.http import HttpRequest as _HttpRequest
from django.urls import include as _include
from django.urls import path as _path
from django.urls import reverse as _reverse
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem as _MenuItem

from registration.nominations.staff import views as delegation_views
from registration.permissions import PARTICIPANT_ROLES as _PARTICIPANT_ROLES
from registration.permissions import menu_roles_held as _menu_roles_held

#: URL names (namespace ``nominations_admin``), see ``staff/views.py``.
DELEGATION_URLS = [
    _path("", delegation_views.delegations_index, name="index"),
    _path("<int:event_id>/", delegation_views.delegations_event, name="delegations"),
    _path("<int:event_id>/add/", delegation_views.delegation_edit, name="delegation_add"),
    _path("<int:event_id>/nominees/", delegation_views.nominees, name="nominees"),
    _path(
        "<int:event_id>/participants.xlsx",
        delegation_views.participants_export,
        {"fmt": "xlsx"},
        name="participants_xlsx",
    ),
    _path(
        "<int:event_id>/participants.pdf",
        delegation_views.participants_export,
        {"fmt": "pdf"},
        name="participants_pdf",
    ),
    _path(
        "<int:event_id>/<int:delegation_id>/",
        delegation_views.delegation_detail,
        name="delegation_detail",
    ),
    _path(
        "<int:event_id>/<int:delegation_id>/edit/",
        delegation_views.delegation_edit,
        name="delegation_edit",
    ),
    *[
        _path(
            f"<int:event_id>/<int:delegation_id>/{action}/",
            delegation_views.delegation_action,
            {"action": action},
            name=f"delegation_{action}",
        )
        for action in delegation_views.ACTIONS
    ],
    _path(
        "<int:event_id>/<int:delegation_id>/documents/<int:delegation_document_id>/",
        delegation_views.document_download,
        name="document",
    ),
]


@hooks.register("register_admin_urls")
def register_delegation_urls():
    return [_path("nominations/", _include((DELEGATION_URLS, "nominations_admin")))]


class DelegationsMenuItem(_MenuItem):
    """Shown to organisers and registration managers of some event (and to superusers)."""

    def is_shown(self, request: _HttpRequest) -> bool:
        return _menu_roles_held(request, *_PARTICIPANT_ROLES)


@hooks.register("register_admin_menu_item")
def register_delegations_menu_item():
    return DelegationsMenuItem(
        _lazy("Delegations"),
        _reverse("nominations_admin:index"),
        name="delegations",
        icon_name="group",
        order=207,
    )


@hooks.register("register_log_actions")
def register_delegation_log_actions(actions):
    actions.register_action(
        "nominations.delegations_viewed",
        _lazy("Delegations viewed"),
        _lazy("Viewed the event's delegations"),
    )
    actions.register_action(
        "nominations.delegation_viewed",
        _lazy("Delegation viewed"),
        _lazy("Viewed a delegation and its nominees"),
    )
    actions.register_action(
        "nominations.nominees_viewed",
        _lazy("Nominees viewed"),
        _lazy("Viewed the nominees of the event's delegations"),
    )
    actions.register_action(
        "nominations.document_downloaded",
        _lazy("Delegation document downloaded"),
        _lazy("Downloaded a delegation's document"),
    )
    actions.register_action(
        "nominations.participants_exported",
        _lazy("Participants by delegation downloaded"),
        _lazy("Downloaded the participants by delegation"),
    )


# --- the nominee's side: visa letters (helper "nominee") --------------------------------------

from django.template.loader import render_to_string as _render_to_string  # noqa: E402

from registration.links import sign_key as _sign_key  # noqa: E402
from registration.nominations import views_visa_staff as _visa_views  # noqa: E402
from registration.nominations.models import VisaLetter as _VisaLetter  # noqa: E402
from registration.nominations.models import VisaRequest as _VisaRequest  # noqa: E402

#: URL names (namespace ``nominations_visa``), see ``views_visa_staff.py``.
VISA_URLS = [
    _path("visa/", _visa_views.visa_index, name="index"),
    _path("<int:event_id>/visa/", _visa_views.visa_list, name="list"),
    _path("<int:event_id>/visa/<int:registration_id>/issue/", _visa_views.visa_issue, name="issue"),
    _path(
        "<int:event_id>/visa/<int:registration_id>/revoke/",
        _visa_views.visa_revoke,
        name="revoke",
    ),
    _path(
        "<int:event_id>/visa/<int:registration_id>/letter.pdf",
        _visa_views.visa_letter,
        name="letter",
    ),
    _path("<int:event_id>/visa/templates/add/", _visa_views.visa_template, name="template_add"),
    _path(
        "<int:event_id>/visa/templates/<int:visa_template_id>/",
        _visa_views.visa_template,
        name="template_edit",
    ),
]


@hooks.register("register_admin_urls")
def register_visa_urls():
    return [_path("nominations/", _include((VISA_URLS, "nominations_visa")))]


@hooks.register("register_admin_menu_item")
def register_visa_menu_item():
    return DelegationsMenuItem(
        _lazy("Visa letters"),
        _reverse("nominations_visa:index"),
        name="visa-letters",
        icon_name="doc-full",
        order=208,
    )


@hooks.register("register_log_actions")
def register_visa_log_actions(actions):
    actions.register_action(
        "nominations.visa_viewed",
        _lazy("Visa requests viewed"),
        _lazy("Viewed the event's visa requests and letters"),
    )
    actions.register_action(
        "nominations.visa_letter_downloaded",
        _lazy("Visa letter downloaded"),
        _lazy("Downloaded a participant's visa letter"),
    )


@hooks.register("registration_manage_panels")
def registration_manage_visa_panel(request, registration) -> str:
    """On a participant's own page: their visa request and letter, when they asked for one."""
    if not registration.visa_letter:
        return ""
    key = _sign_key(registration)
    request_url = _reverse("nominations:visa_request", kwargs={"key": key})
    download_url = _reverse("nominations:visa_letter", kwargs={"key": key})
    return _render_to_string(
        "nominations/visa/manage_panel.html",
        {
            "visa_request": _VisaRequest.objects.filter(registration=registration).first(),
            "letter": _VisaLetter.objects.filter(
                registration=registration, revoked_at__isnull=True
            ).first(),
            "request_url": request_url,
            "download_url": download_url,
        },
        request=request,
    )
