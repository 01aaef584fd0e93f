"""The error bodies of the REST API, as the schema describes them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.response import Response


class RefusalSerializer(serializers.Serializer[dict[str, Any]]):
    """A refusal with the same stable code as the protocol's `error` frames."""

    code = serializers.CharField(help_text="Stable, for programs (`not_found`, `bad_message`...)")
    message = serializers.CharField(help_text="For people; may change")


def refusal(code: str, message: str, status_code: int) -> Response:
    """A RefusalSerializer body with this status."""
    return Response({"code": code, "message": message}, status=status_code)


class DetailSerializer(serializers.Serializer[dict[str, Any]]):
    """DRF's error body: what went wrong, for people (a bad token also says its `code`)."""

    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer[dict[str, Any]]):
    """Per field of the body, the list of what is wrong with it (an object for nested fields);
    `non_field_errors` for what concerns the body as a whole."""


class FieldErrorsSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """FieldErrorsSerializer in the schema: an object of messages by field name."""

    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        """An object whose values are lists of messages, or objects for nested fields."""
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": "Per field, what is wrong with it (an object for nested fields)",
            "minProperties": 1,
            "additionalProperties": {"anyOf": [messages, {"type": "object"}]},
        }


def one_of(component: str, *bodies: type[serializers.Serializer[Any]]) -> Any:
    """A body that is one of these shapes, named `component` in the schema."""
    return PolymorphicProxySerializer(component, list(bodies), None, many=False)


BAD_BODY = OpenApiResponse(
    one_of("BadBody", DetailSerializer, FieldErrorsSerializer),
    "The body cannot be read (`detail`), or fields are missing or wrong (by field)",
)
"""400 of a view that validates its body with a serializer."""

BAD_QUERY = OpenApiResponse(FieldErrorsSerializer, "A query parameter is wrong (by parameter)")
"""400 of a view that validates its query parameters."""

NOT_FOUND = OpenApiResponse(RefusalSerializer, "`not_found`: nothing by that name or id")
"""404 of a look-up."""

TOKEN_REFUSED = OpenApiResponse(
    DetailSerializer, "The Bearer token is invalid or expired (`code`: `token_not_valid`)"
)
"""401 of a view that reads Bearer tokens, given a token it cannot use."""

NOT_AUTHENTICATED = OpenApiResponse(
    DetailSerializer, "No player: send a Bearer token (`POST /api/auth/guest/` gives one)"
)
"""401 of a view that needs a player."""

CSRF_FAILED = OpenApiResponse(
    DetailSerializer, "`CSRF Failed: ...`: a session request without the CSRF token"
)
"""403 of a view that checks Django's CSRF token."""

UNSUPPORTED_MEDIA = OpenApiResponse(DetailSerializer, "The body is not `application/json`")
"""415 of a view that reads a body."""

THROTTLED = OpenApiResponse(
    DetailSerializer, "Too many requests: try again after `Retry-After` seconds"
)
"""429 of a throttled view."""
