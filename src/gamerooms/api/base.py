"""The base of gamerooms' REST views: they bring their own DRF configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from gamerooms.api.parsers import PARSER_CLASSES

Method = TypeVar("Method", bound=Callable[..., Any])


def documented(**described: Any) -> Callable[[Method], Method]:
    """`extend_schema` for a view method, extending drf-spectacular's AutoSchema (plain
    `extend_schema` extends the host's `DEFAULT_SCHEMA_CLASS`, which may be another)."""

    def decorate(method: Method) -> Method:
        method.kwargs = {"schema": AutoSchema}  # type: ignore[attr-defined]
        return extend_schema(**described)(method)

    return decorate


class DocumentedSchema:
    """Described by drf-spectacular whatever the host's `DEFAULT_SCHEMA_CLASS`."""

    schema: ViewInspector | None = AutoSchema()


class GameroomsView(DocumentedSchema, APIView):
    """An APIView that reads Bearer tokens, then the session, allows anyone unless it says
    otherwise, answers JSON and parses bodies with gamerooms' parsers, whatever the host
    project's `REST_FRAMEWORK` defaults are."""

    authentication_classes = [JWTAuthentication, SessionAuthentication]
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = PARSER_CLASSES


class SchemaView(DocumentedSchema, SpectacularAPIView):
    """The OpenAPI schema, which itself is a view drf-spectacular must accept."""

    @documented(**SCHEMA_KWARGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The schema, as YAML or JSON (`?format=json`)."""
        schema: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return schema
