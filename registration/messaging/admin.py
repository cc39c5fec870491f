"""Messages in the Wagtail admin: the per-event message log with resend, failed rows, the
organiser's note to participants (previewed in each language) and cancelling the event.

``registration/messaging/wagtail_hooks.py`` imports this module, which registers the viewset
``messaging_admin`` (``/admin/messages/``). Every view is for organisers and registration
managers of that event only (``event_for_staff``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks

from conference.languages import language_choices, language_codes
from registration.admin.viewsets import StaffViewSet
from registration.messaging.models import EventCalendar, Message, MessageStatus, OrganiserMessage
from registration.messaging.services.invites import event_cancel
from registration.messaging.services.notices import (
    organiser_message_create,
    organiser_message_preview,
    organiser_message_recipients,
    organiser_message_send,
)
from registration.messaging.services.outbox import MessageError, message_resend
from registration.models import RegistrationStatus
from registration.permissions import (
    PARTICIPANT_ROLES,
    access_log,
    event_for_staff,
    events_for,
)

NEEDS_LOOK = (MessageStatus.FAILED, MessageStatus.ATTENTION)


def index(request: HttpRequest) -> HttpResponse:
    """The events the user may write to, with what is waiting and what failed."""
    events = (
        events_for(request.user, *PARTICIPANT_ROLES)
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .annotate(
            pending=Count("messages", filter=Q(messages__status=MessageStatus.PENDING)),
            failed=Count("messages", filter=Q(messages__status__in=NEEDS_LOOK)),
            sent=Count("messages", filter=Q(messages__status=MessageStatus.SENT)),
        )
        .order_by("-start_date")
    )
    return TemplateResponse(
        request,
        "registration/admin/messages_index.html",
        {
            "events": events,
            "page_title": _("Messages"),
            "header_title": _("Messages"),  # Wagtail 8 builds <title> from it
            "header_icon": "mail",
        },
    )


class LogFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *MessageStatus.choices],
    )
    q = forms.CharField(label=gettext_lazy("E-mail or kind"), required=False, max_length=100)


def log(request: HttpRequest, event_id: int) -> HttpResponse:
    """Every message of the event, newest first, filtered; failed ones listed first."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    form = LogFilter(request.GET or None)
    rows = Message.objects.filter(event=event).select_related("registration").order_by("-pk")
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            term = form.cleaned_data["q"]
            rows = rows.filter(Q(to_email__icontains=term) | Q(kind__icontains=term))
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    # The log lists recipients' addresses: who looked is audited (not what they searched).
    access_log(
        user=request.user,
        event=event,
        action="registration.messages_viewed",
        data={"page": page.number, "searched": bool(form.is_valid() and form.cleaned_data["q"])},
    )
    state = EventCalendar.objects.filter(event=event).first()
    context = {
        "event": event,
        "form": form,
        "page": page,
        "failed": Message.objects.filter(event=event, status__in=NEEDS_LOOK)
        .select_related("registration")
        .order_by("-pk")[:50],
        "calendar_state": state,
        "notes": OrganiserMessage.objects.filter(event=event)[:10],
        "page_title": _("Messages: %(event)s") % {"event": event.title},
        "header_title": _("Messages: %(event)s") % {"event": event.title},
        "header_icon": "mail",
    }
    return TemplateResponse(request, "registration/admin/messages_log.html", context)


@require_POST
def resend(request: HttpRequest, message_id: int) -> HttpResponse:
    """Send a message again (a new row in the log)."""
    message = get_object_or_404(Message, pk=message_id)
    event = event_for_staff(request.user, message.event_id, PARTICIPANT_ROLES)
    try:
        copy = message_resend(message=message)
    except MessageError as exc:
        if exc.code == "not_sent_yet":
            messages.error(request, _("This message is still waiting to be sent."))
        else:
            messages.error(request, _("The message could not be sent again."))
    else:
        messages.success(
            request, _("The message to %(email)s will be sent again.") % {"email": copy.to_email}
        )
    return redirect(reverse("messaging_admin:log", args=[event.pk]))


