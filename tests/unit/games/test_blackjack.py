"""Blackjack rules, hidden information and bots, played through the engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from gamerooms.bots import policy_for
from gamerooms.engine import (
    Action,
    Applied,
    BadActionData,
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
from gamerooms.games.blackjack import Blackjack, BlackjackSettings
from gamerooms.games.blackjack.cards import RANKS, SUITS, total, unseen
from gamerooms.games.blackjack.game import public_cards
from gamerooms.games.blackjack.state import Table
from gamerooms.games.blackjack.strategy import basic_move

GAME = Blackjack()
LEVELS = ("easy", "medium", "hard")


def table(cards: list[str], seats: int = 1, **settings: Any) -> MatchState:
    """A match in its first betting phase whose shoe deals `cards` first."""
    match = start_match(GAME, settings, seats, seed=7)
    match.data.shoe += reversed(cards)
    return match


def dealt(cards: list[str], bets: tuple[int, ...] = (10,), **settings: Any) -> MatchState:
    """The match once every seat has bet: `cards` go one to each seat, the dealer's up card,
    a second to each seat, the hole card, then the rest as drawn."""
    match = table(cards, len(bets), **settings)
    for seat, amount in enumerate(bets):
        match = act(match, seat, "bet", {"amount": amount}).match
    return match


def act(match: MatchState, seat: int, name: str, data: Any = None) -> Applied:
    """One action applied through the engine."""
    return apply_action(GAME, match, seat, name, data)


def state(match: MatchState) -> Table:
    """The match's blackjack state."""
    data: Table = match.data
    return data


def kinds(applied: Applied) -> list[str]:
    """The types of the events of an action, in order."""
    return [event["type"] for event in applied.events]


def payouts(applied: Applied) -> list[tuple[str, int]]:
    """Each settled hand's outcome and the chips it returned."""
    return [(e["outcome"], e["paid"]) for e in applied.events if e["type"] == "payout"]


# Settings


def test_settings_defaults() -> None:
    settings = GAME.parse_settings(None)
    assert settings == BlackjackSettings()
    assert msgspec.to_builtins(settings) == {
        "decks": 6,
        "starting_chips": 1000,
        "min_bet": 10,
        "max_bet": 500,
        "rounds": 5,
        "dealer_hits_soft_17": False,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"decks": 0}, "decks: Expected `int` >= 1"),
        ({"decks": 9}, "decks: Expected `int` <= 8"),
        ({"starting_chips": 0}, "starting_chips: Expected `int` >= 1"),
        ({"min_bet": 0}, "min_bet: Expected `int` >= 1"),
        ({"rounds": -1}, "rounds: Expected `int` >= 0"),
        ({"dealer_hits_soft_17": "yes"}, "dealer_hits_soft_17: Expected `bool`, got `str`"),
        ({"min_bet": 50, "max_bet": 20}, "settings: max_bet must be at least min_bet"),
        ({"starting_chips": 5}, "settings: starting_chips must be at least min_bet"),
    ],
)
def test_bad_settings_name_the_field(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        start_match(GAME, raw, 2, seed=0)
    assert caught.value.message == message


def test_describe() -> None:
    described = Blackjack.describe()
    assert (described["min_players"], described["max_players"]) == (1, 7)
    assert described["bot_levels"] == ["easy", "medium", "hard"]
    names = [entry["name"] for entry in described["actions"]]
    assert names == ["bet", "hit", "stand", "double", "split"]
    bet = described["actions"][0]["data_schema"]
    assert bet["properties"] == {"amount": {"type": "integer"}} and bet["required"] == ["amount"]
    assert set(described["settings_schema"]["properties"]) == set(
        BlackjackSettings.__struct_fields__
    )
    assert Blackjack.hidden_information


@pytest.mark.parametrize("seats", [0, 8])
def test_one_to_seven_seats(seats: int) -> None:
    with pytest.raises(IllegalAction):
        start_match(GAME, None, seats, seed=0)


# Betting


def test_setup_is_a_betting_phase_for_every_seat() -> None:
    match = start_match(GAME, {"decks": 2}, 3, seed=1)
    assert GAME.turn(match.data) == [0, 1, 2]
    view = GAME.view(match.data, 0)
    assert (view["phase"], view["round"], view["shoe"], view["discards"]) == ("betting", 1, 104, 0)
    assert view["seats"] == [{"chips": 1000, "bet": 0, "hands": []}] * 3
    assert view["dealer"] == {"cards": [], "total": 0}
    assert view["active"] is None


def test_a_bet_takes_the_chips_and_the_seat_out_of_the_turn() -> None:
    applied = act(table([], seats=2), 1, "bet", {"amount": 40})
    assert applied.events == [{"type": "bet", "seat": 1, "amount": 40}]
    assert state(applied.match).seats[1].chips == 960
    assert GAME.turn(applied.match.data) == [0]
    with pytest.raises(NotYourTurn):
        act(applied.match, 1, "bet", {"amount": 40})


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (5, "bets are from 10 to 500 chips"),
        (501, "bets are from 10 to 500 chips"),
        (300, "a bet of 300 is more than the 200 chips left"),
    ],
)
def test_bets_stay_within_the_limits_and_the_chips(amount: int, message: str) -> None:
    with pytest.raises(IllegalAction) as caught:
        act(table([], starting_chips=200), 0, "bet", {"amount": amount})
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "data: Object missing required field `amount`"),
        ({"amount": "9"}, "amount: Expected `int`, got `str`"),
    ],
)
def test_bad_bet_data_names_the_field(data: Any, message: str) -> None:
    with pytest.raises(BadActionData) as caught:
        act(table([]), 0, "bet", data)
    assert caught.value.message == message


