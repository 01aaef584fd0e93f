"""Client → server messages (docs/protocol.md) and `parse`, which turns a frame into one of them.

Every message is a frozen `msgspec.Struct` tagged by its `type` string. Unknown extra fields are
ignored. `parse` decodes a frame in one typed pass; only a frame that fails is decoded a second
time, generically, to tell `bad_json`, `unknown_type` and `bad_message` apart and to recover the
request `id`, so that the error reply can echo it. Text frames are passed as `str`; a binary frame
(`bytes`) is refused as `bad_json` whatever it holds.

Free-form objects (`match.action` data, room settings) may hold any JSON, but every integer must
fit in 64 bits and nesting is limited to `MAX_DEPTH`: whatever `parse` accepts can be sent back
out in a server frame.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, NoReturn, get_args

import msgspec

from gamerooms.protocol.codes import ErrorCode

RequestId = str | int | None
"""The optional `id` of a request, echoed unchanged by the direct reply."""

JSONObject = dict[str, Any]
"""A JSON object: a Player, a game view, settings, action data..."""

CHAT_MAX: Final = 500
"""Longest chat text, in characters (code points)."""

MAX_DEPTH: Final = 32
"""Deepest nesting of arrays and objects inside a free-form field."""

ChatText = Annotated[str, msgspec.Meta(min_length=1, max_length=CHAT_MAX)]

_INT64: Final = range(-(2**63), 2**63)


class _Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Fields shared by every client message."""

    id: RequestId = None


class LobbyFilter(_Message, frozen=True, tag="lobby.filter"):
    """Show only rooms of `game` (any if null), only open ones if `only_open`."""

    game: str | None = None
    only_open: bool = False


class RoomDrafting(_Message, frozen=True, tag="room.drafting"):
    """The player opened the create-room form."""


class RoomDraftCancel(_Message, frozen=True, tag="room.draft_cancel"):
    """The player closed the create-room form without creating a room."""


class RoomCreate(_Message, frozen=True, tag="room.create"):
    """Create a room."""

    name: str
    game: str
    max_players: int
    private: bool = False
    password: str | None = None
    settings: JSONObject = msgspec.field(default_factory=dict)


class RoomJoin(_Message, frozen=True, tag="room.join"):
    """Take a seat in the room of this socket (the first frame on a room socket)."""

    password: str | None = None


class RoomReady(_Message, frozen=True, tag="room.ready"):
    """Mark oneself ready or not ready."""

    ready: bool


class RoomSettings(_Message, frozen=True, tag="room.settings"):
    """Change the room's size or settings (owner only)."""

    max_players: int | None = None
    settings: JSONObject | None = None


class RoomChat(_Message, frozen=True, tag="room.chat"):
    """Say something to the room."""

    text: ChatText


class RoomKick(_Message, frozen=True, tag="room.kick"):
    """Remove a player from the room (owner only)."""

    player_id: str


class RoomLeave(_Message, frozen=True, tag="room.leave"):
    """Leave the room."""


class RoomStart(_Message, frozen=True, tag="room.start"):
    """Start the match (owner only)."""


class QueueJoin(_Message, frozen=True, tag="queue.join"):
    """Ask the matchmaking queue for a match of `players` seats."""

    players: int | None = None


class QueueCancel(_Message, frozen=True, tag="queue.cancel"):
    """Leave the matchmaking queue."""


class MatchAction(_Message, frozen=True, tag="match.action"):
    """Play `action`; refused as stale unless `version` (if given) is the current one."""

    action: str
    data: JSONObject = msgspec.field(default_factory=dict)
    version: int | None = None


class MatchChat(_Message, frozen=True, tag="match.chat"):
    """Say something to the match."""

    text: ChatText


class MatchLeave(_Message, frozen=True, tag="match.leave"):
    """Leave the match for good."""


class MatchReplaceWithBot(_Message, frozen=True, tag="match.replace_with_bot"):
    """Answer a pause: hand `seat` to a bot."""

    seat: int


class MatchEnd(_Message, frozen=True, tag="match.end"):
    """Answer a pause: end the match."""


ClientMessage = (
    LobbyFilter
    | RoomDrafting
    | RoomDraftCancel
    | RoomCreate
    | RoomJoin
    | RoomReady
    | RoomSettings
    | RoomChat
    | RoomKick
    | RoomLeave
    | RoomStart
    | QueueJoin
    | QueueCancel
    | MatchAction
    | MatchChat
    | MatchLeave
    | MatchReplaceWithBot
    | MatchEnd
)
"""Any message a client may send."""

