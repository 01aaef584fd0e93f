"""The base of gamerooms' REST views: they bring their own DRF configuration."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from gamerooms.api.parsers import PARSER_CLASSES
from gamerooms.api.schema import DocumentedSchema, documented
from gamerooms.models import Player
from gamerooms.persistence.players import player_for_user


class GameroomsView(DocumentedSchema, APIView):
    """An APIView that reads Bearer tokens, then the session, allows anyone unless it says
    otherwise, answers JSON and parses bodies with gamerooms' parsers, whatever the host
    project's `REST_FRAMEWORK` defaults are."""

    authentication_classes = [JWTAuthentication, SessionAuthentication]
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = PARSER_CLASSES


def player_of(user: AbstractBaseUser | AnonymousUser) -> Player:
    """The player of an authenticated user; NotAuthenticated (401) for anyone else."""
    player = player_for_user(user)
    if player is None:
        raise NotAuthenticated()
    return player


class SchemaView(DocumentedSchema, SpectacularAPIView):
    """The OpenAPI schema, which itself is a view drf-spectacular must accept. Request bodies
    get components of their own (`...Request`), so that a schema says what a body must hold
    (no blank strings where none are taken, no read-only fields) whatever the host's settings."""

    custom_settings = {"COMPONENT_SPLIT_REQUEST": True}

    @documented(**SCHEMA_KWARGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The schema, as YAML or JSON (`?format=json`)."""
        schema: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return schema
