"""`parse`: every client message of the protocol, and every way a frame is refused."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from gamerooms.protocol.codes import ErrorCode
from gamerooms.protocol.messages import (
    CHAT_MAX,
    MAX_DEPTH,
    MESSAGE_TYPES,
    ClientMessage,
    LobbyFilter,
    MatchAction,
    MatchChat,
    MatchEnd,
    MatchLeave,
    MatchReplaceWithBot,
    ProtocolError,
    QueueCancel,
    QueueJoin,
    RoomChat,
    RoomCreate,
    RoomDraftCancel,
    RoomDrafting,
    RoomJoin,
    RoomKick,
    RoomLeave,
    RoomReady,
    RoomSettings,
    RoomStart,
    parse,
)

# type -> (smallest valid payload, what it parses to)
MINIMAL: dict[str, tuple[dict[str, Any], ClientMessage]] = {
    "lobby.filter": ({}, LobbyFilter()),
    "room.drafting": ({}, RoomDrafting()),
    "room.draft_cancel": ({}, RoomDraftCancel()),
    "room.create": (
        {"name": "Friday", "game": "tictactoe", "max_players": 2},
        RoomCreate(name="Friday", game="tictactoe", max_players=2),
    ),
    "room.join": ({}, RoomJoin()),
    "room.ready": ({"ready": True}, RoomReady(ready=True)),
    "room.settings": ({}, RoomSettings()),
    "room.chat": ({"text": "hi"}, RoomChat(text="hi")),
    "room.kick": ({"player_id": "p2"}, RoomKick(player_id="p2")),
    "room.leave": ({}, RoomLeave()),
    "room.start": ({}, RoomStart()),
    "queue.join": ({}, QueueJoin()),
    "queue.cancel": ({}, QueueCancel()),
    "match.action": ({"action": "place"}, MatchAction(action="place")),
    "match.chat": ({"text": "gg"}, MatchChat(text="gg")),
    "match.leave": ({}, MatchLeave()),
    "match.replace_with_bot": ({"seat": 1}, MatchReplaceWithBot(seat=1)),
    "match.end": ({}, MatchEnd()),
}

# type -> (every field given, what it parses to)
FULL: dict[str, tuple[dict[str, Any], ClientMessage]] = {
    "lobby.filter": (
        {"game": "blackjack", "only_open": True},
        LobbyFilter(game="blackjack", only_open=True),
    ),
    "room.create": (
        {
            "name": "Friday",
            "game": "tictactoe",
            "max_players": 2,
            "private": True,
            "password": "s3cret",
            "settings": {"bot_level": "easy", "target_players": 2},
        },
        RoomCreate(
            name="Friday",
            game="tictactoe",
            max_players=2,
            private=True,
            password="s3cret",
            settings={"bot_level": "easy", "target_players": 2},
        ),
    ),
    "room.join": ({"password": "s3cret"}, RoomJoin(password="s3cret")),
    "room.settings": (
        {"max_players": 4, "settings": {"bot_level": "hard"}},
        RoomSettings(max_players=4, settings={"bot_level": "hard"}),
    ),
    "queue.join": ({"players": 3}, QueueJoin(players=3)),
    "match.action": (
        {"action": "place", "data": {"cell": 4}, "version": 7},
        MatchAction(action="place", data={"cell": 4}, version=7),
    ),
}

# (type, field) for every required field
REQUIRED = [
    ("room.create", "name"),
    ("room.create", "game"),
    ("room.create", "max_players"),
    ("room.ready", "ready"),
    ("room.chat", "text"),
    ("room.kick", "player_id"),
    ("match.action", "action"),
    ("match.chat", "text"),
    ("match.replace_with_bot", "seat"),
]

# (type, field, a value of the wrong JSON type)
WRONG_TYPES = [
    ("lobby.filter", "game", 1),
    ("lobby.filter", "only_open", "yes"),
    ("room.create", "name", None),
    ("room.create", "game", ["tictactoe"]),
    ("room.create", "max_players", "2"),
    ("room.create", "max_players", 2.5),
    ("room.create", "max_players", True),
    ("room.create", "private", 0),
    ("room.create", "password", 1234),
    ("room.create", "settings", []),
    ("room.join", "password", 1234),
    ("room.ready", "ready", "true"),
    ("room.ready", "ready", 1),
    ("room.settings", "max_players", "4"),
    ("room.settings", "settings", "fast"),
    ("room.chat", "text", 5),
    ("room.kick", "player_id", 7),
    ("queue.join", "players", "2"),
    ("match.action", "action", 1),
    ("match.action", "data", []),
    ("match.action", "data", None),
    ("match.action", "version", "3"),
    ("match.chat", "text", {"text": "hi"}),
    ("match.replace_with_bot", "seat", "0"),
    ("room.leave", "id", [1]),
    ("room.leave", "id", True),
    ("room.leave", "id", 1.5),
    ("room.leave", "id", {}),
]


def dump(message_type: str | None = None, **fields: Any) -> str:
    """A text frame with `type` (unless None) and `fields`."""
    body = fields if message_type is None else {"type": message_type, **fields}
    return json.dumps(body)


def refusal(frame: str | bytes) -> ProtocolError:
    """The ProtocolError `parse` raises for `frame`."""
    with pytest.raises(ProtocolError) as caught:
        parse(frame)
    return caught.value


# Every message parses


def test_every_protocol_message_is_covered() -> None:
    assert set(MESSAGE_TYPES) == set(MINIMAL)
    assert len(MESSAGE_TYPES) == 18
    assert all(MESSAGE_TYPES[tag] is type(message) for tag, (_, message) in MINIMAL.items())


@pytest.mark.parametrize("message_type", MINIMAL)
def test_minimal_message_parses(message_type: str) -> None:
    payload, expected = MINIMAL[message_type]
    message = parse(dump(message_type, **payload))
    assert message == expected
    assert message.id is None


@pytest.mark.parametrize("request_id", ["req-1", "", 0, 42, -7, 2**63 - 1])
@pytest.mark.parametrize("message_type", MINIMAL)
def test_message_with_id_parses(message_type: str, request_id: str | int) -> None:
    payload, expected = MINIMAL[message_type]
    message = parse(dump(message_type, id=request_id, **payload))
    assert message == msgspec.structs.replace(expected, id=request_id)


@pytest.mark.parametrize("message_type", MINIMAL)
def test_unknown_extra_fields_are_ignored(message_type: str) -> None:
    payload, expected = MINIMAL[message_type]
    extras = {"extra": 1, "nested": {"deep": [1, 2]}, "huge": 2**70, "z": None}
    assert parse(dump(message_type, **payload, **extras)) == expected


@pytest.mark.parametrize("message_type", FULL)
def test_every_field_parses(message_type: str) -> None:
    payload, expected = FULL[message_type]
    assert parse(dump(message_type, id=9, **payload)) == msgspec.structs.replace(expected, id=9)


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (dump("lobby.filter", game=None, only_open=False), LobbyFilter()),
        (dump("room.join", password=None), RoomJoin()),
        (dump("room.settings", max_players=None, settings=None), RoomSettings()),
        (dump("queue.join", players=None), QueueJoin()),
        (dump("match.action", action="stand", version=None), MatchAction(action="stand")),
        (dump("room.ready", ready=False), RoomReady(ready=False)),
    ],
)
def test_null_and_false_values_where_allowed(frame: str, expected: ClientMessage) -> None:
    assert parse(frame) == expected


def test_default_data_and_settings_are_fresh_objects() -> None:
    first = parse(dump("match.action", action="a"))
    second = parse(dump("match.action", action="a"))
    assert isinstance(first, MatchAction)
    assert isinstance(second, MatchAction)
    assert first.data == {} and first.data is not second.data


def test_messages_are_frozen() -> None:
    message = parse(dump("room.chat", text="hi"))
    with pytest.raises(AttributeError):
        message.id = 3  # type: ignore[misc]


def test_whitespace_around_json_is_fine() -> None:
    assert parse('  \n{"type": "room.leave"}\t ') == RoomLeave()


# bad_json


@pytest.mark.parametrize(
    "frame",
    ["", "   ", "{", "nope", "{'type': 'room.leave'}", '{"type": "room.leave"} x', '{"type":}'],
)
def test_invalid_json_is_bad_json(frame: str) -> None:
    error = refusal(frame)
    assert error.code is ErrorCode.BAD_JSON
    assert error.request_id is None


@pytest.mark.parametrize(
    ("frame", "got"),
    [
        ('[{"type": "room.leave"}]', "array"),
        ("[]", "array"),
        ("3", "number"),
        ("1.5", "number"),
        ('"room.leave"', "string"),
        ("true", "boolean"),
        ("null", "null"),
    ],
)
def test_json_that_is_not_an_object_is_bad_json(frame: str, got: str) -> None:
    error = refusal(frame)
    assert error.code is ErrorCode.BAD_JSON
    assert error.message == f"frame must be a JSON object, got {got}"


def test_text_that_is_not_utf8_is_bad_json() -> None:
    error = refusal('{"type": "room.chat", "text": "\ud800"}')
    assert error.code is ErrorCode.BAD_JSON
    assert "UTF-8" in error.message


@pytest.mark.parametrize(
    "frame",
    [
        b'{"type": "room.leave", "id": 1}',
        b'{"type": "room.chat", "text": "\xff"}',
        b"\xff\xfe",
        b"",
    ],
)
def test_binary_frames_are_bad_json(frame: bytes) -> None:
    error = refusal(frame)
    assert error.code is ErrorCode.BAD_JSON
    assert error.message == "binary frames are refused; send JSON as text"
    assert error.request_id is None


def test_absurdly_nested_json_is_bad_json() -> None:
    error = refusal('{"type": "room.leave", "x": ' + "[" * 5000 + "]" * 5000 + "}")
    assert error.code is ErrorCode.BAD_JSON


# unknown_type


def test_missing_type_is_unknown_type() -> None:
    error = refusal(dump(None, id="r1", text="hi"))
    assert (error.code, error.message, error.request_id) == (
        ErrorCode.UNKNOWN_TYPE,
        "missing `type`",
        "r1",
    )


@pytest.mark.parametrize("kind", [1, None, True, ["room.leave"], {"name": "room.leave"}])
def test_non_string_type_is_unknown_type(kind: Any) -> None:
    error = refusal(json.dumps({"type": kind, "id": 5}))
    assert (error.code, error.message, error.request_id) == (
        ErrorCode.UNKNOWN_TYPE,
        "`type` must be a string",
        5,
    )


@pytest.mark.parametrize(
    "kind", ["room.explode", "", "ROOM.LEAVE", "room.leave ", "match.update", "error", "room"]
)
def test_type_not_in_protocol_is_unknown_type(kind: str) -> None:
    error = refusal(dump(kind, id="r2"))
    assert error.code is ErrorCode.UNKNOWN_TYPE
    assert error.message == f"unknown message type {kind!r}"
    assert error.request_id == "r2"


def test_unknown_type_wins_over_bad_fields() -> None:
    assert refusal(dump("room.explode", text=5)).code is ErrorCode.UNKNOWN_TYPE


# bad_message


@pytest.mark.parametrize(("message_type", "field"), REQUIRED)
def test_missing_required_field_is_bad_message(message_type: str, field: str) -> None:
    payload = dict(MINIMAL[message_type][0])
    del payload[field]
    error = refusal(dump(message_type, id=11, **payload))
    assert (error.code, error.message, error.request_id) == (
        ErrorCode.BAD_MESSAGE,
        f"{field}: required field missing",
        11,
    )


@pytest.mark.parametrize(("message_type", "field", "value"), WRONG_TYPES)
def test_wrongly_typed_field_is_bad_message(message_type: str, field: str, value: Any) -> None:
    payload = {**MINIMAL[message_type][0], field: value}
    error = refusal(dump(message_type, **payload))
    assert error.code is ErrorCode.BAD_MESSAGE
    assert error.message.startswith(f"{field}: Expected `")


def test_bad_message_says_what_was_expected() -> None:
    error = refusal(dump("match.action", id="a1", action="place", data=[1, 2]))
    assert error.message == "data: Expected `object`, got `array`"
    assert error.request_id == "a1"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("data", {"n": 2**63}, "integer out of 64-bit range"),
        ("data", {"n": [1, {"m": -(2**63) - 1}]}, "integer out of 64-bit range"),
        ("version", 2**64, "integer out of 64-bit range"),
        ("id", 2**63, "integer out of 64-bit range"),
    ],
)
def test_integers_beyond_64_bits_are_bad_message(field: str, value: Any, problem: str) -> None:
    error = refusal(dump("match.action", **{"action": "a", "id": "x", field: value}))
    assert (error.code, error.message) == (ErrorCode.BAD_MESSAGE, f"{field}: {problem}")
    assert error.request_id == (None if field == "id" else "x")


@pytest.mark.parametrize("field", ["max_players", "settings"])
def test_room_fields_beyond_64_bits_are_bad_message(field: str) -> None:
    value = 2**64 if field == "max_players" else {"target_players": 2**64}
    frame = dump("room.create", **{**MINIMAL["room.create"][0], field: value})
    assert refusal(frame).message == f"{field}: integer out of 64-bit range"


def nested(levels: int) -> Any:
    """`levels` objects and arrays nested in one another, alternately, an object outermost."""
    value: Any = 1
    for level in reversed(range(levels)):
        value = [value] if level % 2 else {"k": value}
    return value


def test_nesting_up_to_max_depth_is_fine() -> None:
    assert parse(dump("match.action", action="a", data=nested(MAX_DEPTH)))


def test_nesting_beyond_max_depth_is_bad_message() -> None:
    error = refusal(dump("match.action", id=3, action="a", data=nested(MAX_DEPTH + 1)))
    assert error.code is ErrorCode.BAD_MESSAGE
    assert error.message == f"data: nested deeper than {MAX_DEPTH} levels"
    assert error.request_id == 3


# Chat text limits


@pytest.mark.parametrize("message_type", ["room.chat", "match.chat"])
@pytest.mark.parametrize("text", ["x", "x" * CHAT_MAX, "😀" * CHAT_MAX, " "])
def test_chat_text_within_limits_is_accepted(message_type: str, text: str) -> None:
    message = parse(dump(message_type, text=text))
    assert isinstance(message, RoomChat | MatchChat)
    assert message.text == text


@pytest.mark.parametrize("message_type", ["room.chat", "match.chat"])
@pytest.mark.parametrize("text", ["", "x" * (CHAT_MAX + 1), "😀" * (CHAT_MAX + 1)])
def test_chat_text_beyond_limits_is_bad_message(message_type: str, text: str) -> None:
    error = refusal(dump(message_type, id=8, text=text))
    assert error.code is ErrorCode.BAD_MESSAGE
    assert error.message.startswith("text: ")
    assert error.request_id == 8


def test_chat_limit_is_500() -> None:
    assert CHAT_MAX == 500


# The request id on errors


@pytest.mark.parametrize("request_id", ["abc", 0, 12, -3, ""])
@pytest.mark.parametrize(
    "body",
    [
        {"text": "no type"},
        {"type": 3},
        {"type": "room.explode"},
        {"type": "room.chat"},
        {"type": "room.chat", "text": ""},
    ],
)
def test_valid_id_is_echoed(request_id: str | int, body: dict[str, Any]) -> None:
    assert refusal(json.dumps({**body, "id": request_id})).request_id == request_id


@pytest.mark.parametrize("request_id", [None, True, False, 1.5, [1], {"n": 1}, 2**63])
def test_invalid_id_is_not_echoed(request_id: Any) -> None:
    assert refusal(json.dumps({"type": "room.explode", "id": request_id})).request_id is None


def test_protocol_error_carries_its_parts() -> None:
    error = ProtocolError(ErrorCode.NOT_OWNER, "only the owner may start", "r9")
    assert (error.code, error.message, error.request_id) == (
        ErrorCode.NOT_OWNER,
        "only the owner may start",
        "r9",
    )
    assert str(error) == "only the owner may start"
    assert ProtocolError(ErrorCode.BAD_JSON, "x").request_id is None
