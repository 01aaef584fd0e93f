"""How gamerooms' REST views are described in the OpenAPI schema: what each view declares, plus
the answers its configuration implies (a bad token, CSRF, an unreadable body, a throttle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework_simplejwt.authentication import JWTAuthentication

from gamerooms.api.errors import CSRF_FAILED, THROTTLED, TOKEN_REFUSED, UNSUPPORTED_MEDIA
from gamerooms.api.throttles import CsrfChecked

Method = TypeVar("Method", bound=Callable[..., Any])

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    description="Seconds until the throttle lets a request through again",
    response=[429],
)


class ImpliedAnswers(AutoSchema):
    """Adds to an operation's declared responses (by status code) those its view's
    configuration gives: 401 for a Bearer token it cannot use, 403 when the CSRF check fails,
    415 for a body of another media type, 429 past a throttle (with `Retry-After`)."""

    def get_response_serializers(self) -> Any:
        """The declared responses, and the implied ones they do not override."""
        declared = super().get_response_serializers()
        if not isinstance(declared, dict):
            raise TypeError(f"{self.view.__class__.__name__}: declare responses by status code")
        return {**self._implied(), **declared}

    def get_override_parameters(self) -> list[Any]:
        """The declared parameters, and the `Retry-After` header of a throttled view's 429."""
        parameters: list[Any] = super().get_override_parameters()
        return [*parameters, RETRY_AFTER] if self._throttled() else parameters

    def _implied(self) -> dict[int, Any]:
        view = self.view
        implied: dict[int, Any] = {}
        if any(isinstance(auth, JWTAuthentication) for auth in view.get_authenticators()):
            implied[401] = TOKEN_REFUSED
        if self.method not in permissions.SAFE_METHODS and self._csrf_checked():
            implied[403] = CSRF_FAILED
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            implied[415] = UNSUPPORTED_MEDIA
        if self._throttled():
            implied[429] = THROTTLED
        return implied

    def _csrf_checked(self) -> bool:
        view = self.view
        return any(
            isinstance(auth, SessionAuthentication) for auth in view.get_authenticators()
        ) or any(isinstance(permission, CsrfChecked) for permission in view.get_permissions())

    def _throttled(self) -> bool:
        return bool(self.view.get_throttles())


def documented(**described: Any) -> Callable[[Method], Method]:
    """`extend_schema` for a view method (its `responses` by status code), on drf-spectacular's
    AutoSchema with the implied answers (plain `extend_schema` extends the host's
    `DEFAULT_SCHEMA_CLASS`, which may be another)."""

    def decorate(method: Method) -> Method:
        annotated: Any = method
        annotated.kwargs = {"schema": AutoSchema}
        extend_schema(**described)(method)  # sets kwargs["schema"] to a subclass of AutoSchema
        declared = annotated.kwargs["schema"]
        annotated.kwargs["schema"] = type(declared.__name__, (ImpliedAnswers, declared), {})
        return method

    return decorate


class DocumentedSchema:
    """Described by drf-spectacular whatever the host's `DEFAULT_SCHEMA_CLASS`."""

    schema: ViewInspector | None = AutoSchema()
