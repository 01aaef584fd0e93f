"""Refusals raised by the domain services; each carries a protocol error code."""

from __future__ import annotations


class Refusal(Exception):
    """A request the service refuses; `code` is the protocol error code."""

    code = "bad_message"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refusal):
    """No such room or match."""

    code = "not_found"


class NotAuthorized(Refusal):
    """The player may not do this here."""

    code = "not_authorized"


class MatchPaused(Refusal):
    """The match waits for a decision; actions are refused meanwhile."""

    code = "match_paused"
