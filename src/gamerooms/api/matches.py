"""REST views for match records: one match, and the replay of a finished one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from gamerooms.api.base import GameroomsView
from gamerooms.api.errors import NOT_FOUND, RefusalSerializer, refusal
from gamerooms.api.schema import documented
from gamerooms.api.serializers import MatchRecordSerializer, ReplaySerializer
from gamerooms.api.throttles import ScopedThrottle
from gamerooms.models import MatchRecord
from gamerooms.persistence.players import player_for_user
from gamerooms.persistence.records import (
    find_match,
    history_of,
    is_finished,
    record_summary,
    seat_held,
)
from gamerooms.rooms.replays import replay_steps
from gamerooms.runtime import game_registry

NOT_FINISHED = "match_not_finished"
"""The code of a refused replay of a match still in play."""


def _missing(what: str) -> Response:
    return refusal("not_found", f"no {what}", status.HTTP_404_NOT_FOUND)


MATCH_ID = OpenApiParameter(
    "match_id", str, OpenApiParameter.PATH, description="The match's id, as `match.found` gives it"
)

IN_PLAY = OpenApiResponse(RefusalSerializer, "`match_not_finished`: the match is still in play")


def _record(match_id: str) -> MatchRecord | None:
    """The record with this id; None for an id no record can have (one holding NUL, which some
    databases cannot even compare)."""
    return None if "\x00" in match_id else find_match(match_id)


class MatchLookup(GameroomsView):
    """Base of the views of one match record by id: throttled so ids cannot be guessed at speed."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "match_lookup"


class MatchDetailView(MatchLookup):
    """One match record: game, seats and players, settings, status, result, version, times."""

    @documented(parameters=[MATCH_ID], responses={200: MatchRecordSerializer, 404: NOT_FOUND})
    def get(self, request: Request, match_id: str) -> Response:
        """The match record, or 404 `not_found`."""
        record = _record(match_id)
        if record is None:
            return _missing(f"match {match_id}")
        return Response(record_summary(record))


class MatchReplayView(MatchLookup):
    """A finished match step by step, each step as the caller's seat saw it (the public view
    for anyone who held no seat); 409 `match_not_finished` while it is still in play."""

    @documented(
        parameters=[MATCH_ID],
        responses={200: ReplaySerializer, 404: NOT_FOUND, 409: IN_PLAY},
    )
    def get(self, request: Request, match_id: str) -> Response:
        """The record's summary, the caller's seat (`seat`), and every step."""
        record = _record(match_id)
        games = game_registry()
        if record is None:
            return _missing(f"match {match_id}")
        if record.game not in games:
            return _missing(f"game named {record.game!r} on this server")
        if not is_finished(record):
            message = "a match can be replayed once it is finished"
            return refusal(NOT_FINISHED, message, status.HTTP_409_CONFLICT)
        player = player_for_user(request.user)
        seat = None if player is None else seat_held(record, player.id)
        steps = replay_steps(games.get(record.game), history_of(record), seat)
        body: dict[str, Any] = {**record_summary(record), "seat": seat, "steps": steps}
        return Response(body)
