"""Fast, side-effect-free steps through a match for bots that look ahead."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import Action, Game, MatchState, apply_action, seats_in_turn


def step(game: Game[Any], match: MatchState, seat: int, action: Action) -> MatchState:
    """The match after `seat` takes `action` (the match itself is not changed)."""
    return apply_action(game, match, seat, action.name, action.data).match


def acting_seat(game: Game[Any], match: MatchState, preferred: int | None = None) -> int | None:
    """Who acts next in a simulation: `preferred` if it is among the seats in turn."""
    seats = seats_in_turn(game, match)
    if not seats:
        return None
    return preferred if preferred in seats else seats[0]


def rewards(match: MatchState) -> list[float]:
    """Per seat: 1 for a sole winner, shared among co-winners, an equal share for all on a draw."""
    result = match.result
    if result is None or not result.winners:
        return [1.0 / match.seats] * match.seats
    share = 1.0 / len(result.winners)
    return [share if seat in result.winners else 0.0 for seat in range(match.seats)]
