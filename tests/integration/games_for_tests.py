"""Games that only the tests load (GAMEROOMS_GAMES=tests.integration.games_for_tests:Counter)."""

from __future__ import annotations

from typing import Any

import msgspec

from gamerooms.engine import Action, ActionContext, Game, Result, SeededRandom, Settings, action

TARGET = 10
"""The count that ends a counter match."""


class Tally(msgspec.Struct):
    """The shared count and whose turn it is."""

    count: int
    seats: int
    next_seat: int


class Counter(Game[Tally]):
    """2 to 8 seats take turns adding one; the seat that reaches TARGET wins."""

    name = "counter"
    title = "Counter"
    min_players = 2
    max_players = 8

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Tally:
        """A zero count, seat 0 first."""
        return Tally(count=0, seats=seats, next_seat=0)

    def turn(self, state: Tally) -> list[int]:
        """The seat to add next; none once over."""
        return [] if state.count >= TARGET else [state.next_seat]

    def view(self, state: Tally, seat: int | None) -> dict[str, Any]:
        """The count, the same for every seat."""
        return {"count": state.count}

    def result(self, state: Tally) -> Result | None:
        """A win for the seat that reached TARGET."""
        if state.count < TARGET:
            return None
        return Result(winners=[(state.next_seat - 1) % state.seats], reason="win")

    def legal_actions(self, state: Tally, seat: int) -> list[Action]:
        """`add`, for the seat to move."""
        return [Action(name="add", data={})] if seat in self.turn(state) else []

    @action("add")
    def add(self, state: Tally, ctx: ActionContext) -> None:
        """Add one and pass the turn."""
        state.count += 1
        state.next_seat = (state.next_seat + 1) % state.seats


class Marathon(Counter):
    """Counter without an end: seats take turns adding one for as long as a test likes."""

    name = "marathon"
    title = "Marathon"

    def turn(self, state: Tally) -> list[int]:
        """The seat to add next."""
        return [state.next_seat]

    def result(self, state: Tally) -> Result | None:
        """Never over."""
        return None
