"""Magnate's bots, exact replay, and thousands of bot-only matches played to the end with the
rules' invariants checked after every action."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import compress
from operator import itemgetter
from typing import Any

import msgspec
import pytest

from gamerooms.engine import (
    Action,
    IllegalAction,
    MatchState,
    Policy,
    apply_action,
    decode_match,
    encode_match,
    replay,
    start_match,
)
from gamerooms.games.magnate import Magnate
from gamerooms.games.magnate.board import GROUPS, MAX_HOUSES, PROPERTIES, SIZE
from gamerooms.games.magnate.bots import EasyPolicy, HardPolicy
from gamerooms.games.magnate.state import BANK, MagnateSettings, MagnateState, Phase

GAME = Magnate()
POLICIES: dict[str, Policy] = {"easy": EasyPolicy(), "hard": HardPolicy()}
CHUNKS, CHUNK = 10, 200
"""The bulk run: 2000 bot-only matches, in chunks that stay well inside the test timeout."""
SEATS = 4
PICK_OTHERS = itemgetter(*(square for square in range(SIZE) if square not in PROPERTIES))
NO_OWNERS = (BANK,) * (SIZE - len(PROPERTIES))
PICK_GROUPS = [itemgetter(*group) for group in GROUPS]
Log = list[tuple[int, str, dict[str, Any]]]


def levels_for(number: int) -> list[str]:
    """The bot level of each seat in match `number`: every mix of easy and hard in turn."""
    return ["hard" if number >> seat & 1 else "easy" for seat in range(SEATS)]


def check_invariants(state: MagnateState) -> None:
    """What must hold after every action."""
    alive, cash, owner, houses, mortgaged = (
        state.alive,
        state.cash,
        state.owner,
        state.houses,
        state.mortgaged,
    )
    assert min(cash) >= 0, "cash is never negative: a debt waits in the debt phase"
    assert min(state.position) >= 0 and max(state.position) < SIZE
    if state.phase is Phase.DEBT:
        assert cash[state.current] < state.debt
    else:
        assert state.debt == 0
    assert state.phase is Phase.OVER or (alive[state.current] and state.round <= state.max_turns)
    assert PICK_OTHERS(owner) == NO_OWNERS and not any(PICK_OTHERS(houses))
    assert not any(PICK_OTHERS(mortgaged))
    live = set(compress(range(SEATS), alive))
    assert all(cash[seat] == 0 for seat in range(SEATS) if seat not in live)
    assert set(owner) <= live | {BANK}, "a property is owned by the bank or one live seat"
    assert BANK not in compress(owner, mortgaged), "only owned properties are mortgaged"
    assert min(houses) >= 0
    if max(houses):
        for pick in PICK_GROUPS:
            built = pick(houses)
            top = max(built)
            if top:
                owners = pick(owner)
                assert owners.count(owners[0]) == len(owners) and owners[0] != BANK, "whole groups"
                assert not any(pick(mortgaged)) and top - min(built) <= 1 and top <= MAX_HOUSES


def play(seed: int, levels: Sequence[str], check_legal: bool = False) -> tuple[MatchState, Log]:
    """A bot-only match played to its end, checking the invariants after every action."""
    match = start_match(GAME, None, len(levels), seed)
    log: Log = []
    while match.result is None:
        seat = match.data.current
        chosen = POLICIES[levels[seat]].choose(GAME, match, seat)
        if check_legal:
            assert chosen in GAME.legal_actions(match.data, seat)
        match = apply_action(GAME, match, seat, chosen.name, chosen.data).match
        check_invariants(match.data)
        log.append((seat, chosen.name, chosen.data))
    return match, log


def state_at(**changes: Any) -> MatchState:
    """A four-seat match whose state has some fields replaced."""
    state = MagnateState.new(SEATS, MagnateSettings())
    return MatchState("magnate", SEATS, {}, 7, 3, 0, msgspec.structs.replace(state, **changes))


def hard(match: MatchState) -> Action:
    """The hard bot's choice for the seat in turn."""
    return POLICIES["hard"].choose(GAME, match, match.data.current)


def test_bot_levels() -> None:
    assert GAME.bot_levels == ("easy", "hard")
    assert isinstance(GAME.bot("easy"), EasyPolicy)
    assert isinstance(GAME.bot("hard"), HardPolicy)
    assert GAME.bot("medium") is None


def test_the_easy_bot_plays_a_legal_move_fixed_by_the_match() -> None:
    match = state_at(phase=Phase.BUILD, owner=[0 if s in GROUPS[1] else BANK for s in range(SIZE)])
    chosen = POLICIES["easy"].choose(GAME, match, 0)
    assert chosen in GAME.legal_actions(match.data, 0)
    assert POLICIES["easy"].choose(GAME, match, 0) == chosen


