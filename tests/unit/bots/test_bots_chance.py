"""Bots on games of chance: they imagine the match's RNG anew and never foresee the dice.

CoinCall: seat 0 calls heads or tails, then the coin is tossed inside the action with the match's
RNG. Nothing is hidden in the state, but the toss to come is: a bot that searched with the real
RNG state would call every toss right; a fair bot's call does not depend on that state.

DoubleOrKeep: the moves a seat may make depend on its roll, so searches on different imagined
rolls must each keep to the moves legal in their own sample.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from gamerooms.bots import policy_for
from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    IllegalAction,
    MatchState,
    Result,
    SeededRandom,
    Settings,
    action,
    apply_action,
    start_match,
)

LEVELS = ["random", "easy", "medium", "hard"]
SEEDS = range(200)


class Coin(msgspec.Struct):
    """The toss once made: the seat that won it."""

    winner: int | None = None


class CoinCall(Game[Coin]):
    """Seat 0 calls, the coin decides: a win for seat 0 on a right call, else for seat 1."""

    name = "coincall"
    title = "Coin call"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "easy", "medium", "hard")

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Coin:
        """No toss yet."""
        return Coin()

    def turn(self, state: Coin) -> list[int]:
        """Seat 0 until the toss."""
        return [0] if state.winner is None else []

    def view(self, state: Coin, seat: int | None) -> dict[str, Any]:
        """The winner, once known."""
        return {"winner": state.winner}

    def result(self, state: Coin) -> Result | None:
        """The toss's winner."""
        return None if state.winner is None else Result(winners=[state.winner])

    def legal_actions(self, state: Coin, seat: int) -> list[Action]:
        """Heads or tails, for seat 0 before the toss."""
        if seat not in self.turn(state):
            return []
        return [Action(name="heads", data={}), Action(name="tails", data={})]

    @action("heads")
    def heads(self, state: Coin, ctx: ActionContext) -> None:
        """Call heads and toss."""
        state.winner = 0 if ctx.rng.random() < 0.5 else 1

    @action("tails")
    def tails(self, state: Coin, ctx: ActionContext) -> None:
        """Call tails and toss."""
        state.winner = 0 if ctx.rng.random() >= 0.5 else 1


GAME = CoinCall()
ROLLS = 6
"""Rolls in a match of DoubleOrKeep, the seats taking turns."""


class Dice(msgspec.Struct):
    """The roll in play (0 before rolling), the rolls done, and each seat's points."""

    points: list[int]
    roll: int = 0
    rolls: int = 0


class DoubleOrKeep(Game[Dice]):
    """A seat rolls, then keeps the roll as points; on an even roll it may instead stake it on a
    toss that doubles it or loses it. Most points after ROLLS rolls wins."""

    name = "doubleorkeep"
    title = "Double or keep"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "easy", "medium", "hard")

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Dice:
        """No points yet."""
        return Dice(points=[0] * seats)

    def turn(self, state: Dice) -> list[int]:
        """The seats roll in turn."""
        return [] if state.rolls == ROLLS else [state.rolls % 2]

    def view(self, state: Dice, seat: int | None) -> dict[str, Any]:
        """Everything."""
        return msgspec.to_builtins(state)

    def result(self, state: Dice) -> Result | None:
        """The seat with more points, once every roll is done."""
        if state.rolls < ROLLS:
            return None
        best = max(state.points)
        return Result(winners=[seat for seat, points in enumerate(state.points) if points == best])

    def legal_actions(self, state: Dice, seat: int) -> list[Action]:
        """Roll; then keep, or double after an even roll."""
        if seat not in self.turn(state):
            return []
        names = ["roll"] if state.roll == 0 else ["keep", "double"][: 2 - state.roll % 2]
        return [Action(name=name, data={}) for name in names]

    @action("roll")
    def roll(self, state: Dice, ctx: ActionContext) -> None:
        """Roll the die."""
        if state.roll:
            raise IllegalAction("rolled already")
        state.roll = ctx.rng.randint(1, 6)

    @action("keep")
    def keep(self, state: Dice, ctx: ActionContext) -> None:
        """Score the roll."""
        self.score(state, ctx.seat, state.roll)

    @action("double")
    def double(self, state: Dice, ctx: ActionContext) -> None:
        """Stake an even roll on a toss."""
        if state.roll == 0 or state.roll % 2:
            raise IllegalAction("only an even roll may be doubled")
        self.score(state, ctx.seat, 2 * state.roll if ctx.rng.random() < 0.5 else 0)

    @staticmethod
    def score(state: Dice, seat: int, points: int) -> None:
        """Add the points and pass the die."""
        if state.roll == 0:
            raise IllegalAction("roll first")
        state.points[seat] += points
        state.roll, state.rolls = 0, state.rolls + 1


def with_rng(match: MatchState, state: int) -> MatchState:
    """The same match, its RNG (the tosses to come) set to `state`."""
    return msgspec.structs.replace(match, rng=state)


@pytest.mark.parametrize("level", LEVELS)
def test_the_bots_call_does_not_depend_on_the_toss_to_come(level: str) -> None:
    policy = policy_for(GAME, level)
    for seed in range(10):
        match = start_match(GAME, None, 2, seed)
        calls = {
            policy.choose(GAME, with_rng(match, state), 0).name for state in range(1, 2**60, 2**57)
        }
        assert len(calls) == 1, (seed, calls)


@pytest.mark.parametrize("level", LEVELS)
def test_the_bots_win_about_half_of_the_tosses(level: str) -> None:
    policy = policy_for(GAME, level)
    wins = 0
    for seed in SEEDS:
        match = start_match(GAME, None, 2, seed)
        call = policy.choose(GAME, match, 0)
        after = apply_action(GAME, match, 0, call.name, call.data).match
        wins += after.result is not None and after.result.winners == [0]
    assert 0.35 * len(SEEDS) < wins < 0.65 * len(SEEDS), wins


@pytest.mark.parametrize("level", LEVELS)
def test_the_bots_search_only_moves_legal_after_each_imagined_roll(level: str) -> None:
    game = DoubleOrKeep()
    policy = policy_for(game, level)
    for seed in range(3):
        match = start_match(game, None, 2, seed)
        while match.result is None:
            (seat,) = game.turn(match.data)
            move = policy.choose(game, match, seat)
            assert move in game.legal_actions(match.data, seat)
            match = apply_action(game, match, seat, move.name, move.data).match
