"""Errors a game or the engine raises; each carries the protocol's error code."""

from __future__ import annotations

from typing import ClassVar

import msgspec


class GameError(Exception):
    """A refused request: `code` is the protocol error code, `message` says why."""

    code: ClassVar[str] = "illegal_action"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalAction(GameError):
    """The action is not allowed in this state (or no such action exists)."""

    code = "illegal_action"


class NotYourTurn(GameError):
    """The seat may not act now."""

    code = "not_your_turn"


class MatchOver(GameError):
    """The match has a result; nothing more can be played."""

    code = "match_over"


class StaleVersion(GameError):
    """The client acted on a version of the match that is no longer current."""

    code = "stale_version"


class BadActionData(GameError):
    """The action's data fails validation; the message names the field."""

    code = "bad_message"


class SettingsError(GameError):
    """The match settings fail validation; the message names the field."""

    code = "bad_message"


def field_message(exc: msgspec.ValidationError, root: str) -> str:
    """Rephrase msgspec's "<why> - at `$.a.b`" as "a.b: <why>" (`root` names the top level)."""
    why, _, where = str(exc).partition(" - at `$")
    where = where.rstrip("`")
    if where.startswith("."):
        return f"{where[1:]}: {why}"
    return f"{root}{where}: {why}"
