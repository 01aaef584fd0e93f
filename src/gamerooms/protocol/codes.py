"""Error codes carried by `error` frames and WebSocket close codes (docs/protocol.md)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ErrorCode(StrEnum):
    """The `code` of an `error` frame."""

    BAD_JSON = "bad_json"
    BAD_MESSAGE = "bad_message"
    UNKNOWN_TYPE = "unknown_type"
    NOT_AUTHORIZED = "not_authorized"
    NOT_FOUND = "not_found"
    ROOM_FULL = "room_full"
    WRONG_PASSWORD = "wrong_password"
    ALREADY_JOINED = "already_joined"
    NOT_OWNER = "not_owner"
    NOT_READY = "not_ready"
    TOO_FEW_PLAYERS = "too_few_players"
    ILLEGAL_ACTION = "illegal_action"
    NOT_YOUR_TURN = "not_your_turn"
    STALE_VERSION = "stale_version"
    MATCH_OVER = "match_over"
    MATCH_PAUSED = "match_paused"
    RATE_LIMITED = "rate_limited"
    LIMIT_REACHED = "limit_reached"
    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"
    """The server could not reach its store for the request; reconnect later (1013 follows)."""


class CloseCode(IntEnum):
    """Why the server closed a WebSocket."""

    LEFT = 4000
    MOVED = 4001
    UNAUTHORIZED = 4002
    FORBIDDEN = 4003
    NOT_FOUND = 4004
    POLICY = 4008
    REPLACED = 4009
    KICKED = 4010
    HANDED_TO_BOT = 4011
    """The seat was handed to a bot (its player left, was away too long, or idle)."""
    GOING_AWAY = 1001
    SERVER_ERROR = 1011
    TRY_AGAIN_LATER = 1013
    """The server lost its store for a while: reconnect with backoff."""