def test_legal_bets_are_min_middle_and_max_affordable() -> None:
    match = table([], seats=2, starting_chips=100)
    assert GAME.legal_actions(match.data, 0) == [
        Action(name="bet", data={"amount": amount}) for amount in (10, 55, 100)
    ]
    rich = table([], starting_chips=5000)
    assert [a.data["amount"] for a in GAME.legal_actions(rich.data, 0)] == [10, 255, 500]


@pytest.mark.parametrize("name", ["hit", "stand", "double", "split"])
def test_playing_actions_are_refused_while_betting(name: str) -> None:
    with pytest.raises(IllegalAction) as caught:
        act(table([]), 0, name)
    assert caught.value.message == f"{name} is not allowed in the betting phase"


def test_betting_is_refused_while_playing() -> None:
    match = dealt(["TS", "7D", "6H", "9C"])
    with pytest.raises(IllegalAction) as caught:
        act(match, 0, "bet", {"amount": 10})
    assert caught.value.message == "bet is not allowed in the playing phase"


# Dealing


def test_the_last_bet_deals_two_cards_each_and_hides_the_hole_card() -> None:
    match = table(["2S", "3S", "KD", "4S", "5S", "9H"], seats=2)
    match = act(match, 1, "bet", {"amount": 20}).match
    applied = act(match, 0, "bet", {"amount": 10})
    assert kinds(applied) == ["bet", "dealt"]
    assert applied.events[1] == {
        "type": "dealt",
        "round": 1,
        "hands": {"0": ["2S", "4S"], "1": ["3S", "5S"]},
        "dealer": "KD",
    }
    view = GAME.view(applied.match.data, None)
    assert view["phase"] == "playing"
    assert view["dealer"] == {"cards": ["KD", None], "total": 10}
    assert view["active"] == {"seat": 0, "hand": 0}
    assert view["seats"][1]["hands"] == [
        {
            "cards": ["3S", "5S"],
            "bet": 20,
            "doubled": False,
            "split": False,
            "done": False,
            "outcome": None,
            "total": 8,
            "soft": False,
        }
    ]
    assert GAME.turn(applied.match.data) == [0]
    assert [a.name for a in GAME.legal_actions(applied.match.data, 0)] == ["hit", "stand", "double"]
    assert GAME.legal_actions(applied.match.data, 1) == []


