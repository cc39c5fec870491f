"""Security headers the framework does not set by itself.

- ``Content-Security-Policy`` comes from django-csp (``CONTENT_SECURITY_POLICY`` in
  settings). ``ContentSecurityPolicyMiddleware`` only adds per-path policies: Wagtail's admin
  still writes some inline styles and scripts, so paths under a prefix of
  ``CSP_PATH_POLICIES`` get that entry's directives on top of the site's policy, while the
  public site and the participant's pages keep the strict one.
- ``Permissions-Policy`` switches the camera, microphone and geolocation off everywhere
  (``PERMISSIONS_POLICY``); a view that needs one (the check-in scanner needs the camera)
  says so with ``@permissions_policy({"camera": ["self"]})``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Permissions-Policy"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with ``CSP_PATH_POLICIES`` (path prefix → directives)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.replace is not None:
            return parts  # a view's own @csp_replace wins
        for prefix, directives in getattr(settings, "CSP_PATH_POLICIES", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = directives
                break
        return parts


def _policy_value(allow: list[str] | tuple[str, ...]) -> str:
    """``["self"]`` → ``(self)``; ``[]`` → ``()`` (nobody); origins are quoted."""
    return "(" + " ".join(a if a in ("self", "*") else f'"{a}"' for a in allow) + ")"


def permissions_policy(allow: dict[str, list[str]]) -> Callable:
    """Let a view's response use the browser features in ``allow`` (feature → allowlist)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            response._permissions_allow = allow
            return response

        return wrapped

    return decorator


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` to every response: ``PERMISSIONS_POLICY``, with what the
    view allowed through ``@permissions_policy``."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if HEADER not in response:
            features = {**settings.PERMISSIONS_POLICY}
            features.update(getattr(response, "_permissions_allow", {}))
            response[HEADER] = ", ".join(f"{k}={_policy_value(v)}" for k, v in features.items())
        return response
