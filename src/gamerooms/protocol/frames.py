"""Server → client frames (docs/protocol.md), built as JSON text ready for a WebSocket send.

Nested shapes (Player, RoomSummary, RoomState, View, Turn, Result) are plain JSON objects built by
the caller; timestamps are ISO-8601 strings made with `iso`. Helpers for events that answer a
request take its `request_id`, which the frame then carries as `id`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Literal

import orjson

from gamerooms.metrics.instruments import count_refusal
from gamerooms.protocol.codes import ErrorCode
from gamerooms.protocol.messages import JSONObject, RequestId

MatchStatus = Literal["active", "paused", "finished"]
PauseReason = Literal["left", "timeout", "idle"]
"""Why a seat was lost: its player left, did not come back (or never came) within the grace, or
let the turn clock run out `max_timeouts` times in a row."""

PAUSE_OPTIONS: Final = ("replace_with_bot", "end")
"""The answers a paused match accepts, in the order `match.paused` lists them."""


def iso(ts: float) -> str:
    """Format a POSIX timestamp as UTC ISO-8601 with milliseconds and a 'Z' suffix."""
    moment = datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")
    return moment.removesuffix("+00:00") + "Z"


def frame(type_: str, /, request_id: RequestId = None, **fields: Any) -> str:
    """Build any server frame: `type`, then `fields`, then `id` unless `request_id` is None."""
    body = {"type": type_, **fields}
    if request_id is not None:
        body["id"] = request_id
    return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS).decode()


def with_request_id(text: str, request_id: RequestId) -> str:
    """A frame built once for many sockets, with `id` added for the one that asked."""
    if request_id is None:
        return text
    return f'{text[:-1]},"id":{orjson.dumps(request_id).decode()}}}'


def error(code: str, message: str, request_id: RequestId = None) -> str:
    """`error`: a refused request, to its sender only; `code` must be an ErrorCode value.
    Each one built counts in gamerooms_refusals_total (every error frame is built here)."""
    text = frame("error", request_id, code=ErrorCode(code), message=message)
    count_refusal(code)
    return text


# Lobby


def lobby_rooms(rooms: list[JSONObject], request_id: RequestId = None) -> str:
    """`lobby.rooms`: every listed room matching the socket's filter."""
    return frame("lobby.rooms", request_id, rooms=rooms)


def lobby_room_added(room: JSONObject) -> str:
    """`lobby.room_added`: a new listed room."""
    return frame("lobby.room_added", room=room)


def lobby_room_updated(room: JSONObject) -> str:
    """`lobby.room_updated`: a listed room's players, size, settings or status changed."""
    return frame("lobby.room_updated", room=room)


def lobby_room_removed(room_id: str) -> str:
    """`lobby.room_removed`: a room is gone from the list."""
    return frame("lobby.room_removed", room_id=room_id)


def lobby_room_pending(pending_id: str, by: JSONObject, request_id: RequestId = None) -> str:
    """`lobby.room_pending`: player `by` is drafting a room."""
    return frame("lobby.room_pending", request_id, pending_id=pending_id, by=by)


def lobby_room_pending_cancelled(pending_id: str, request_id: RequestId = None) -> str:
    """`lobby.room_pending_cancelled`: a draft was abandoned, cancelled, lapsed or created."""
    return frame("lobby.room_pending_cancelled", request_id, pending_id=pending_id)


def room_created(room: JSONObject, request_id: RequestId = None) -> str:
    """`room.created`: the reply to `room.create`."""
    return frame("room.created", request_id, room=room)


# Room


def room_joined(room: JSONObject, you: JSONObject, request_id: RequestId = None) -> str:
    """`room.joined`: the reply to `room.join`, with the RoomState and the joiner's Player."""
    return frame("room.joined", request_id, room=room, you=you)


def room_player_joined(player: JSONObject, room: JSONObject) -> str:
    """`room.player_joined`: someone else took a seat."""
    return frame("room.player_joined", player=player, room=room)