def test_a_seat_that_cannot_bet_sits_the_round_out() -> None:
    match = table(["TS", "7D", "9H", "8C"], seats=2)
    state(match).seats[0].chips = 5
    assert GAME.turn(match.data) == [1]
    match = act(match, 1, "bet", {"amount": 10}).match
    assert state(match).seats[0].hands == []
    assert state(match).seats[1].hands[0].cards == ["TS", "9H"]
    assert GAME.turn(match.data) == [1]


def test_dealer_blackjack_ends_the_round_at_once() -> None:
    applied = act(table(["TS", "AD", "9H", "KC"]), 0, "bet", {"amount": 10})
    assert kinds(applied) == ["bet", "dealt", "reveal", "payout"]
    assert applied.events[2] == {"type": "reveal", "card": "KC", "total": 21}
    assert payouts(applied) == [("lose", 0)]
    assert state(applied.match).round == 2
    assert state(applied.match).seats[0].chips == 990


def test_blackjack_pays_three_to_two_rounded_down() -> None:
    applied = act(table(["AS", "9D", "KH", "7C"]), 0, "bet", {"amount": 15})
    assert kinds(applied) == ["bet", "dealt", "reveal", "payout"]
    assert payouts(applied) == [("blackjack", 15 + 22)]
    assert state(applied.match).seats[0].chips == 1022
    assert state(applied.match).house == -22


def test_blackjack_against_dealer_blackjack_pushes() -> None:
    applied = act(table(["AS", "AD", "KH", "QC"]), 0, "bet", {"amount": 10})
    assert payouts(applied) == [("push", 10)]
    assert state(applied.match).seats[0].chips == 1000


# Playing


def test_hit_adds_a_card_and_a_bust_ends_the_hand() -> None:
    match = dealt(["5S", "8D", "6H", "5C", "4S", "7C", "KD", "9C"], bets=(10, 10))
    applied = act(match, 0, "hit")
    assert applied.events == [{"type": "hit", "seat": 0, "hand": 0, "card": "KD", "total": 20}]
    assert GAME.turn(applied.match.data) == [0]
    applied = act(applied.match, 0, "hit")
    assert applied.events == [
        {"type": "hit", "seat": 0, "hand": 0, "card": "9C", "total": 29},
        {"type": "bust", "seat": 0, "hand": 0, "total": 29},
    ]
    assert GAME.turn(applied.match.data) == [1]


def test_twenty_one_stands_by_itself() -> None:
    match = dealt(["5S", "9D", "6H", "8C", "TD"])
    applied = act(match, 0, "hit")
    assert kinds(applied) == ["hit", "reveal", "payout"]
    assert payouts(applied) == [("win", 20)]


def test_stand_passes_to_the_next_seat_then_the_dealer() -> None:
    match = dealt(["TS", "9D", "7C", "8D", "8C", "TH"], bets=(10, 20))
    applied = act(match, 0, "stand")
    assert applied.events == [{"type": "stand", "seat": 0, "hand": 0, "total": 18}]
    assert GAME.turn(applied.match.data) == [1]
    applied = act(applied.match, 1, "stand")
    assert kinds(applied) == ["stand", "reveal", "payout", "payout"]
    assert applied.events[1] == {"type": "reveal", "card": "TH", "total": 17}
    assert applied.events[2:] == [
        {
            "type": "payout",
            "seat": 0,
            "hand": 0,
            "outcome": "win",
            "bet": 10,
            "paid": 20,
            "chips": 1010,
        },
        {
            "type": "payout",
            "seat": 1,
            "hand": 0,
            "outcome": "push",
            "bet": 20,
            "paid": 20,
            "chips": 1000,
        },
    ]


def test_double_doubles_the_bet_and_takes_one_card() -> None:
    match = dealt(["6S", "TD", "5H", "7C", "9D"], bets=(50,))
    applied = act(match, 0, "double")
    assert applied.events[0] == {"type": "double", "seat": 0, "hand": 0, "card": "9D", "total": 20}
    assert kinds(applied) == ["double", "reveal", "payout"]
    hand = state(applied.match).seats[0].hands[0]
    assert (hand.bet, hand.doubled, hand.cards) == (100, True, ["6S", "5H", "9D"])
    assert payouts(applied) == [("win", 200)]
    assert state(applied.match).seats[0].chips == 1100


