"""A minimal game for the relay benchmark: rooms of 2 to 8 seats, one no-op action."""

from __future__ import annotations

from typing import Any

import msgspec

from gamerooms.engine import Action, ActionContext, Game, Result, SeededRandom, Settings, action


class Nothing(msgspec.Struct):
    """The relay game's state: the seat count."""

    seats: int


class Relay(Game[Nothing]):
    """Seats chat in their room; the match itself never ends and its one action does nothing."""

    name = "bench-relay"
    title = "Bench relay"
    min_players = 2
    max_players = 8
    state_type = Nothing

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Nothing:
        """No state but the seat count."""
        return Nothing(seats=seats)

    def turn(self, state: Nothing) -> list[int]:
        """Anyone may act."""
        return list(range(state.seats))

    def view(self, state: Nothing, seat: int | None) -> dict[str, Any]:
        """Nothing to see."""
        return {}

    def result(self, state: Nothing) -> Result | None:
        """Never over."""
        return None

    def legal_actions(self, state: Nothing, seat: int) -> list[Action]:
        """The no-op."""
        return [Action(name="noop", data={})]

    @action("noop")
    def noop(self, state: Nothing, ctx: ActionContext) -> None:
        """Do nothing."""
