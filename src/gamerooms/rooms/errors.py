"""Refusals raised by the domain services; each carries a protocol error code."""

from __future__ import annotations

from gamerooms.protocol.codes import ErrorCode


class Refusal(Exception):
    """A request the service refuses; `code` is the protocol error code."""

    code: ErrorCode = ErrorCode.BAD_MESSAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refusal):
    """No such room or match."""

    code = ErrorCode.NOT_FOUND


class NotAuthorized(Refusal):
    """The player may not do this here."""

    code = ErrorCode.NOT_AUTHORIZED


class MatchPaused(Refusal):
    """The match waits for a decision; actions are refused meanwhile."""

    code = ErrorCode.MATCH_PAUSED