def test_double_only_on_two_cards_and_with_the_chips() -> None:
    match = dealt(["2S", "TD", "3H", "7C", "2D"])
    match = act(match, 0, "hit").match
    assert [a.name for a in GAME.legal_actions(match.data, 0)] == ["hit", "stand"]
    with pytest.raises(IllegalAction, match="double is only allowed on the first two cards"):
        act(match, 0, "double")
    poor = dealt(["6S", "TD", "5H", "7C"], bets=(60,), starting_chips=100)
    with pytest.raises(IllegalAction, match="not enough chips to double"):
        act(poor, 0, "double")


def test_split_makes_two_hands_with_a_bet_each() -> None:
    match = dealt(["8S", "TD", "8H", "7C", "3D", "KC", "TH"], bets=(20,))
    assert "split" in [a.name for a in GAME.legal_actions(match.data, 0)]
    applied = act(match, 0, "split")
    assert applied.events == [
        {"type": "split", "seat": 0, "hand": 0, "hands": [["8S", "3D"], ["8H", "KC"]]}
    ]
    seat = state(applied.match).seats[0]
    assert [hand.cards for hand in seat.hands] == [["8S", "3D"], ["8H", "KC"]]
    assert (seat.chips, [hand.bet for hand in seat.hands]) == (960, [20, 20])
    assert GAME.view(applied.match.data, 0)["active"] == {"seat": 0, "hand": 0}
    match = act(applied.match, 0, "double").match
    assert GAME.view(match.data, 0)["active"] == {"seat": 0, "hand": 1}
    applied = act(match, 0, "stand")
    assert payouts(applied) == [("win", 80), ("win", 40)]
    assert state(applied.match).seats[0].chips == 1060


def test_split_aces_take_one_card_each_and_twenty_one_pays_even() -> None:
    match = dealt(["AS", "9D", "AH", "8C", "KD", "5C"])
    applied = act(match, 0, "split")
    assert kinds(applied) == ["split", "reveal", "payout", "payout"]
    assert payouts(applied) == [("win", 20), ("lose", 0)]


def test_split_needs_a_pair_room_and_chips() -> None:
    match = dealt(["8S", "TD", "9H", "7C"])
    with pytest.raises(IllegalAction, match="split needs a pair of the same rank"):
        act(match, 0, "split")
    tens = dealt(["TS", "9D", "KH", "7C"])
    assert "split" not in [a.name for a in GAME.legal_actions(tens.data, 0)]
    poor = dealt(["8S", "TD", "8H", "7C"], bets=(60,), starting_chips=100)
    with pytest.raises(IllegalAction, match="not enough chips to split"):
        act(poor, 0, "split")
    fours = dealt(["8S", "TD", "8H", "7C", "8D", "8C", "8S", "2D", "8H", "8D"])
    for _ in range(3):
        fours = act(fours, 0, "split").match
    assert len(state(fours).seats[0].hands) == 4
    with pytest.raises(IllegalAction, match="a seat may hold at most 4 hands"):
        act(fours, 0, "split")


# The dealer and payouts


@pytest.mark.parametrize(("hits", "outcome"), [(False, ("win", 20)), (True, ("lose", 0))])
def test_soft_17_by_the_rule(hits: bool, outcome: tuple[str, int]) -> None:
    match = dealt(["TS", "AD", "8H", "6C", "3D"], dealer_hits_soft_17=hits)
    applied = act(match, 0, "stand")
    dealer_hits = [e for e in applied.events if e["type"] == "dealer_hit"]
    assert dealer_hits == ([{"type": "dealer_hit", "card": "3D", "total": 20}] if hits else [])
    assert payouts(applied) == [outcome]