MESSAGE_TYPES: Final[dict[str, type[ClientMessage]]] = {
    cls.__struct_config__.tag: cls for cls in get_args(ClientMessage)
}
"""Every client message class by its `type` string."""


class ProtocolError(Exception):
    """A frame the protocol refuses; reply with an `error` frame built from it."""

    def __init__(self, code: ErrorCode, message: str, request_id: RequestId = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


_decoder: Final = msgspec.json.Decoder(ClientMessage)
_generic_decoder: Final = msgspec.json.Decoder()
_AT_PATH: Final = re.compile(r"(?P<detail>.*) - at `\$\.(?P<field>\w+)`")
_MISSING: Final = re.compile(r"Object missing required field `(?P<field>\w+)`")
_JSON_TYPES: Final = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def parse(frame: str | bytes) -> ClientMessage:
    """Decode a client frame: `str` is a text frame, `bytes` a binary frame (always refused).

    Raises ProtocolError: `bad_json` for a binary frame or text that is not a JSON object,
    `unknown_type` for a missing or unknown `type`, `bad_message` naming the faulty field.
    """
    if isinstance(frame, bytes):
        raise ProtocolError(ErrorCode.BAD_JSON, "binary frames are refused; send JSON as text")
    try:
        message: ClientMessage = _decoder.decode(frame)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        _refuse(frame, exc)
    _check_representable(message)
    return message


def _refuse(frame: str, exc: Exception) -> NoReturn:
    """Raise the ProtocolError that explains why `frame` failed the typed decode with `exc`."""
    raw = _decode_generic(frame)
    request_id = _request_id(raw)
    if "type" not in raw:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "missing `type`", request_id)
    kind = raw["type"]
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "`type` must be a string", request_id)
    if kind not in MESSAGE_TYPES:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind!r}", request_id)
    raise ProtocolError(ErrorCode.BAD_MESSAGE, _field_error(str(exc)), request_id)


def _decode_generic(frame: str) -> JSONObject:
    """Decode `frame` as any JSON; raise `bad_json` unless it is an object."""
    try:
        raw = _generic_decoder.decode(frame)
    except msgspec.DecodeError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"invalid JSON: {exc}") from None
    except UnicodeError:
        raise ProtocolError(ErrorCode.BAD_JSON, "frame is not valid UTF-8") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.BAD_JSON, "JSON nested too deeply") from None
    if not isinstance(raw, dict):
        got = _JSON_TYPES.get(type(raw), "null")
        raise ProtocolError(ErrorCode.BAD_JSON, f"frame must be a JSON object, got {got}")
    return raw


def _request_id(raw: JSONObject) -> RequestId:
    """The frame's `id` if it is a valid one, else None."""
    value = raw.get("id")
    if isinstance(value, str) or (type(value) is int and value in _INT64):
        return value
    return None


def _field_error(detail: str) -> str:
    """Reword a msgspec validation error as "<field>: <what is wrong>"."""
    if missing := _MISSING.fullmatch(detail):
        return f"{missing['field']}: required field missing"
    if at_path := _AT_PATH.fullmatch(detail):
        return f"{at_path['field']}: {at_path['detail']}"
    return detail


def _check_representable(message: ClientMessage) -> None:
    """Raise `bad_message` if a field holds a value that server frames could not carry."""
    for name in message.__struct_fields__:
        if problem := unrepresentable(getattr(message, name), MAX_DEPTH):
            request_id = message.id if name != "id" else None
            raise ProtocolError(ErrorCode.BAD_MESSAGE, f"{name}: {problem}", request_id)


def unrepresentable(value: object, depth: int) -> str | None:
    """Why JSON `value` can't be re-encoded (an integer beyond 64 bits, or arrays and objects
    nested more than `depth` levels), or None."""
    if isinstance(value, int):
        return None if value in _INT64 else "integer out of 64-bit range"
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return None
    if depth == 0:
        return f"nested deeper than {MAX_DEPTH} levels"
    for item in value:
        if problem := unrepresentable(item, depth - 1):
            return problem
    return None


def type_of(message: ClientMessage) -> str:
    """The wire `type` of a parsed message."""
    return str(type(message).__struct_config__.tag)
