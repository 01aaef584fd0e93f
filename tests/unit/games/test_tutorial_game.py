"""The game of docs/writing-a-game.md (docs/examples/goofspiel.py) works as the tutorial says:
settings, seeded set-up, sealed bids that no view or event shows, determinize and from_view that
read only what a seat sees, and full matches by every bot level, replayed exactly."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from gamerooms.bots import MonteCarloPolicy, RandomPolicy, policy_for
from gamerooms.engine import (
    Action,
    Applied,
    BadActionData,
    Game,
    GameRegistry,
    IllegalAction,
    MatchOver,
    MatchState,
    NotYourTurn,
    SeededRandom,
    SettingsError,
    apply_action,
    decode_match,
    encode_match,
    replay,
    start_match,
)
from gamerooms.engine.schema import inline_schema

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "goofspiel.py"


def load_example() -> ModuleType:
    """The tutorial's module, imported from its file as `goofspiel`."""
    spec = importlib.util.spec_from_file_location("goofspiel", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["goofspiel"] = module
    spec.loader.exec_module(module)
    return module


goofspiel = load_example()
GAME: Game[Any] = goofspiel.Goofspiel()
Log = list[tuple[int, str, Any]]


def bid(match: MatchState, seat: int, card: int) -> Applied:
    """One bid applied through the engine."""
    return apply_action(GAME, match, seat, "bid", {"card": card})


def bids(match: MatchState, cards: list[int]) -> Applied:
    """A whole round: seat i bids cards[i], in seat order; the last bid's outcome."""
    applied = None
    for seat, card in enumerate(cards):
        applied = bid(match, seat, card)
        match = applied.match
    assert applied is not None
    return applied


def with_deck(match: MatchState, deck: list[int]) -> MatchState:
    """The same match with its face-down deck in another order."""
    return msgspec.structs.replace(match, data=msgspec.structs.replace(match.data, deck=deck))


def play(policies: list[Any], seed: int, seats: int = 2, **settings: Any) -> tuple[MatchState, Log]:
    """A whole match, each seat played by its policy (the first seat in turn moves first);
    the final match and the log of moves."""
    match = start_match(GAME, settings, seats, seed)
    log: Log = []
    while match.result is None:
        seat = GAME.turn(match.data)[0]
        move = policies[seat].choose(GAME, match, seat)
        assert move in GAME.legal_actions(match.data, seat), move
        log.append((seat, move.name, move.data))
        match = apply_action(GAME, match, seat, move.name, move.data).match
    return match, log


# Settings and set-up


def test_settings_defaults_schema_and_refusals() -> None:
    assert msgspec.to_builtins(GAME.parse_settings(None)) == {"cards": 6, "ties": "discard"}
    schema = GAME.settings_schema()["properties"]
    assert schema["cards"] | {"minimum": 3, "maximum": 13, "default": 6} == schema["cards"]
    assert sorted(schema["ties"]["enum"]) == ["carry", "discard"] and schema["ties"]["description"]
    for settings, field in [({"cards": 2}, "cards"), ({"ties": "split"}, "ties")]:
        with pytest.raises(SettingsError, match=field):
            start_match(GAME, settings, 2, seed=1)
    with pytest.raises(IllegalAction):
        start_match(GAME, None, 5, seed=1)


def test_set_up_deals_hands_and_turns_up_a_prize_from_a_seeded_deck() -> None:
    match = start_match(GAME, {"cards": 5}, 3, seed=7)
    table = match.data
    assert table.hands == [[1, 2, 3, 4, 5]] * 3 and table.scores == [0, 0, 0]
    assert sorted(table.deck + table.pot) == [1, 2, 3, 4, 5] and len(table.pot) == 1
    assert GAME.turn(table) == [0, 1, 2] and match.result is None
    assert start_match(GAME, {"cards": 5}, 3, seed=7) == match
    decks = {tuple(start_match(GAME, None, 2, seed).data.deck) for seed in range(10)}
    assert len(decks) > 5


def test_describe() -> None:
    described = GameRegistry([goofspiel.Goofspiel]).describe_all()
    assert described == [
        {
            "name": "goofspiel",
            "title": "Goofspiel",
            "min_players": 2,
            "max_players": 4,
            "default_players": 2,
            "description": " ".join(goofspiel.Goofspiel.__doc__.split("\n\n")[0].split()),
            "hidden_information": True,
            "settings_schema": GAME.settings_schema(),
            "bot_levels": ["random", "easy", "hard"],
            "actions": [
                {
                    "name": "bid",
                    "description": "Seal a bid, shown once every seat has bid.",
                    "data_schema": inline_schema(goofspiel.Bid),
                }
            ],
        }
    ]
    assert "goofspiel" in GameRegistry.discover(["goofspiel:Goofspiel"])


# Sealed bids


def test_a_round_keeps_bids_sealed_until_every_seat_has_bid() -> None:
    match = start_match(GAME, None, 2, seed=3)
    prize = match.data.pot[0]
    first = bid(match, 0, 5)
    assert first.events == [{"type": "bid", "seat": 0}]
    assert GAME.turn(first.match.data) == [1]
    mine, theirs, public = (GAME.view(first.match.data, seat) for seat in (0, 1, None))
    assert mine["bid"] == 5 and theirs["bid"] is None and public["bid"] is None
    assert theirs["sealed"] == [True, False] and theirs["hands"][0] == [1, 2, 3, 4, 5, 6]
    assert theirs == GAME.view(bid(match, 0, 2).match.data, 1)  # whatever seat 0 bid
    assert 5 not in [event.get("card") for event in first.events]

    second = bid(first.match, 1, 3)
    kinds = [event["type"] for event in second.events]
    assert kinds == ["bid", "shown", "prize"]
    assert second.events[1] == {"type": "shown", "bids": [5, 3], "winner": 0, "prize": prize}
    table = second.match.data
    assert table.scores == [prize, 0] and table.bids == [None, None] and table.shown == [5, 3]
    assert table.hands == [[1, 2, 3, 4, 6], [1, 2, 4, 5, 6]]
    assert table.pot == [second.events[2]["card"]] and GAME.turn(table) == [0, 1]


def test_the_deck_order_is_never_shown() -> None:
    match = start_match(GAME, None, 2, seed=3)
    shuffled = with_deck(match, list(reversed(match.data.deck)))
    for seat in (0, 1, None):
        assert GAME.view(match.data, seat) == GAME.view(shuffled.data, seat)
        assert GAME.view(match.data, seat)["deck"] == sorted(match.data.deck)


@pytest.mark.parametrize(("ties", "pot"), [("discard", 0), ("carry", 2)])
def test_a_tie_discards_or_carries_the_pot(ties: str, pot: int) -> None:
    match = start_match(GAME, {"ties": ties}, 2, seed=3)
    tied = bids(match, [4, 4])
    assert tied.events[1]["winner"] is None and tied.match.data.scores == [0, 0]
    assert len(tied.match.data.pot) == max(pot, 1)
    taken = bids(tied.match, [6, 1])
    assert taken.match.data.scores == [sum(tied.match.data.pot), 0]


def test_refused_moves_change_nothing() -> None:
    match = start_match(GAME, None, 2, seed=3)
    after = bid(match, 0, 6).match
    with pytest.raises(NotYourTurn):
        bid(after, 0, 5)
    with pytest.raises(IllegalAction, match="not in your hand"):
        bid(bids(match, [6, 1]).match, 0, 6)
    for data, field in [({"card": 0}, "card"), ({"card": "six"}, "card"), ({}, "card")]:
        with pytest.raises(BadActionData, match=field):
            apply_action(GAME, match, 0, "bid", data)
    with pytest.raises(IllegalAction, match="unknown action"):
        apply_action(GAME, match, 0, "fold", {})
    final, _ = play([RandomPolicy(), RandomPolicy()], seed=3, cards=3)
    with pytest.raises(MatchOver):
        bid(final, 0, 1)
    assert match == start_match(GAME, None, 2, seed=3)


# What bots may know


def test_determinize_draws_only_what_the_seat_cannot_see() -> None:
    base = start_match(GAME, None, 3, seed=5)
    worlds = [
        bid(bid(base, 0, 6).match, 2, 1).match,
        bid(bid(with_deck(base, sorted(base.data.deck)), 0, 2).match, 2, 5).match,
    ]
    assert GAME.view(worlds[0].data, 1) == GAME.view(worlds[1].data, 1)
    guesses = [GAME.determinize(world.data, 1, SeededRandom(11)) for world in worlds]
    assert guesses[0] == guesses[1]  # nothing hidden from seat 1 went into its guess
    guess = guesses[0]
    assert GAME.view(guess, 1) == GAME.view(worlds[0].data, 1)
    assert guess.bids[1] is None and guess.bids[0] in guess.hands[0]
    assert worlds[0].data.bids == [6, None, 1]  # the real state is left as it was


def test_from_view_rebuilds_what_the_seat_sees() -> None:
    match = bid(bids(start_match(GAME, None, 3, seed=9), [3, 4, 5]).match, 2, 6).match
    for seat in (0, 1, 2):
        view = GAME.view(match.data, seat)
        rebuilt = GAME.from_view(view, seat)
        assert GAME.view(rebuilt, seat) == view
        assert GAME.turn(rebuilt) == GAME.turn(match.data)
        assert GAME.legal_actions(rebuilt, seat) == GAME.legal_actions(match.data, seat)


# Bots and whole matches


def test_each_level_has_its_bot() -> None:
    assert isinstance(policy_for(GAME, "random"), RandomPolicy)
    assert isinstance(policy_for(GAME, "easy"), goofspiel.PrizeMatcher)
    assert isinstance(policy_for(GAME, "hard"), MonteCarloPolicy)


@pytest.mark.parametrize(
    ("level", "seats", "cards"),
    [("random", 2, 6), ("random", 4, 6), ("easy", 2, 6), ("easy", 3, 6), ("hard", 2, 3)],
)
def test_every_level_plays_whole_matches_that_replay_exactly(
    level: str, seats: int, cards: int
) -> None:
    settings = {"cards": cards, "ties": "carry"}
    policies = [policy_for(GAME, level) for _ in range(seats)]
    final, log = play(policies, seats, seats, **settings)
    result = final.result
    assert result is not None and result.reason == "prizes"
    assert final.data.hands == [[]] * seats and GAME.turn(final.data) == []
    assert set(result.winners) <= set(range(seats)) and result.scores is not None
    assert replay(GAME, settings, seats, seats, log) == final
    assert decode_match(GAME, encode_match(final)) == final


def test_bots_play_from_a_view_as_remote_bots_do() -> None:
    for level in ("random", "easy", "hard"):
        policy = policy_for(GAME, level)
        match = bid(start_match(GAME, {"cards": 4}, 2, seed=4), 1, 2).match
        rebuilt = GAME.from_view(GAME.view(match.data, 0), 0)
        remote = MatchState(GAME.name, 2, {}, 0, match.version, 0, rebuilt)
        assert policy.choose(GAME, remote, 0) in GAME.legal_actions(match.data, 0)


def test_the_easy_bot_beats_the_random_bot() -> None:
    wins = 0
    for seed in range(30):
        final, _ = play([policy_for(GAME, "easy"), RandomPolicy()], seed)
        assert final.result is not None
        wins += final.result.winners == [0]
    assert wins >= 20


def test_the_easy_bot_reads_only_its_hand_and_the_pot() -> None:
    match = bid(start_match(GAME, None, 2, seed=6), 1, 6).match
    other = bid(start_match(GAME, None, 2, seed=6), 1, 1).match
    easy = policy_for(GAME, "easy")
    assert easy.choose(GAME, match, 0) == easy.choose(GAME, other, 0)
    stake = sum(match.data.pot)
    assert easy.choose(GAME, match, 0) == Action(name="bid", data={"card": stake})