@pytest.mark.parametrize("hits", [False, True])
def test_a_hard_17_stands_under_either_rule(hits: bool) -> None:
    match = dealt(["TS", "TD", "7H", "7C"], dealer_hits_soft_17=hits)
    applied = act(match, 0, "stand")
    assert kinds(applied) == ["stand", "reveal", "payout"]
    assert payouts(applied) == [("push", 10)]


def test_the_dealer_hits_below_17_and_may_bust() -> None:
    match = dealt(["TS", "TD", "8H", "6C", "9D"])
    applied = act(match, 0, "stand")
    assert kinds(applied) == ["stand", "reveal", "dealer_hit", "dealer_bust", "payout"]
    assert payouts(applied) == [("win", 20)]


def test_the_dealer_does_not_draw_when_no_hand_awaits_it() -> None:
    match = dealt(["TS", "TD", "6H", "6C", "KD"])
    applied = act(match, 0, "hit")
    assert kinds(applied) == ["hit", "bust", "reveal", "payout"]
    assert payouts(applied) == [("bust", 0)]
    assert state(applied.match).house == 10


def test_a_lower_total_loses() -> None:
    applied = act(dealt(["TS", "TD", "7H", "9C"]), 0, "stand")
    assert payouts(applied) == [("lose", 0)]


# Rounds and the end


def test_the_settled_table_stays_in_view_until_the_next_deal() -> None:
    match = act(dealt(["TS", "TD", "8H", "9C", "2S", "3S", "4S", "5S"]), 0, "stand").match
    view = GAME.view(match.data, None)
    assert (view["phase"], view["round"]) == ("betting", 2)
    assert view["dealer"] == {"cards": ["TD", "9C"], "total": 19}
    assert view["seats"][0]["hands"][0]["outcome"] == "lose"
    after = act(match, 0, "bet", {"amount": 10}).match
    assert state(after).seats[0].hands[0].cards == ["2S", "4S"]
    assert GAME.view(after.data, None)["discards"] == 4


def test_the_shoe_is_reshuffled_at_the_cut() -> None:
    match = table([], decks=1)
    shoe = state(match).shoe
    state(match).discards, state(match).shoe = shoe[:40], shoe[40:]
    applied = act(match, 0, "bet", {"amount": 10})
    assert kinds(applied)[:3] == ["bet", "shuffled", "dealt"]
    assert applied.events[1] == {"type": "shuffled", "cards": 52}


def test_an_empty_shoe_is_refilled_mid_round() -> None:
    match = dealt(["TS", "TD", "2H", "7C"], decks=1)
    state(match).discards, state(match).shoe = state(match).shoe, []
    applied = act(match, 0, "hit")
    assert kinds(applied)[:2] == ["shuffled", "hit"]


def test_the_match_ends_after_the_rounds_with_most_chips_winning() -> None:
    match = table(["TS", "TD", "8H", "7C", "KH", "TD"], seats=2, rounds=1)
    match = act(act(match, 0, "bet", {"amount": 10}).match, 1, "bet", {"amount": 10}).match
    match = act(act(match, 0, "stand").match, 1, "stand").match
    assert state(match).phase == "finished"
    assert match.result is not None
    assert match.result.to_dict() == {
        "winners": [1],
        "scores": {"0": 990, "1": 1010},
        "reason": "rounds",
    }
    assert GAME.turn(match.data) == []
    with pytest.raises(MatchOver):
        act(match, 0, "bet", {"amount": 10})


def test_the_match_ends_when_no_seat_can_bet() -> None:
    match = dealt(["TS", "TD", "7H", "9C"], bets=(10,), starting_chips=15, rounds=0)
    match = act(match, 0, "stand").match
    assert match.result is not None
    assert match.result.to_dict() == {"winners": [0], "scores": {"0": 5}, "reason": "bankrupt"}


def test_tied_seats_share_the_win() -> None:
    match = table(["TS", "TD", "TH", "8H", "8C", "9C"], seats=2, rounds=1)
    match = act(act(match, 0, "bet", {"amount": 10}).match, 1, "bet", {"amount": 10}).match
    match = act(act(match, 0, "stand").match, 1, "stand").match
    assert match.result is not None
    assert match.result.winners == [0, 1]