def room_ready(player_id: str, ready: bool, all_ready: bool, request_id: RequestId = None) -> str:
    """`room.ready`: a player's readiness changed."""
    return frame("room.ready", request_id, player_id=player_id, ready=ready, all_ready=all_ready)


def room_settings(room: JSONObject, request_id: RequestId = None) -> str:
    """`room.settings`: the owner changed the room's size or settings."""
    return frame("room.settings", request_id, room=room)


def room_chat(sender: JSONObject, text: str, at: str, request_id: RequestId = None) -> str:
    """`room.chat`: a chat line from `sender` at ISO time `at`."""
    return frame("room.chat", request_id, **{"from": sender, "text": text, "at": at})


def room_player_left(
    player_id: str, owner_id: str, room: JSONObject, request_id: RequestId = None
) -> str:
    """`room.player_left`: a player left or was kicked; `owner_id` names the (new) owner."""
    return frame("room.player_left", request_id, player_id=player_id, owner_id=owner_id, room=room)


def match_started(match_id: str, request_id: RequestId = None) -> str:
    """`match.started`: the room's match began; the socket is closed 4001 next."""
    return frame("match.started", request_id, match_id=match_id)


# Queue


def queue_waiting(queued: int, needed: int, request_id: RequestId = None) -> str:
    """`queue.waiting`: how many players are queued and how many a match needs."""
    return frame("queue.waiting", request_id, queued=queued, needed=needed)


def match_found(match_id: str) -> str:
    """`match.found`: the queue made a match; the socket is closed 4001 next."""
    return frame("match.found", match_id=match_id)


# Match


def match_state(
    *,
    match_id: str,
    game: str,
    version: int,
    seat: int | None,
    players: list[JSONObject],
    state: JSONObject,
    turn: JSONObject,
    status: MatchStatus,
    result: JSONObject | None,
) -> str:
    """`match.state`: the whole match as `seat` (None for a spectator) may see it."""
    return frame(
        "match.state",
        match_id=match_id,
        game=game,
        version=version,
        seat=seat,
        players=players,
        state=state,
        turn=turn,
        status=status,
        result=result,
    )


def match_update(
    *,
    version: int,
    seat: int | None,
    action: str,
    data: JSONObject,
    events: list[JSONObject],
    state: JSONObject,
    turn: JSONObject,
    status: MatchStatus,
    result: JSONObject | None,
    request_id: RequestId = None,
) -> str:
    """`match.update`: `seat` (None: the server) played `action` with `data`; `state` is the
    receiver's view."""
    return frame(
        "match.update",
        request_id,
        version=version,
        seat=seat,
        action={"name": action, "data": data},
        events=events,
        state=state,
        turn=turn,
        status=status,
        result=result,
    )


def match_chat(sender: JSONObject, text: str, at: str, request_id: RequestId = None) -> str:
    """`match.chat`: a chat line from `sender` at ISO time `at`."""
    return frame("match.chat", request_id, **{"from": sender, "text": text, "at": at})


def player_disconnected(seat: int, grace_until: str) -> str:
    """`match.player_disconnected`: `seat` dropped and keeps its place until `grace_until`."""
    return frame("match.player_disconnected", seat=seat, grace_until=grace_until)


def player_reconnected(seat: int) -> str:
    """`match.player_reconnected`: `seat` is back."""
    return frame("match.player_reconnected", seat=seat)


def match_paused(seat: int, reason: PauseReason, decide_by: str) -> str:
    """`match.paused`: `seat` left or timed out; the others choose a bot or the end."""
    return frame(
        "match.paused", seat=seat, reason=reason, options=PAUSE_OPTIONS, decide_by=decide_by
    )


def match_resumed(
    seat: int, player: JSONObject, turn: JSONObject, request_id: RequestId = None
) -> str:
    """`match.resumed`: bot `player` now plays `seat`; `turn` is the receiver's Turn."""
    return frame("match.resumed", request_id, seat=seat, player=player, turn=turn)
