"""Server frames: valid JSON with exactly the protocol's keys."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from gamerooms.protocol import frames
from gamerooms.protocol.codes import ErrorCode

PLAYER = {"id": "p1", "name": "Ann", "avatar": {"emoji": "🦊", "color": "#ff8800"}, "bot": False}
BOT = {"id": "b1", "name": "Bot", "avatar": {"emoji": "🤖", "color": "#00aaff"}, "bot": True}
SUMMARY = {
    "id": "K7QX2M",
    "name": "Friday",
    "game": "tictactoe",
    "owner": PLAYER,
    "players": [PLAYER],
    "max_players": 2,
    "min_players": 2,
    "status": "open",
    "has_password": False,
    "private": False,
    "settings": {},
}
ROOM_STATE = {
    **SUMMARY,
    "players": [{"player": PLAYER, "ready": False, "joined_at": "2024-05-01T12:00:00.000Z"}],
    "owner_id": "p1",
}
AT = "2024-05-01T12:00:00.250Z"
TURN = {"seats": [1], "deadline": AT}
RESULT = {"winners": [0], "scores": None, "reason": "three in a row"}
VIEW = {"board": [None, "X", None, None, "O", None, None, None, None]}
SEATS = [
    {"seat": 0, "player": PLAYER, "connected": True},
    {"seat": 1, "player": BOT, "connected": False},
]


def loads(text: str) -> dict[str, Any]:
    """Parse a frame, checking it is a JSON object."""
    assert isinstance(text, str)
    body = json.loads(text)
    assert isinstance(body, dict)
    return body


# (builder, arguments, the frame it must produce)
CASES: list[tuple[Callable[..., str], dict[str, Any], dict[str, Any]]] = [
    (
        frames.error,
        {"code": ErrorCode.ROOM_FULL, "message": "the room is full"},
        {"type": "error", "code": "room_full", "message": "the room is full"},
    ),
    (frames.lobby_rooms, {"rooms": [SUMMARY]}, {"type": "lobby.rooms", "rooms": [SUMMARY]}),
    (frames.lobby_room_added, {"room": SUMMARY}, {"type": "lobby.room_added", "room": SUMMARY}),
    (
        frames.lobby_room_updated,
        {"room": SUMMARY},
        {"type": "lobby.room_updated", "room": SUMMARY},
    ),
    (
        frames.lobby_room_removed,
        {"room_id": "K7QX2M"},
        {"type": "lobby.room_removed", "room_id": "K7QX2M"},
    ),
    (
        frames.lobby_room_pending,
        {"pending_id": "d1", "by": PLAYER},
        {"type": "lobby.room_pending", "pending_id": "d1", "by": PLAYER},
    ),
    (
        frames.lobby_room_pending_cancelled,
        {"pending_id": "d1"},
        {"type": "lobby.room_pending_cancelled", "pending_id": "d1"},
    ),
    (frames.room_created, {"room": SUMMARY}, {"type": "room.created", "room": SUMMARY}),
    (
        frames.room_joined,
        {"room": ROOM_STATE, "you": PLAYER},
        {"type": "room.joined", "room": ROOM_STATE, "you": PLAYER},
    ),
    (
        frames.room_player_joined,
        {"player": PLAYER, "room": ROOM_STATE},
        {"type": "room.player_joined", "player": PLAYER, "room": ROOM_STATE},
    ),
    (
        frames.room_ready,
        {"player_id": "p1", "ready": True, "all_ready": False},
        {"type": "room.ready", "player_id": "p1", "ready": True, "all_ready": False},
    ),
    (frames.room_settings, {"room": ROOM_STATE}, {"type": "room.settings", "room": ROOM_STATE}),
    (
        frames.room_chat,
        {"sender": PLAYER, "text": "hi", "at": AT},
        {"type": "room.chat", "from": PLAYER, "text": "hi", "at": AT},
    ),
    (
        frames.room_player_left,
        {"player_id": "p2", "owner_id": "p1", "room": ROOM_STATE},
        {"type": "room.player_left", "player_id": "p2", "owner_id": "p1", "room": ROOM_STATE},
    ),
    (frames.match_started, {"match_id": "m1"}, {"type": "match.started", "match_id": "m1"}),
    (
        frames.queue_waiting,
        {"queued": 1, "needed": 2},
        {"type": "queue.waiting", "queued": 1, "needed": 2},
    ),
    (frames.match_found, {"match_id": "m1"}, {"type": "match.found", "match_id": "m1"}),
    (
        frames.match_state,
        {
            "match_id": "m1",
            "game": "tictactoe",
            "version": 3,
            "seat": 0,
            "players": SEATS,
            "state": VIEW,
            "turn": TURN,
            "status": "active",
            "result": None,
        },
        {
            "type": "match.state",
            "match_id": "m1",
            "game": "tictactoe",
            "version": 3,
            "seat": 0,
            "players": SEATS,
            "state": VIEW,
            "turn": TURN,
            "status": "active",
            "result": None,
        },
    ),
    (
        frames.match_update,
        {
            "version": 4,
            "seat": 1,
            "action": "place",
            "data": {"cell": 4},
            "events": [{"type": "timeout", "seat": 1}],
            "state": VIEW,
            "turn": {"seats": [], "deadline": None},
            "status": "finished",
            "result": RESULT,
        },
        {
            "type": "match.update",
            "version": 4,
            "seat": 1,
            "action": {"name": "place", "data": {"cell": 4}},
            "events": [{"type": "timeout", "seat": 1}],
            "state": VIEW,
            "turn": {"seats": [], "deadline": None},
            "status": "finished",
            "result": RESULT,
        },
    ),
    (
        frames.match_chat,
        {"sender": PLAYER, "text": "gg", "at": AT},
        {"type": "match.chat", "from": PLAYER, "text": "gg", "at": AT},
    ),
    (
        frames.player_disconnected,
        {"seat": 1, "grace_until": AT},
        {"type": "match.player_disconnected", "seat": 1, "grace_until": AT},
    ),
    (
        frames.player_reconnected,
        {"seat": 1},
        {"type": "match.player_reconnected", "seat": 1},
    ),
    (
        frames.match_paused,
        {"seat": 1, "reason": "timeout", "decide_by": AT},
        {
            "type": "match.paused",
            "seat": 1,
            "reason": "timeout",
            "options": ["replace_with_bot", "end"],
            "decide_by": AT,
        },
    ),
    (
        frames.match_resumed,
        {"seat": 1, "player": BOT, "turn": TURN},
        {"type": "match.resumed", "seat": 1, "player": BOT, "turn": TURN},
    ),
]


@pytest.mark.parametrize(
    ("build", "arguments", "expected"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_frame_has_exactly_the_protocol_shape(
    build: Callable[..., str], arguments: dict[str, Any], expected: dict[str, Any]
) -> None:
    text = build(**arguments)
    assert loads(text) == expected
    assert list(loads(text)) == list(expected)


def test_every_builder_is_checked_once() -> None:
    builders = {
        name
        for name, value in vars(frames).items()
        if inspect.isfunction(value) and value.__module__ == frames.__name__
    }
    assert sorted(build.__name__ for build, _, _ in CASES) == sorted(
        builders - {"frame", "with_request_id", "iso"}
    )
    assert len({loads(build(**arguments))["type"] for build, arguments, _ in CASES}) == 24


@pytest.mark.parametrize(
    "build",
    [
        frames.error,
        frames.lobby_rooms,
        frames.lobby_room_pending,
        frames.lobby_room_pending_cancelled,
        frames.room_created,
        frames.room_joined,
        frames.room_ready,
        frames.room_settings,
        frames.room_chat,
        frames.room_player_left,
        frames.match_started,
        frames.queue_waiting,
        frames.match_update,
        frames.match_chat,
        frames.match_resumed,
    ],
    ids=lambda build: build.__name__,
)
@pytest.mark.parametrize("request_id", ["r1", 0, 77])
def test_replies_echo_the_request_id(build: Callable[..., str], request_id: str | int) -> None:
    arguments, expected = next((a, e) for b, a, e in CASES if b is build)
    body = loads(build(**arguments, request_id=request_id))
    assert body == {**expected, "id": request_id}
    assert list(body)[-1] == "id"


# The base builder


def test_frame_puts_type_first_and_omits_a_missing_id() -> None:
    assert frames.frame("x.y", b=1, a=None) == '{"type":"x.y","b":1,"a":null}'


def test_frame_echoes_falsy_ids() -> None:
    assert loads(frames.frame("x", 0))["id"] == 0
    assert loads(frames.frame("x", ""))["id"] == ""


@pytest.mark.parametrize("request_id", ["r1", "", 0, 42, 'quo"te'])
def test_with_request_id_appends_the_id(request_id: str | int) -> None:
    text = frames.match_chat(PLAYER, "gg", AT)
    body = loads(frames.with_request_id(text, request_id))
    assert body == {**loads(text), "id": request_id}
    assert frames.with_request_id(text, request_id) == frames.match_chat(
        PLAYER, "gg", AT, request_id=request_id
    )


def test_with_request_id_leaves_the_frame_alone_without_an_id() -> None:
    text = frames.match_found("m1")
    assert frames.with_request_id(text, None) is text


def test_frame_takes_fields_that_are_python_keywords() -> None:
    fields: dict[str, Any] = {"from": PLAYER}
    assert loads(frames.frame("x", **fields)) == {"type": "x", "from": PLAYER}


def test_frame_writes_integer_keys_as_strings() -> None:
    result = {"winners": [1], "scores": {0: 3, 1: 5}, "reason": "points"}
    assert loads(frames.frame("x", result=result))["result"]["scores"] == {"0": 3, "1": 5}


def test_frame_keeps_unicode_as_is() -> None:
    assert "🦊" in frames.frame("x", player=PLAYER)


# error


@pytest.mark.parametrize("code", list(ErrorCode))
def test_error_accepts_every_code(code: ErrorCode) -> None:
    assert loads(frames.error(code, "why", "r"))["code"] == code.value
    assert loads(frames.error(code.value, "why"))["code"] == code.value


def test_error_refuses_a_code_outside_the_protocol() -> None:
    with pytest.raises(ValueError, match="not_a_code"):
        frames.error("not_a_code", "why")


# iso


@pytest.mark.parametrize(
    ("ts", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1714564800.25, "2024-05-01T12:00:00.250Z"),
        (1714564800.0009, "2024-05-01T12:00:00.000Z"),
        (1714564800.9999, "2024-05-01T12:00:00.999Z"),
    ],
)
def test_iso_is_utc_with_milliseconds_and_z(ts: float, text: str) -> None:
    assert frames.iso(ts) == text


def test_iso_round_trips_to_the_millisecond() -> None:
    ts = 1714564800.123
    parsed = datetime.fromisoformat(frames.iso(ts))
    assert parsed.tzinfo is not None and parsed.utcoffset() == UTC.utcoffset(None)
    assert abs(parsed.timestamp() - ts) < 0.001
