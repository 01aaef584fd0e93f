"""The counters and histograms that the hot path moves, on prometheus_client's default registry:
each move costs one counter increment and one histogram observation."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from gamerooms.protocol.codes import ErrorCode

ACTIONS = Counter(
    "gamerooms_actions",
    "Moves committed by this process's referee (players', bots' and timed-out seats'), by game.",
    ["game"],
)
ACTION_SECONDS = Histogram(
    "gamerooms_action_seconds",
    "Seconds from the referee taking a move until its commit is announced and journaled.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
REFUSALS = Counter(
    "gamerooms_refusals",
    "Error frames sent to game sockets, by error code.",
    ["code"],
)
HTTP_RESPONSES = Counter(
    "gamerooms_http_responses",
    "HTTP responses (REST, pages, health, metrics), by status code.",
    ["status"],
)
STORE_SECONDS = Histogram(
    "gamerooms_store_seconds",
    "Seconds a store call took, for a sample of the calls, by store operation.",
    ["operation"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)

_refusals_by_code = {code.value: REFUSALS.labels(code.value) for code in ErrorCode}
"""Every code's child made up front: each code is exposed from the start, at 0."""
_actions_by_game: dict[str, Counter] = {}
_responses_by_status: dict[int, Counter] = {}


def count_action(game: str) -> None:
    """Count one committed move of `game`."""
    child = _actions_by_game.get(game)
    if child is None:
        child = _actions_by_game[game] = ACTIONS.labels(game)
    child.inc()


def count_refusal(code: str) -> None:
    """Count one error frame with this ErrorCode value."""
    _refusals_by_code[code].inc()


def count_response(status: int) -> None:
    """Count one HTTP response with this status code."""
    child = _responses_by_status.get(status)
    if child is None:
        child = _responses_by_status[status] = HTTP_RESPONSES.labels(str(status))
    child.inc()