# Hidden information


def test_determinize_reshuffles_only_the_unseen_cards() -> None:
    match = dealt(["TS", "AD", "7H", "9C"])
    real = state(match)
    copies = [GAME.determinize(real, 0, SeededRandom(seed)) for seed in range(20)]
    for copy in copies:
        assert GAME.view(copy, 0) == GAME.view(real, 0)
        assert Counter(copy.shoe + copy.dealer[1:]) == Counter(real.shoe + real.dealer[1:])
        assert total(copy.dealer)[0] != 21, "the dealer looked: no blackjack under an ace"
    assert len({tuple(copy.shoe[-5:]) for copy in copies}) > 1
    assert real == state(dealt(["TS", "AD", "7H", "9C"]))


def test_from_view_rebuilds_the_view_with_made_up_cards() -> None:
    match = act(dealt(["TS", "TD", "7H", "9C", "2S"]), 0, "hit").match
    view = GAME.view(match.data, 0)
    rebuilt = GAME.from_view(view, 0)
    assert GAME.view(rebuilt, 0) == view
    assert rebuilt.dealer[1] in unseen(6, public_cards(state(match)))
    remote = MatchState(GAME.name, 1, {}, 0, match.version, 0, rebuilt)
    assert policy_for(GAME, "hard").choose(GAME, remote, 0) == Action(name="stand", data={})


def cards_in(value: Any) -> Iterator[str]:
    """Every card code found anywhere in a view or an event."""
    if isinstance(value, dict):
        for item in value.values():
            yield from cards_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from cards_in(item)
    elif isinstance(value, str) and len(value) == 2 and value[0] in RANKS and value[1] in SUITS:
        yield value


def check_secrecy(applied: Applied) -> None:
    """No view or event shows a card beyond those face up on the table: the hole card stays
    out until revealed and the shoe never shows. With one deck every card is unique, so the
    check is exact; with more it is a count per card."""
    after = state(applied.match)
    shown = Counter(public_cards(after))
    views = [GAME.view(after, seat) for seat in range(len(after.seats))]
    for view in [*views, GAME.view(after, None)]:
        assert view == views[0]
        assert Counter(cards_in(view)) == shown
        assert view["shoe"] == len(after.shoe)
        assert after.hole_hidden == (view["dealer"]["cards"][1:] == [None])
    for event in applied.events:
        assert Counter(cards_in(event)) <= shown, event
    if after.hole_hidden:
        assert "reveal" not in kinds(applied)


def check_chips(before: MatchState, applied: Applied) -> None:
    """Chips never go negative; chips, bets on the table and the house's take always add up to
    what the seats started with, and the house gains what the payouts kept."""
    after, seats = state(applied.match), len(state(applied.match).seats)
    assert all(seat.chips >= 0 for seat in after.seats)
    staked = sum(hand.bet for seat in after.seats for hand in seat.hands if hand.outcome is None)
    pending = sum(seat.bet for seat in after.seats)
    chips = sum(seat.chips for seat in after.seats)
    assert chips + pending + staked + after.house == seats * after.settings.starting_chips
    kept = sum(e["bet"] - e["paid"] for e in applied.events if e["type"] == "payout")
    assert after.house - state(before).house == kept


def bot_game(seed: int) -> tuple[MatchState, list[tuple[int, str, Any]]]:
    """A full match of bots of mixed levels (seats, decks and rules vary with the seed),
    checking secrecy and chips after every action; the final match and its log."""
    seats = seed % 7 + 1
    settings = {"decks": (1, 1, 2, 6)[seed % 4], "dealer_hits_soft_17": seed % 2 == 0}
    match = start_match(GAME, settings, seats, seed)
    policies = [policy_for(GAME, LEVELS[(seat + seed) % 3]) for seat in range(seats)]
    log: list[tuple[int, str, Any]] = []
    while match.result is None:
        assert len(log) < 2000
        seat = GAME.turn(match.data)[-1]
        chosen = policies[seat].choose(GAME, match, seat)
        applied = act(match, seat, chosen.name, chosen.data)
        check_secrecy(applied)
        check_chips(match, applied)
        log.append((seat, chosen.name, chosen.data))
        match = applied.match
    return match, log


