"""REST views for rooms: list, create and look one up by its code."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gamerooms.api.base import GameroomsView, documented
from gamerooms.api.throttles import ScopedThrottle
from gamerooms.engine import GameError
from gamerooms.persistence.players import player_for_user
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.holdings import LimitReached
from gamerooms.rooms.lobby import LobbyFilter
from gamerooms.runtime import current_runtime


class RoomCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """A new room, as `room.create` takes it."""

    name = serializers.CharField(max_length=60)
    game = serializers.CharField(max_length=64)
    max_players = serializers.IntegerField()
    private = serializers.BooleanField(default=False)
    password = serializers.CharField(max_length=128, required=False, allow_null=True)
    settings = serializers.DictField(required=False, default=dict)


def _refused(exc: GameError | Refusal, status_code: int | None = None) -> Response:
    """`{"code", "message"}` with `status_code`, by default 404 for NotFound, else 400."""
    if status_code is None:
        missing = isinstance(exc, NotFound)
        status_code = status.HTTP_404_NOT_FOUND if missing else status.HTTP_400_BAD_REQUEST
    return Response({"code": exc.code, "message": exc.message}, status=status_code)


async def _listed(game: str | None, only_open: bool) -> list[dict[str, Any]]:
    return await current_runtime().lobby.rooms(LobbyFilter(game, only_open))


async def _summary(code: str) -> dict[str, Any]:
    return (await current_runtime().rooms.get(code)).summary()


async def _create(owner: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    room = await current_runtime().rooms.create(
        owner,
        data["name"],
        data["game"],
        data["max_players"],
        data["private"],
        data.get("password"),
        data["settings"],
    )
    return room.summary()


class RoomListView(GameroomsView):
    """Listed rooms, and room creation."""

    @documented(
        parameters=[
            OpenApiParameter("game", str, required=False),
            OpenApiParameter("only_open", bool, required=False),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        """The listed (non-private) rooms, oldest first."""
        game = request.query_params.get("game") or None
        only_open = request.query_params.get("only_open", "").lower() in ("1", "true", "yes")
        return Response(async_to_sync(_listed)(game, only_open))

    @documented(request=RoomCreateSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        """Create a room owned by the caller, who then joins it on its WebSocket."""
        player = player_for_user(request.user)
        if player is None:
            detail = {"detail": "log in or get a guest token first"}
            return Response(detail, status=status.HTTP_401_UNAUTHORIZED)
        body = RoomCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            room = async_to_sync(_create)(player.to_wire(), dict(body.validated_data))
        except LimitReached as exc:
            return _refused(exc, status.HTTP_409_CONFLICT)
        except (GameError, Refusal) as exc:
            # What is missing (an unknown game) is named in the body, not the URL: 400.
            return _refused(exc, status.HTTP_400_BAD_REQUEST)
        return Response(room, status=status.HTTP_201_CREATED)


class RoomDetailView(GameroomsView):
    """One room by its code (private rooms too: the code is the invitation), throttled so that
    codes cannot be guessed at speed."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "room_lookup"

    @documented(responses={200: dict})
    def get(self, request: Request, code: str) -> Response:
        """The room's summary."""
        try:
            return Response(async_to_sync(_summary)(code))
        except NotFound as exc:
            return _refused(exc)
