"""REST views: guest and account auth, games, the current player, and health."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from gamerooms.api.base import GameroomsView, player_of
from gamerooms.api.errors import (
    BAD_BODY,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    DetailSerializer,
    refusal,
)
from gamerooms.api.schema import DocumentedSchema, documented
from gamerooms.api.serializers import (
    AccessTokenSerializer,
    AuthResponseSerializer,
    CredentialsSerializer,
    CsrfTokenSerializer,
    GameSerializer,
    GuestSerializer,
    HealthSerializer,
    PlayerSerializer,
    RegistrationSerializer,
)
from gamerooms.api.throttles import CsrfChecked, ScopedThrottle
from gamerooms.conf import load_config
from gamerooms.models import Player
from gamerooms.persistence.players import create_guest, register_user
from gamerooms.rooms.contract import contracts, game_contract
from gamerooms.rooms.ports import StoreUnavailable
from gamerooms.runtime import current_runtime, game_registry


def _tokens_for(player: Player) -> dict[str, Any]:
    if player.user is None:
        raise ValueError("only players with a user account get tokens")
    refresh = RefreshToken.for_user(player.user)
    access = str(refresh.access_token)
    return {"access": access, "refresh": str(refresh), "player": player.to_wire()}


class GuestView(GameroomsView):
    """Play without signing up: a guest player and its tokens."""

    authentication_classes: list[type] = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "guest"

    @documented(request=GuestSerializer, responses={201: AuthResponseSerializer, 400: BAD_BODY})
    def post(self, request: Request) -> Response:
        """Create a guest."""
        body = GuestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        avatar = body.validated_data.get("avatar") or {}
        player = create_guest(body.validated_data["name"], avatar.get("emoji"), avatar.get("color"))
        return Response(_tokens_for(player), status=status.HTTP_201_CREATED)


class RegisterView(GameroomsView):
    """Create an account; answers with tokens so the new player can play at once."""

    authentication_classes: list[type] = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "register"

    @documented(
        request=RegistrationSerializer, responses={201: AuthResponseSerializer, 400: BAD_BODY}
    )
    def post(self, request: Request) -> Response:
        """Register a user."""
        body = RegistrationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        player = register_user(data["username"], data["password"])
        return Response(_tokens_for(player), status=status.HTTP_201_CREATED)


WRONG_CREDENTIALS = OpenApiResponse(DetailSerializer, "No active account with these credentials")


class TokenView(DocumentedSchema, TokenObtainPairView):
    """Log in for tokens: `TokenObtainPairView`, throttled like every password check."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"

    @documented(
        request=TokenObtainPairSerializer,
        responses={200: TokenObtainPairSerializer, 400: BAD_BODY, 401: WRONG_CREDENTIALS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Access and refresh tokens for a registered user's username and password."""
        tokens: Response = super().post(request, *args, **kwargs)
        return tokens


class RefreshView(DocumentedSchema, TokenRefreshView):
    """A new access token for a refresh token: `TokenRefreshView`, described in the schema."""

    @documented(
        request=TokenRefreshSerializer,
        responses={
            200: AccessTokenSerializer,
            400: BAD_BODY,
            401: OpenApiResponse(DetailSerializer, "The refresh token is invalid or expired"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new access token."""
        token: Response = super().post(request, *args, **kwargs)
        return token


class SessionLoginView(GameroomsView):
    """Log a registered user into the Django session (browsers; WebSockets then need no token).
    Like any form of the site, the POST needs the CSRF token that GET hands out."""

    authentication_classes: list[type] = []
    permission_classes = [CsrfChecked]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"

    def get_throttles(self) -> list[BaseThrottle]:
        """Only a password check (POST) is throttled."""
        return super().get_throttles() if self.request.method == "POST" else []

    @documented(request=None, responses={200: CsrfTokenSerializer})
    def get(self, request: Request) -> Response:
        """The CSRF token (also set as the `csrftoken` cookie) to send as `X-CSRFToken`."""
        return Response({"csrf_token": get_token(request._request)})

    @documented(
        request=CredentialsSerializer,
        responses={200: PlayerSerializer, 400: BAD_BODY, 401: WRONG_CREDENTIALS},
    )
    def post(self, request: Request) -> Response:
        """Check the credentials and start a session."""
        body = CredentialsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            detail = {"detail": "wrong username or password"}
            return Response(detail, status=status.HTTP_401_UNAUTHORIZED)
        login(request._request, user)
        return Response(player_of(user).to_wire())


class SessionLogoutView(GameroomsView):
    """End the Django session (CSRF-checked, like the login)."""

    authentication_classes: list[type] = []
    permission_classes = [CsrfChecked]

    @documented(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        """Log out."""
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(GameroomsView):
    """The player behind the request's token or session."""

    permission_classes = [permissions.IsAuthenticated]

    @documented(responses={200: PlayerSerializer, 401: NOT_AUTHENTICATED})
    def get(self, request: Request) -> Response:
        """The current player."""
        return Response(player_of(request.user).to_wire())


class GameListView(GameroomsView):
    """Every registered game with its settings schema and bot levels."""

    @documented(responses={200: GameSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """List games, each with its whole contract."""
        return Response(contracts(game_registry()))


GAME_NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, description="A game's name, as `GET /api/games/` lists it"
)


class GameDetailView(GameroomsView):
    """One game's contract: actions and their data schemas, settings, an example view, and
    the game's static data."""

    @documented(parameters=[GAME_NAME], responses={200: GameSerializer, 404: NOT_FOUND})
    def get(self, request: Request, name: str) -> Response:
        """One game."""
        games = game_registry()
        if name not in games:
            return refusal("not_found", f"no game named {name!r}", status.HTTP_404_NOT_FOUND)
        return Response(game_contract(games.get(name)))


STORE_ANSWER_SECONDS = 2.0
"""How long /healthz waits for the store before it counts as unreachable."""


async def _store_answers() -> None:
    """Read one document from the store, or raise (unreachable, too slow, or this process not
    serving game sockets again yet after losing it)."""
    runtime = current_runtime()
    if not runtime.liveness.available:
        raise StoreUnavailable("game sockets are refused until the process has recovered")
    await asyncio.wait_for(runtime.store.load("healthz"), STORE_ANSWER_SECONDS)


class HealthView(GameroomsView):
    """Health: 200 with the backend in use while the store answers and game sockets are served,
    else 503 (so a balancer stops routing here until both are true again)."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]

    @documented(
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, "The store does not answer"),
        }
    )
    def get(self, request: Request) -> Response:
        """Report health."""
        backend = "redis" if load_config().REDIS_URL else "memory"
        try:
            async_to_sync(_store_answers)()
        except Exception as exc:
            problem = f"the store does not answer: {type(exc).__name__}"
            body = {"status": "unavailable", "store": backend, "problem": problem}
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"status": "ok", "store": backend, "games": game_registry().names()})
