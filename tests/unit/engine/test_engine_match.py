"""Matches: start, apply (never in place, errors in a fixed order), replay, encode/decode."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import msgspec
import pytest

from gamerooms.engine import (
    Action,
    ActionContext,
    BadActionData,
    Game,
    IllegalAction,
    MatchOver,
    MatchState,
    NotYourTurn,
    Result,
    SeededRandom,
    Settings,
    SettingsError,
    StaleVersion,
    action,
    apply_action,
    decode_match,
    encode_match,
    replay,
    start_match,
)


class DiceSettings(Settings):
    target: Annotated[int, msgspec.Meta(ge=1)] = 20
    sides: int = 6


class Tally(msgspec.Struct):
    target: int
    sides: int
    order: list[int]
    totals: dict[int, int]
    current: int = 0


class Roll(msgspec.Struct):
    times: Annotated[int, msgspec.Meta(ge=1)] = 1


class Dice(Game[Tally]):
    """A dice race: the seat order is shuffled at setup; the first to reach the target wins."""

    name = "dice"
    title = "Dice race"
    min_players = 2
    max_players = 4
    settings_type = DiceSettings

    def setup(self, settings: DiceSettings, seats: int, rng: SeededRandom) -> Tally:
        order = list(range(seats))
        rng.shuffle(order)
        totals = dict.fromkeys(order, 0)
        return Tally(target=settings.target, sides=settings.sides, order=order, totals=totals)

    def turn(self, state: Tally) -> Sequence[int]:
        return [] if self.result(state) else [state.order[state.current]]

    def view(self, state: Tally, seat: int | None) -> dict[str, Any]:
        return {"totals": dict(state.totals)}

    def result(self, state: Tally) -> Result | None:
        winners = [seat for seat, total in state.totals.items() if total >= state.target]
        return Result(winners=winners, reason="target") if winners else None

    def legal_actions(self, state: Tally, seat: int) -> list[Action]:
        return [Action(name="roll", data={}), Action(name="pass", data={})]

    @action("roll", data=Roll)
    def roll(self, state: Tally, data: Roll, ctx: ActionContext) -> None:
        for _ in range(data.times):
            value = ctx.rng.randint(1, state.sides)
            state.totals[ctx.seat] += value
            ctx.emit({"type": "rolled", "seat": ctx.seat, "value": value})
        self.advance(state)

    @action("pass")
    def pass_(self, state: Tally, ctx: ActionContext) -> None:
        self.advance(state)

    @action("cheat")
    def cheat(self, state: Tally, ctx: ActionContext) -> None:
        state.totals[ctx.seat] += 100
        state.order.clear()
        raise IllegalAction("no cheating")

    def advance(self, state: Tally) -> None:
        state.current = (state.current + 1) % len(state.order)


GAME = Dice()


def first(match: MatchState) -> int:
    seat: int = match.data.order[match.data.current]
    return seat


def play(match: MatchState, rounds: int) -> tuple[list[tuple[int, str, Any]], MatchState]:
    """Up to `rounds` rolls from `match` by the seat to move: the log and the match after it."""
    log: list[tuple[int, str, Any]] = []
    while len(log) < rounds and match.result is None:
        seat = first(match)
        log.append((seat, "roll", {"times": 2}))
        match = apply_action(GAME, match, seat, "roll", {"times": 2}).match
    return log, match


def finished() -> MatchState:
    match = start_match(GAME, {"target": 1}, 2, seed=5)
    return apply_action(GAME, match, first(match), "roll", {}).match


def test_start_match_sets_up_version_0() -> None:
    match = start_match(GAME, {"target": 30}, 3, seed=99)
    assert match.game == "dice"
    assert match.seats == 3
    assert match.settings == {"target": 30, "sides": 6}
    assert match.seed == 99
    assert match.version == 0
    assert match.result is None
    assert isinstance(match.data, Tally)
    assert sorted(match.data.order) == [0, 1, 2]


def test_start_match_saves_the_rng_state_after_setup() -> None:
    match = start_match(GAME, None, 4, seed=99)
    rng = SeededRandom(99)
    order = [0, 1, 2, 3]
    rng.shuffle(order)
    assert match.data.order == order
    assert match.rng == rng.state
    assert match.rng != SeededRandom(99).state


@pytest.mark.parametrize("seats", [1, 5])
def test_start_match_refuses_a_seat_count_outside_the_game_range(seats: int) -> None:
    with pytest.raises(IllegalAction, match=f"needs 2 to 4 seats, not {seats}"):
        start_match(GAME, None, seats, seed=1)


def test_start_match_refuses_bad_settings() -> None:
    with pytest.raises(SettingsError, match="target: Expected `int` >= 1"):
        start_match(GAME, {"target": 0}, 2, seed=1)


def test_apply_action_returns_the_next_match_and_what_happened() -> None:
    match = start_match(GAME, None, 2, seed=3)
    seat = first(match)
    applied = apply_action(GAME, match, seat, "roll", {"times": 2}, expected_version=0)
    rng = SeededRandom.from_state(match.rng)
    rolls = [rng.randint(1, 6), rng.randint(1, 6)]
    assert applied.seat == seat
    assert applied.action == "roll"
    assert applied.data == {"times": 2}
    assert applied.events == [{"type": "rolled", "seat": seat, "value": value} for value in rolls]
    assert applied.match.version == 1
    assert applied.match.rng == rng.state
    assert applied.match.data.totals[seat] == sum(rolls)
    assert applied.match.data.current == 1
    assert applied.match.result is None


def test_apply_action_reports_validated_data_with_defaults() -> None:
    match = start_match(GAME, None, 2, seed=3)
    assert apply_action(GAME, match, first(match), "roll", None).data == {"times": 1}
    assert apply_action(GAME, match, first(match), "roll", {"x": 1}).data == {"times": 1}


@pytest.mark.parametrize("data", [None, {}, {"ignored": True}])
def test_an_action_without_data_accepts_none_or_any_object(data: Any) -> None:
    match = start_match(GAME, None, 2, seed=3)
    applied = apply_action(GAME, match, first(match), "pass", data)
    assert applied.data == {}
    assert applied.events == []
    assert applied.match.data.current == 1
    assert applied.match.rng == match.rng


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("roll", {"times": "2"}, "times: Expected `int`, got `str`"),
        ("roll", {"times": 0}, "times: Expected `int` >= 1"),
        ("roll", [2], "data: Expected `object`, got `array`"),
        ("pass", "x", "data: Expected `object`, got `str`"),
    ],
)
def test_bad_data_raises_bad_action_data_naming_the_field(
    name: str, data: Any, message: str
) -> None:
    match = start_match(GAME, None, 2, seed=3)
    with pytest.raises(BadActionData) as caught:
        apply_action(GAME, match, first(match), name, data)
    assert caught.value.message == message


def test_the_version_counts_applied_actions() -> None:
    match = start_match(GAME, {"target": 1000}, 3, seed=8)
    for version in range(1, 7):
        match = apply_action(GAME, match, first(match), "pass", None, version - 1).match
        assert match.version == version


def test_apply_action_never_mutates_its_input() -> None:
    match = start_match(GAME, None, 2, seed=3)
    before = encode_match(match)
    data = match.data
    applied = apply_action(GAME, match, first(match), "roll", {"times": 3})
    assert encode_match(match) == before
    assert match.data is data
    assert applied.match.data is not data
    assert applied.match.data.totals is not data.totals


def test_a_refused_handler_leaves_the_match_unchanged() -> None:
    match = start_match(GAME, None, 2, seed=3)
    before = encode_match(match)
    with pytest.raises(IllegalAction, match="no cheating"):
        apply_action(GAME, match, first(match), "cheat", None)
    assert encode_match(match) == before


def test_a_stale_version_is_refused() -> None:
    match = start_match(GAME, None, 2, seed=3)
    with pytest.raises(StaleVersion, match="at version 0, not 1"):
        apply_action(GAME, match, first(match), "pass", None, expected_version=1)


def test_unknown_actions_are_illegal() -> None:
    match = start_match(GAME, None, 2, seed=3)
    with pytest.raises(IllegalAction) as caught:
        apply_action(GAME, match, first(match), "x", None)
    assert caught.value.message == "unknown action 'x'"


def test_only_the_seats_in_turn_may_act() -> None:
    match = start_match(GAME, None, 3, seed=3)
    others = {0, 1, 2} - {first(match)}
    for seat in [*others, 7]:
        with pytest.raises(NotYourTurn):
            apply_action(GAME, match, seat, "pass", None)


def test_a_finished_match_takes_no_more_actions() -> None:
    match = finished()
    assert match.result is not None
    assert match.result.reason == "target"
    assert GAME.turn(match.data) == []
    with pytest.raises(MatchOver):
        apply_action(GAME, match, match.result.winners[0], "pass", None)


def test_checks_run_in_protocol_order() -> None:
    over = finished()
    with pytest.raises(StaleVersion):
        apply_action(GAME, over, 0, "x", "bad", expected_version=0)
    with pytest.raises(MatchOver):
        apply_action(GAME, over, 0, "x", "bad", expected_version=over.version)
    match = start_match(GAME, None, 2, seed=3)
    idle = 1 - first(match)
    with pytest.raises(IllegalAction, match="unknown action"):
        apply_action(GAME, match, idle, "x", "bad")
    with pytest.raises(NotYourTurn):
        apply_action(GAME, match, idle, "cheat", "bad")
    with pytest.raises(BadActionData):
        apply_action(GAME, match, first(match), "cheat", "bad")


def test_replay_reproduces_the_exact_match() -> None:
    log, live = play(start_match(GAME, {"target": 1000}, 3, seed=2024), 5)
    log.append((first(live), "pass", None))
    live = apply_action(GAME, live, first(live), "pass", None).match
    replayed = replay(GAME, {"target": 1000}, 3, 2024, log)
    assert replayed.version == 6
    assert replayed == live
    assert encode_match(replayed) == encode_match(live)


def test_seeds_decide_the_dice() -> None:
    outcomes = set()
    for seed in range(5):
        match = start_match(GAME, {"target": 1000}, 2, seed=seed)
        outcomes.add(encode_match(play(match, 4)[1]))
    assert len(outcomes) == 5


def test_encode_decode_round_trip_restores_the_typed_state() -> None:
    match = play(start_match(GAME, {"target": 12}, 4, seed=77), 100)[1]
    assert match.result is not None
    blob = encode_match(match)
    assert isinstance(blob, bytes)
    decoded = decode_match(GAME, blob)
    assert decoded == match
    assert isinstance(decoded.data, Tally)
    assert all(isinstance(seat, int) for seat in decoded.data.totals)
    assert isinstance(decoded.result, Result)


def test_a_decoded_match_plays_on_like_the_original() -> None:
    match = start_match(GAME, None, 2, seed=31)
    decoded = decode_match(GAME, encode_match(match))
    seat = first(match)
    assert apply_action(GAME, decoded, seat, "roll", {}) == apply_action(
        GAME, match, seat, "roll", {}
    )
