"""REST views for rooms: list, create and look one up by its code."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gamerooms.api.base import GameroomsView, player_of
from gamerooms.api.errors import (
    BAD_QUERY,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    DetailSerializer,
    FieldErrorsSerializer,
    RefusalSerializer,
    one_of,
    refusal,
)
from gamerooms.api.schema import documented
from gamerooms.api.serializers import RoomFilterSerializer, RoomSummarySerializer
from gamerooms.api.throttles import ScopedThrottle
from gamerooms.engine import GameError
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
    return refusal(exc.code, exc.message, status_code)


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


BAD_ROOM = OpenApiResponse(
    one_of("BadRoom", DetailSerializer, FieldErrorsSerializer, RefusalSerializer),
    "The body cannot be read (`detail`), fields are missing or have the wrong type (by field),"
    " or the room is refused as `room.create` would be (`code` and `message`, an unknown game"
    " being `not_found`)",
)

LIMIT_REACHED = OpenApiResponse(
    RefusalSerializer, "`limit_reached`: the caller owns as many rooms as a player may"
)


class RoomListView(GameroomsView):
    """Listed rooms, and room creation (by a player)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @documented(
        parameters=[RoomFilterSerializer],
        responses={200: RoomSummarySerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request: Request) -> Response:
        """The listed (non-private) rooms, oldest first."""
        query = RoomFilterSerializer(data=request.query_params.dict())  # "?only_open=" is wrong
        query.is_valid(raise_exception=True)
        game = query.validated_data.get("game") or None
        return Response(async_to_sync(_listed)(game, query.validated_data["only_open"]))

    @documented(
        request=RoomCreateSerializer,
        responses={
            201: RoomSummarySerializer,
            400: BAD_ROOM,
            401: NOT_AUTHENTICATED,
            409: LIMIT_REACHED,
        },
    )
    def post(self, request: Request) -> Response:
        """Create a room owned by the caller, who then joins it on its WebSocket."""
        player = player_of(request.user)
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


ROOM_CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="The room's code (six characters, any case)"
)


class RoomDetailView(GameroomsView):
    """One room by its code (private rooms too: the code is the invitation), throttled so that
    codes cannot be guessed at speed."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "room_lookup"

    @documented(parameters=[ROOM_CODE], responses={200: RoomSummarySerializer, 404: NOT_FOUND})
    def get(self, request: Request, code: str) -> Response:
        """The room's summary."""
        try:
            return Response(async_to_sync(_summary)(code))
        except NotFound as exc:
            return _refused(exc)