@pytest.mark.parametrize(
    ("cash", "owned", "choice"),
    [(1500, (), "buy"), (200, (), "decline"), (130, (5, 7), "buy"), (110, (5, 7), "decline")],
)
def test_the_hard_bot_buys_when_its_reserve_survives_or_a_group_is_completed(
    cash: int, owned: tuple[int, ...], choice: str
) -> None:
    owner = [0 if square in owned else BANK for square in range(SIZE)]
    match = state_at(phase=Phase.BUY, position=[8, 0, 0, 0], cash=[cash] * SEATS, owner=owner)
    assert hard(match).name == choice


def test_the_hard_bot_builds_where_a_house_pays_most_and_keeps_its_reserve() -> None:
    owner = [0 if square in GROUPS[0] + GROUPS[1] else BANK for square in range(SIZE)]
    match = state_at(phase=Phase.BUILD, owner=owner)
    assert hard(match) == Action(name="build", data={"property": GROUPS[1][2]})
    poor = state_at(phase=Phase.BUILD, owner=owner, cash=[190] * SEATS)
    assert hard(poor) == Action(name="end_turn", data={})


def test_the_hard_bot_mortgages_loose_property_first_and_gives_up_only_when_it_must() -> None:
    owner = [0 if square in (1, 3, 9) else BANK for square in range(SIZE)]
    debt = {"phase": Phase.DEBT, "cash": [0] * SEATS, "owner": owner, "creditor": 1}
    assert hard(state_at(**debt, debt=70)) == Action(name="mortgage", data={"property": 9})
    assert hard(state_at(**debt, debt=141)) == Action(name="declare_bankruptcy", data={})


def test_the_hard_bot_leaves_jail_early_and_stays_late() -> None:
    jailed = {"position": [6, 0, 0, 0], "jail": [1, 0, 0, 0]}
    assert hard(state_at(**jailed)).name == "pay_fine"
    assert hard(state_at(**jailed, cards=[1, 0, 0, 0])).name == "use_card"
    sold = [1 if square in PROPERTIES else BANK for square in range(SIZE)]
    assert hard(state_at(**jailed, owner=sold)).name == "roll"


def test_a_bot_match_replays_exactly_from_its_seed_and_log() -> None:
    final, log = play(11, ["easy", "hard", "hard", "easy"], check_legal=True)
    again = replay(GAME, None, SEATS, 11, log)
    assert encode_match(again) == encode_match(final)
    assert decode_match(GAME, encode_match(final)) == final


def test_bots_choose_only_legal_actions() -> None:
    for number in range(40):
        play(number, levels_for(number), check_legal=True)


def candidates() -> list[Action]:
    """Every action name, with every property (and a non-property square) for those on one."""
    plain = [Action(name=name, data={}) for name, spec in GAME.actions.items() if not spec.data]
    squares = [*PROPERTIES, 2]
    on = [
        Action(name=name, data={"property": square})
        for name, spec in GAME.actions.items()
        if spec.data
        for square in squares
    ]
    return plain + on


def test_legal_actions_are_exactly_the_ones_accepted() -> None:
    """Along a match that builds, sells, mortgages, declines, leaves jail and goes bankrupt."""
    _, log = play(1, levels_for(1))
    assert {name for _, name, _ in log} == set(GAME.actions)
    match = start_match(GAME, None, SEATS, 1)
    for seat, name, data in log:
        legal = GAME.legal_actions(match.data, seat)
        for candidate in candidates():
            try:
                apply_action(GAME, match, seat, candidate.name, candidate.data)
            except IllegalAction:
                assert candidate not in legal
            else:
                assert candidate in legal
        match = apply_action(GAME, match, seat, name, data).match


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_two_thousand_bot_matches_end_within_the_turn_limit(chunk: int) -> None:
    """CHUNKS x CHUNK four-seat matches of every easy/hard mix, invariants checked after every
    action (in `play`); each ends, in both ways, and hard seats win far more than easy ones."""
    reasons: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for number in range(chunk * CHUNK, (chunk + 1) * CHUNK):
        levels = levels_for(number)
        final, _ = play(1000 + number, levels)
        assert final.result is not None
        assert final.data.round <= final.data.max_turns + 1
        assert final.result.scores is not None
        assert set(final.result.scores) == {str(seat) for seat in range(SEATS)}
        reasons[final.result.reason] += 1
        if len(set(levels)) == 2:
            wins.update(levels[seat] for seat in final.result.winners)
    assert set(reasons) == {"last_standing", "turn_limit"}
    assert wins["hard"] > 3 * wins["easy"]