class OrganiserMessageForm(forms.Form):
    """Who gets the note and its subject and text in each language of ``settings.LANGUAGES``
    (fields ``subject_<code>``, ``body_<code>``, made when the form is built). The default
    language is required; another language is written whole or left to fall back to it."""

    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("To participants who are"),
        choices=[
            (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED.label),
            (RegistrationStatus.AWAITING_APPROVAL, RegistrationStatus.AWAITING_APPROVAL.label),
            (RegistrationStatus.WAITLISTED, RegistrationStatus.WAITLISTED.label),
        ],
        initial=[RegistrationStatus.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one group of participants.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default = settings.LANGUAGE_CODE
        for code, name in language_choices():
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name},
                max_length=200,
                required=code == default,
                widget=forms.TextInput(attrs={"lang": code, "dir": "auto"}),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                required=code == default,
                widget=forms.Textarea(attrs={"lang": code, "dir": "auto", "rows": 6}),
                help_text=_(
                    "Participants who read another language get this text when theirs is "
                    "left empty."
                )
                if code == default
                else "",
            )

    def clean(self):
        cleaned = super().clean()
        for code in language_codes():
            subject, body = cleaned.get(f"subject_{code}"), cleaned.get(f"body_{code}")
            if bool(subject) != bool(body):
                field = f"body_{code}" if subject else f"subject_{code}"
                self.add_error(field, _("Write both the subject and the text, or neither."))
        return cleaned

    def message_data(self) -> dict:
        """The cleaned form as ``OrganiserMessage`` fields (languages left empty omitted)."""
        data = self.cleaned_data
        written = [code for code in language_codes() if data.get(f"subject_{code}")]
        return {
            "statuses": data["statuses"],
            "subject_i18n": {code: data[f"subject_{code}"] for code in written},
            "body_i18n": {code: data[f"body_{code}"] for code in written},
        }


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, event_id: int) -> HttpResponse:
    """Write to participants: preview in each language, then send through the outbox."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    form = OrganiserMessageForm(request.POST or None)
    previews = None
    recipients = None
    if request.method == "POST" and form.is_valid():
        note = OrganiserMessage(event=event, **form.message_data())
        recipients = organiser_message_recipients(
            event=event, statuses=form.cleaned_data["statuses"]
        ).count()
        if "send" in request.POST:
            try:
                saved = organiser_message_create(
                    event=event,
                    author=request.user,
                    data=form.message_data(),
                )
            except MessageError:
                form.add_error("statuses", _("Nobody with these statuses is registered."))
            else:
                count = organiser_message_send(message=saved)
                messages.success(
                    request,
                    _("Your message is being sent to %(count)s participants.") % {"count": count},
                )
                return redirect(reverse("messaging_admin:log", args=[event.pk]))
        else:
            previews = [
                (code, name, *parts)
                for (code, name), parts in zip(
                    settings.LANGUAGES,
                    organiser_message_preview(message=note).values(),
                    strict=True,
                )
            ]
    context = {
        "event": event,
        "form": form,
        "previews": previews,
        "recipients": recipients,
        "page_title": _("Write to participants: %(event)s") % {"event": event.title},
        "header_title": _("Write to participants: %(event)s") % {"event": event.title},
        "header_icon": "mail",
    }
    return TemplateResponse(request, "registration/admin/messages_write.html", context)


@require_http_methods(["GET", "POST"])
def cancel_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """Cancel the event: every participant's calendar entry is withdrawn (``METHOD:CANCEL``)."""
    event = event_for_staff(request.user, event_id, PARTICIPANT_ROLES)
    if request.method == "POST":
        if event_cancel(event=event, by=request.user):
            messages.success(
                request, _("The event is cancelled; participants are being told by e-mail.")
            )
        else:
            messages.info(request, _("The event was already cancelled."))
        return redirect(reverse("messaging_admin:log", args=[event.pk]))
    context = {
        "event": event,
        "page_title": _("Cancel the event: %(event)s") % {"event": event.title},
        "header_title": _("Cancel the event: %(event)s") % {"event": event.title},
        "header_icon": "warning",
    }
    return TemplateResponse(request, "registration/admin/messages_cancel_event.html", context)


class MessagesViewSet(StaffViewSet):
    """The message log of each of the user's events, resending, the organiser's note and
    cancelling the event (organisers and registration managers: each view checks)."""

    name = "messaging_admin"
    url_prefix = "messages"
    icon = "mail"
    menu_label = gettext_lazy("Messages")
    menu_name = "messages"
    menu_order = 420
    menu_roles = PARTICIPANT_ROLES

    def get_urlpatterns(self):
        return [
            path("", index, name="index"),
            path("event/<int:event_id>/", log, name="log"),
            path("event/<int:event_id>/write/", write, name="write"),
            path("event/<int:event_id>/cancel/", cancel_event, name="cancel_event"),
            path("<int:message_id>/resend/", resend, name="resend"),
        ]


@hooks.register("register_admin_viewset")
def register_messages_viewset():
    return MessagesViewSet()
