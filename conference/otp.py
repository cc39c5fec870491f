"""Staff sign-in: the lockout page of django-axes, and optional TOTP (django-otp) for the admin.

Wagtail's own login view checks the password; django-axes counts failures per username and
address and locks them out for ``AXES_COOLOFF_TIME``. A user who enrolled a TOTP device
(``/admin/otp/enrol/``, with a QR code for any authenticator app) is then asked for a code
before any other admin page (``OTPRequiredMiddleware``); users without a device go on as
before unless ``OTP_REQUIRED`` is set, which sends them to enrol first.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin.auth import require_admin_access

#: Admin paths reachable before the second factor (signing in or out, the factor itself).
OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/password_reset/", "/admin/otp/")


def client_ip(request: HttpRequest) -> str:
    """The client's address, as the rate limits read it (a proxy's header when configured)."""
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    return (request.META.get(key) or request.META.get("REMOTE_ADDR") or "").split(",")[0].strip()


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a translated page, status 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(request, "conference/lockout.html", {"minutes": minutes}, status=429)


class OTPRequiredMiddleware:
    """Ask a signed-in admin user for their TOTP code before any admin page, once per session;
    with ``OTP_REQUIRED``, send users without a device to enrol one. Runs after django-otp's
    middleware (``request.user.is_verified``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith("/admin/")
            and not request.path.startswith(OPEN_PATHS)
            and not user.is_verified()
        ):
            if user_has_device(user):
                return _redirect_with_next("conference_otp_verify", request)
            if settings.OTP_REQUIRED:
                return _redirect_with_next("conference_otp_enrol", request)
        return self.get_response(request)


def _redirect_with_next(name: str, request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": request.get_full_path()}))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        strip=True,
        error_messages={"required": _("Enter the six-digit code from your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


WRONG_CODE = _(
    "This code is not right or has expired. Enter the code your app shows now "
    "(after several wrong codes, wait a little before the next try)."
)


@never_cache
@require_http_methods(["GET", "POST"])
@require_admin_access
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the user's enrolled device."""
    if not user_has_device(request.user):
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    context = {"form": form, "next": _next_url(request)}
    status = 400 if form.errors else 200
    return render(request, "conference/otp_verify.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@require_admin_access
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: scan the QR code, type one code to prove it works.

    Side effects: an unconfirmed ``TOTPDevice`` (kept between visits, so the QR code stays
    the same until confirmed); confirmed with the first right code, which also verifies this
    session. A user who already has a confirmed device sees that instead.
    """
    user = request.user
    if user_has_device(user) and user.is_verified():
        return render(request, "conference/otp_enrol.html", {"enrolled": True})
    if user_has_device(user):
        return _redirect_with_next("conference_otp_verify", request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(
                request, _("Two-step sign-in is on: we will ask for a code after your password.")
            )
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    context = {
        "form": form,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    status = 400 if form.errors else 200
    return render(request, "conference/otp_enrol.html", context, status=status)


def _qr_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG ``data:`` URI (an image: no inline script or style)."""
    # Heavy library (STYLE rule 9): only the enrol page draws a QR code.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


urlpatterns = [
    path("verify/", otp_verify, name="conference_otp_verify"),
    path("enrol/", otp_enrol, name="conference_otp_enrol"),
]


@hooks.register("register_account_menu_item")
def account_menu_item(request: HttpRequest) -> dict[str, str]:
    return {
        "url": reverse("conference_otp_enrol"),
        "label": _("Two-step sign-in"),
        "help_text": _("Ask for a code from an authenticator app after your password."),
    }
