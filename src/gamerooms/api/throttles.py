"""REST throttles whose rates are gamerooms settings, so a deployment tunes them in one place."""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from gamerooms.conf import load_config


class ScopedThrottle(ScopedRateThrottle):
    """A view's `throttle_scope` is limited to `GAMEROOMS["THROTTLE_<SCOPE>"]` requests (such as
    "10/min"; None: unlimited), per player with a token or session, else per client address.
    Counts live in Django's default cache: with Redis, shared by every process."""

    def get_rate(self) -> str | None:
        """The scope's rate from the gamerooms settings."""
        rate: str | None = getattr(load_config(), f"THROTTLE_{str(self.scope).upper()}")
        return rate


class CsrfChecked(permissions.BasePermission):
    """The request passes Django's CSRF check (a session view without session authentication
    would otherwise skip it): a 403 names what is missing."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Run the check; PermissionDenied if it fails. A method the view does not serve is
        let through, to be answered 405."""
        method = str(request.method).lower()
        if method in view.http_method_names and hasattr(view, method):
            SessionAuthentication().enforce_csrf(request)
        return True