@pytest.mark.parametrize("seed", range(50))
def test_bots_play_whole_games_without_seeing_hidden_cards(seed: int) -> None:
    match, log = bot_game(seed)
    assert match.result is not None
    assert match.result.reason in {"rounds", "bankrupt"}
    assert set(match.result.scores or {}) == {str(seat) for seat in range(match.seats)}
    assert replay(GAME, match.settings, match.seats, seed, log) == match


def test_a_stored_match_decodes_and_goes_on() -> None:
    match = dealt(["TS", "TD", "7H", "9C", "2S"])
    restored = decode_match(GAME, encode_match(match))
    assert restored == match
    assert act(restored, 0, "hit").match == act(match, 0, "hit").match


# Bots


@pytest.mark.parametrize(
    ("cards", "up", "move"),
    [
        (["TS", "6D"], "TH", "hit"),
        (["TS", "2D"], "4H", "stand"),
        (["7S", "4D"], "6H", "double"),
        (["5S", "5D"], "6H", "double"),
        (["AS", "7D"], "9H", "hit"),
        (["AS", "7D"], "2H", "stand"),
        (["AS", "7D"], "5H", "double"),
        (["AS", "2D"], "4H", "hit"),
        (["8S", "8D"], "AH", "split"),
        (["AS", "AD"], "6H", "split"),
        (["TS", "TD"], "6H", "stand"),
        (["9S", "9D"], "7H", "stand"),
        (["9S", "9D"], "8H", "split"),
    ],
)
def test_hard_bot_plays_basic_strategy(cards: list[str], up: str, move: str) -> None:
    match = dealt([cards[0], up, cards[1], "7C"])
    assert policy_for(GAME, "hard").choose(GAME, match, 0) == Action(name=move, data={})


def test_basic_strategy_without_double_or_split() -> None:
    assert basic_move(["7S", "4D"], "6H", False, False, False) == "hit"
    assert basic_move(["AS", "7D"], "5H", False, False, False) == "stand"
    assert basic_move(["8S", "8D"], "TH", False, False, False) == "hit"
    assert basic_move(["7S", "4D"], "AH", True, False, True) == "double"


def test_bot_bets() -> None:
    match = table([], starting_chips=2000)
    medium = policy_for(GAME, "medium").choose(GAME, match, 0)
    hard = policy_for(GAME, "hard").choose(GAME, match, 0)
    assert (medium, hard) == (
        Action(name="bet", data={"amount": 10}),
        Action(name="bet", data={"amount": 100}),
    )


@pytest.mark.parametrize(("cards", "move"), [(["TS", "6D"], "hit"), (["TS", "7D"], "stand")])
def test_medium_bot_hits_below_17(cards: list[str], move: str) -> None:
    match = dealt([cards[0], "6H", cards[1], "7C"])
    assert policy_for(GAME, "medium").choose(GAME, match, 0) == Action(name=move, data={})


def test_easy_bot_plays_legal_actions_reproducibly() -> None:
    match = dealt(["8S", "TD", "8H", "7C"])
    easy = policy_for(GAME, "easy")
    chosen = easy.choose(GAME, match, 0)
    assert chosen in GAME.legal_actions(match.data, 0)
    assert easy.choose(GAME, match, 0) == chosen


@pytest.mark.parametrize("level", LEVELS)
def test_bots_choose_the_same_whatever_the_hidden_cards(level: str) -> None:
    match = dealt(["TS", "9D", "6H", "7C"])
    policy = policy_for(GAME, level)
    chosen = policy.choose(GAME, match, 0)
    for seed in range(10):
        other = GAME.determinize(match.data, 0, SeededRandom(seed))
        assert policy.choose(GAME, msgspec.structs.replace(match, data=other), 0) == chosen


def test_every_level_is_the_games_own_bot() -> None:
    assert all(GAME.bot(level) is not None for level in LEVELS)
    assert GAME.bot("random") is None
