"""Magnate rules, played through the engine: board, settings, phases, moving, buying, rent,
chance, tax, jail, building, debt, bankruptcy and the end of a match."""

from __future__ import annotations

import functools
from typing import Any

import msgspec
import pytest

from gamerooms.engine import (
    Action,
    Applied,
    BadActionData,
    IllegalAction,
    MatchState,
    NotYourTurn,
    SeededRandom,
    SettingsError,
    apply_action,
    start_match,
)
from gamerooms.games.magnate import Magnate
from gamerooms.games.magnate.board import (
    CHANCE,
    GROUPS,
    JAIL,
    MAX_HOUSES,
    PROPERTIES,
    SIZE,
    SQUARES,
    Effect,
    Kind,
)
from gamerooms.games.magnate.rules import draw_card, roll_dice
from gamerooms.games.magnate.state import BANK, MagnateSettings, MagnateState, Phase

GAME = Magnate()
HARBOUR, LIGHTHOUSE, PIER = GROUPS[1]
MILL, QUARRY = GROUPS[0]


def fresh(seats: int = 2, **changes: Any) -> MagnateState:
    """A new default state with some fields replaced."""
    return msgspec.structs.replace(MagnateState.new(seats, MagnateSettings()), **changes)


def own(state: MagnateState, seat: int, *squares: int) -> MagnateState:
    """`state` with `squares` owned by `seat`."""
    for square in squares:
        state.owner[square] = seat
    return state


@functools.cache
def rng_for(dice: tuple[int, int] | None, card: int | None) -> int:
    """An RNG state whose next roll is `dice` and next chance card `card` (None: any)."""
    for seed in range(1_000_000):
        rng = SeededRandom(seed)
        if dice is not None and roll_dice(rng) != dice:
            continue
        if card is None or draw_card(rng) == card:
            return seed
    raise AssertionError("no seed found")


def act(
    state: MagnateState,
    name: str,
    data: dict[str, Any] | None = None,
    *,
    dice: tuple[int, int] | None = None,
    card: int | None = None,
) -> Applied:
    """The seat in turn takes an action, with the dice and chance card it will get."""
    match = MatchState("magnate", len(state.cash), {}, 0, 0, rng_for(dice, card), state)
    return apply_action(GAME, match, state.current, name, data)


def after(state: MagnateState, name: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """The state after the seat in turn takes an action."""
    return act(state, name, data, **kw).match.data


def names(state: MagnateState) -> list[str]:
    """The names of the legal actions of the seat in turn."""
    return sorted({legal.name for legal in GAME.legal_actions(state, state.current)})


def types(applied: Applied) -> list[str]:
    """The event types of an action."""
    return [event["type"] for event in applied.events]


# The board


def test_the_board_has_24_squares_with_corners_and_six_colour_groups() -> None:
    assert SIZE == 24
    assert [SQUARES[i].kind for i in (0, 6, 12, 18)] == [
        Kind.START,
        Kind.JAIL,
        Kind.REST,
        Kind.GO_TO_JAIL,
    ]
    assert JAIL == 6
    assert len(GROUPS) == 6
    assert all(2 <= len(group) <= 3 for group in GROUPS)
    assert sorted(square for group in GROUPS for square in group) == list(PROPERTIES)
    assert sum(square.kind is Kind.CHANCE for square in SQUARES) == 3
    assert sum(square.kind is Kind.TAX and square.tax > 0 for square in SQUARES) == 2


@pytest.mark.parametrize("square", PROPERTIES)
def test_every_property_has_a_price_house_cost_and_rising_rents(square: int) -> None:
    lot = SQUARES[square]
    assert lot.price > 0
    assert lot.house_cost > 0
    assert len(lot.rents) == MAX_HOUSES + 1
    assert list(lot.rents) == sorted(set(lot.rents))


def test_chance_cards_move_only_onto_the_board() -> None:
    targets = [card.value for card in CHANCE if card.effect is Effect.ADVANCE]
    assert targets
    assert all(0 <= target < SIZE for target in targets)


# Settings and setup


def test_default_settings_and_setup() -> None:
    match = start_match(GAME, None, 4, 1)
    state = match.data
    assert match.settings == {
        "starting_money": 1500,
        "salary": 200,
        "max_turns": 60,
        "jail_fine": 50,
    }
    assert state.cash == [1500] * 4
    assert state.position == [0] * 4
    assert state.owner == [BANK] * SIZE
    assert (state.current, state.phase, state.round) == (0, Phase.ROLL, 1)
    assert GAME.turn(state) == [0]
    assert match.result is None


def test_settings_shape_the_match() -> None:
    settings = {"starting_money": 900, "salary": 100, "max_turns": 5, "jail_fine": 20}
    state = start_match(GAME, settings, 3, 1).data
    assert state.cash == [900] * 3
    assert (state.salary, state.max_turns, state.jail_fine) == (100, 5, 20)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"starting_money": -1}, "starting_money"),
        ({"salary": "lots"}, "salary"),
        ({"max_turns": 0}, "max_turns"),
        ({"jail_fine": 10**6}, "jail_fine"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError, match=field):
        GAME.parse_settings(raw)


@pytest.mark.parametrize("seats", [1, 7])
def test_two_to_six_seats(seats: int) -> None:
    with pytest.raises(IllegalAction, match="2 to 6"):
        start_match(GAME, None, seats, 1)


def test_description() -> None:
    described = GAME.describe()
    assert described["bot_levels"] == ["easy", "hard"]
    assert described["default_players"] == 4
    assert set(described["settings_schema"]["properties"]) == {
        "starting_money",
        "salary",
        "max_turns",
        "jail_fine",
    }
    assert {entry["name"] for entry in described["actions"]} == {
        "roll",
        "pay_fine",
        "use_card",
        "buy",
        "decline",
        "build",
        "sell_house",
        "mortgage",
        "unmortgage",
        "end_turn",
        "declare_bankruptcy",
    }


def test_the_view_is_the_whole_state_and_rebuilds_it() -> None:
    state = own(fresh(3, cash=[1000, 700, 50], phase=Phase.BUILD, dice=[2, 3]), 1, MILL, QUARRY)
    state.houses[MILL] = 2
    view = GAME.view(state, 0)
    assert view["net_worth"] == [1000, 700 + 60 + 80 + 100, 50]
    assert view["phase"] == "build"
    assert GAME.view(state, None) == view
    wire = msgspec.json.decode(msgspec.json.encode(view))
    assert GAME.from_view(wire, 2) == state


# Phases


def test_only_the_seat_in_turn_acts() -> None:
    state = fresh()
    assert GAME.legal_actions(state, 0) == [Action(name="roll", data={})]
    assert GAME.legal_actions(state, 1) == []
    match = MatchState("magnate", 2, {}, 0, 0, 0, state)
    with pytest.raises(NotYourTurn):
        apply_action(GAME, match, 1, "roll", {})


@pytest.mark.parametrize(
    ("phase", "name", "data"),
    [
        (Phase.ROLL, "buy", None),
        (Phase.ROLL, "end_turn", None),
        (Phase.ROLL, "build", {"property": MILL}),
        (Phase.BUY, "roll", None),
        (Phase.BUY, "mortgage", {"property": MILL}),
        (Phase.BUILD, "roll", None),
        (Phase.BUILD, "decline", None),
        (Phase.BUILD, "declare_bankruptcy", None),
        (Phase.DEBT, "end_turn", None),
        (Phase.DEBT, "unmortgage", {"property": MILL}),
        (Phase.DEBT, "build", {"property": MILL}),
    ],
)
def test_actions_outside_their_phase_are_refused_naming_it(
    phase: Phase, name: str, data: dict[str, Any] | None
) -> None:
    state = own(fresh(phase=phase, debt=10 if phase is Phase.DEBT else 0), 0, MILL, QUARRY)
    with pytest.raises(IllegalAction, match=f"^{name} is not allowed in the {phase} phase$"):
        act(state, name, data)


def test_unknown_actions_and_bad_data_are_refused() -> None:
    state = fresh(phase=Phase.BUILD)
    with pytest.raises(IllegalAction, match="unknown action"):
        act(state, "auction")
    with pytest.raises(BadActionData, match="property"):
        act(state, "build", {"property": SIZE})
    with pytest.raises(BadActionData, match="property"):
        act(state, "build", {})
    with pytest.raises(IllegalAction, match="square 2 is not a property"):
        act(state, "mortgage", {"property": 2})
    with pytest.raises(IllegalAction, match="seat 0 does not own Mill Lane"):
        act(state, "mortgage", {"property": MILL})


# Rolling and moving


def test_a_roll_moves_the_seat_by_the_dice() -> None:
    applied = act(fresh(), "roll", dice=(2, 3))
    state = applied.match.data
    assert applied.events[:2] == [
        {"type": "rolled", "seat": 0, "dice": [2, 3]},
        {"type": "moved", "seat": 0, "from": 0, "to": HARBOUR},
    ]
    assert state.position == [HARBOUR, 0]
    assert state.dice == [2, 3]
    assert state.phase is Phase.BUY
    assert names(state) == ["buy", "decline"]


def test_passing_start_pays_the_salary() -> None:
    state = fresh(position=[22, 0])
    applied = act(state, "roll", dice=(1, 2))
    assert applied.match.data.position[0] == MILL
    assert applied.match.data.cash[0] == 1700
    assert {"type": "salary", "seat": 0, "amount": 200} in applied.events


def test_landing_on_start_pays_the_salary() -> None:
    state = after(fresh(position=[20, 0], salary=150), "roll", dice=(1, 3))
    assert state.position[0] == 0
    assert state.cash[0] == 1650
    assert state.phase is Phase.BUILD


def test_doubles_roll_again_and_the_turn_ends_after_a_plain_roll() -> None:
    state = after(fresh(), "roll", dice=(3, 3))
    assert (state.position[0], state.doubles, state.phase) == (6, 1, Phase.ROLL)
    state = after(state, "roll", dice=(1, 5))
    assert (state.position[0], state.doubles, state.phase) == (12, 0, Phase.BUILD)
    assert names(state) == ["end_turn"]


def test_end_turn_passes_to_the_next_seat_and_counts_rounds() -> None:
    state = fresh(3, phase=Phase.BUILD, current=2)
    applied = act(state, "end_turn")
    assert applied.events == [{"type": "turn", "seat": 0, "round": 2}]
    state = applied.match.data
    assert (state.current, state.phase, state.round) == (0, Phase.ROLL, 2)


# Buying


def test_buy_takes_the_property_for_its_price() -> None:
    state = fresh(position=[HARBOUR, 0], phase=Phase.BUY)
    applied = act(state, "buy")
    assert applied.events == [{"type": "bought", "seat": 0, "property": HARBOUR, "price": 100}]
    state = applied.match.data
    assert state.owner[HARBOUR] == 0
    assert state.cash[0] == 1400
    assert state.phase is Phase.BUILD


def test_buy_after_doubles_rolls_again() -> None:
    state = fresh(position=[HARBOUR, 0], phase=Phase.BUY, doubles=1)
    assert after(state, "buy").phase is Phase.ROLL


def test_decline_leaves_the_property_with_the_bank() -> None:
    applied = act(fresh(position=[HARBOUR, 0], phase=Phase.BUY), "decline")
    assert applied.events == [{"type": "declined", "seat": 0, "property": HARBOUR}]
    assert applied.match.data.owner[HARBOUR] == BANK
    assert applied.match.data.phase is Phase.BUILD


def test_buy_needs_the_money() -> None:
    state = fresh(position=[HARBOUR, 0], phase=Phase.BUY, cash=[99, 1500])
    assert names(state) == ["decline"]
    with pytest.raises(IllegalAction, match="Harbour Street costs 100, seat 0 has 99"):
        act(state, "buy")


def test_landing_on_ones_own_property_costs_nothing() -> None:
    state = own(fresh(), 0, HARBOUR)
    state = after(state, "roll", dice=(1, 4))
    assert state.cash[0] == 1500
    assert state.phase is Phase.BUILD


# Rent


def rent_paid(state: MagnateState) -> int:
    """What seat 0 pays seat 1 on rolling 1+4 from Start onto Harbour Street."""
    applied = act(state, "roll", dice=(1, 4))
    assert applied.match.data.cash[0] + applied.match.data.cash[1] == sum(state.cash)
    return state.cash[0] - applied.match.data.cash[0]


def test_rent_is_paid_to_the_owner() -> None:
    state = own(fresh(), 1, HARBOUR)
    applied = act(state, "roll", dice=(1, 4))
    assert applied.events[-1] == {
        "type": "paid",
        "seat": 0,
        "to": 1,
        "amount": 6,
        "reason": "rent",
    }
    assert applied.match.data.cash == [1494, 1506]
    assert applied.match.data.phase is Phase.BUILD


def test_a_whole_group_doubles_the_rent() -> None:
    assert rent_paid(own(fresh(), 1, HARBOUR, LIGHTHOUSE)) == 6
    assert rent_paid(own(fresh(), 1, HARBOUR, LIGHTHOUSE, PIER)) == 12


@pytest.mark.parametrize("houses", range(1, MAX_HOUSES + 1))
def test_houses_raise_the_rent(houses: int) -> None:
    state = own(fresh(), 1, HARBOUR, LIGHTHOUSE, PIER)
    state.houses[HARBOUR] = houses
    assert rent_paid(state) == SQUARES[HARBOUR].rents[houses]


def test_a_mortgaged_property_charges_no_rent() -> None:
    state = own(fresh(), 1, HARBOUR)
    state.mortgaged[HARBOUR] = True
    assert rent_paid(state) == 0


# Tax and chance


@pytest.mark.parametrize(("start", "square", "tax"), [(0, 4, 150), (15, 20, 100)])
def test_tax_goes_to_the_bank(start: int, square: int, tax: int) -> None:
    applied = act(fresh(position=[start, 0]), "roll", dice=(1, 4) if start == 15 else (1, 3))
    assert applied.match.data.position[0] == square
    assert applied.match.data.cash == [1500 - tax, 1500]
    assert applied.events[-1] == {
        "type": "paid",
        "seat": 0,
        "to": None,
        "amount": tax,
        "reason": "tax",
    }


CHANCE_OUTCOMES = {
    "Advance to Start": (0, 200, Phase.BUILD),
    "Advance to Rose Terrace": (9, 200, Phase.BUY),
    "Advance to Crown Heights": (23, 0, Phase.BUY),
    "Go back three squares": (LIGHTHOUSE, 0, Phase.BUY),
    "Go to jail": (JAIL, 0, Phase.BUILD),
    "Get out of jail free": (10, 0, Phase.BUILD),
    "The bank pays you a dividend of 50": (10, 50, Phase.BUILD),
    "Your building loan matures: collect 150": (10, 150, Phase.BUILD),
    "Pay school fees of 100": (10, -100, Phase.BUILD),
    "Street repairs: pay 40 per house": (10, -120, Phase.BUILD),
}
"""Per card, for a seat rolling 1+3 from square 6 onto the chance square 10 with 3 houses:
where it ends up, its gain, and the phase that follows."""


@pytest.mark.parametrize("card", range(len(CHANCE)))
def test_chance_cards(card: int) -> None:
    state = own(fresh(position=[6, 0]), 0, MILL, QUARRY)
    state.houses[MILL], state.houses[QUARRY] = 2, 1
    applied = act(state, "roll", dice=(1, 3), card=card)
    drawn = {"type": "chance", "seat": 0, "card": card, "text": CHANCE[card].text}
    assert drawn in applied.events
    position, gain, phase = CHANCE_OUTCOMES[CHANCE[card].text]
    after_card = applied.match.data
    assert (after_card.position[0], after_card.cash[0], after_card.phase) == (
        position,
        1500 + gain,
        phase,
    )
    assert after_card.cards[0] == (CHANCE[card].effect is Effect.JAIL_CARD)
    assert after_card.jail[0] == (CHANCE[card].effect is Effect.JAIL)


# Jail


def test_the_go_to_jail_square_sends_the_seat_to_jail_without_salary() -> None:
    applied = act(fresh(position=[13, 0]), "roll", dice=(2, 3))
    state = applied.match.data
    assert (state.position[0], state.jail[0], state.doubles) == (JAIL, 1, 0)
    assert state.phase is Phase.BUILD
    assert state.cash[0] == 1500
    assert applied.events[-1] == {"type": "went_to_jail", "seat": 0}


def test_three_doubles_in_a_row_send_the_seat_to_jail() -> None:
    state = after(fresh(position=[3, 0], doubles=2), "roll", dice=(4, 4))
    assert (state.position[0], state.jail[0], state.doubles) == (JAIL, 1, 0)
    assert state.phase is Phase.BUILD


def in_jail(**changes: Any) -> MagnateState:
    """Seat 0 in jail at the start of its turn."""
    return fresh(**{"position": [JAIL, 0], "jail": [1, 0], **changes})


def test_in_jail_a_seat_may_roll_pay_or_use_a_card() -> None:
    assert names(in_jail()) == ["pay_fine", "roll"]
    assert names(in_jail(cards=[1, 0])) == ["pay_fine", "roll", "use_card"]
    assert names(in_jail(cash=[49, 1500])) == ["roll"]
    with pytest.raises(IllegalAction, match="the fine is 50, seat 0 has 49"):
        act(in_jail(cash=[49, 1500]), "pay_fine")
    with pytest.raises(IllegalAction, match="seat 0 has no get-out-of-jail card"):
        act(in_jail(), "use_card")
    with pytest.raises(IllegalAction, match="pay_fine: seat 0 is not in jail"):
        act(fresh(), "pay_fine")


def test_paying_the_fine_frees_the_seat_to_roll() -> None:
    applied = act(in_jail(), "pay_fine")
    state = applied.match.data
    assert (state.jail[0], state.cash[0], state.phase) == (0, 1450, Phase.ROLL)
    assert applied.events[-1] == {"type": "left_jail", "seat": 0, "how": "fine"}


def test_a_card_frees_the_seat_to_roll() -> None:
    state = after(in_jail(cards=[2, 0]), "use_card")
    assert (state.jail[0], state.cards[0], state.cash[0]) == (0, 1, 1500)


def test_doubles_free_the_seat_and_move_it_without_another_roll() -> None:
    applied = act(in_jail(), "roll", dice=(1, 1))
    state = applied.match.data
    assert (state.jail[0], state.position[0], state.doubles) == (0, PIER, 0)
    assert {"type": "left_jail", "seat": 0, "how": "doubles"} in applied.events
    assert after(state, "decline").phase is Phase.BUILD


def test_a_failed_roll_keeps_the_seat_in_jail() -> None:
    state = after(in_jail(), "roll", dice=(1, 2))
    assert (state.jail[0], state.position[0], state.phase) == (2, JAIL, Phase.BUILD)


def test_the_third_failed_roll_charges_the_fine_and_moves() -> None:
    state = after(in_jail(jail=[3, 0]), "roll", dice=(1, 2))
    assert (state.jail[0], state.position[0], state.cash[0]) == (0, 9, 1450)
    assert state.phase is Phase.BUY


# Building


def whole_sky_group(**changes: Any) -> MagnateState:
    """Seat 0 owns the whole sky group, in its build phase."""
    return own(fresh(phase=Phase.BUILD, **changes), 0, HARBOUR, LIGHTHOUSE, PIER)


def test_building_needs_the_whole_group() -> None:
    state = own(fresh(phase=Phase.BUILD), 0, HARBOUR, LIGHTHOUSE)
    assert names(state) == ["end_turn", "mortgage"]
    with pytest.raises(IllegalAction, match="building needs the whole sky group"):
        act(state, "build", {"property": HARBOUR})


def test_a_house_costs_its_price_and_is_listed_as_legal() -> None:
    state = whole_sky_group()
    legal = GAME.legal_actions(state, 0)
    assert [a.data["property"] for a in legal if a.name == "build"] == list(GROUPS[1])
    applied = act(state, "build", {"property": PIER})
    assert applied.events == [{"type": "built", "seat": 0, "property": PIER, "houses": 1}]
    assert applied.match.data.cash[0] == 1450
    assert applied.match.data.houses[PIER] == 1


def test_building_is_even() -> None:
    state = whole_sky_group()
    state.houses[PIER] = 1
    with pytest.raises(IllegalAction, match="build evenly"):
        act(state, "build", {"property": PIER})
    state.houses[HARBOUR] = state.houses[LIGHTHOUSE] = 1
    assert after(state, "build", {"property": PIER}).houses[PIER] == 2


def test_at_most_four_houses() -> None:
    state = whole_sky_group(houses=[MAX_HOUSES if s in GROUPS[1] else 0 for s in range(SIZE)])
    with pytest.raises(IllegalAction, match="Pier Parade has 4 houses already"):
        act(state, "build", {"property": PIER})


def test_no_building_on_a_group_with_a_mortgage_or_without_the_money() -> None:
    state = whole_sky_group()
    state.mortgaged[HARBOUR] = True
    with pytest.raises(IllegalAction, match="no mortgage in the sky group"):
        act(state, "build", {"property": PIER})
    with pytest.raises(IllegalAction, match="a house on Pier Parade costs 50, seat 0 has 49"):
        act(whole_sky_group(cash=[49, 1500]), "build", {"property": PIER})


def test_houses_sell_evenly_for_half_their_cost() -> None:
    state = whole_sky_group()
    state.houses[HARBOUR] = state.houses[PIER] = 1
    with pytest.raises(IllegalAction, match="Lighthouse Walk has no house"):
        act(state, "sell_house", {"property": LIGHTHOUSE})
    state.houses[LIGHTHOUSE] = 2
    with pytest.raises(IllegalAction, match="sell evenly"):
        act(state, "sell_house", {"property": PIER})
    applied = act(state, "sell_house", {"property": LIGHTHOUSE})
    assert applied.events == [
        {"type": "sold_house", "seat": 0, "property": LIGHTHOUSE, "houses": 1}
    ]
    assert applied.match.data.cash[0] == 1525


def test_mortgage_and_unmortgage() -> None:
    state = whole_sky_group()
    state.houses[HARBOUR] = 1
    with pytest.raises(IllegalAction, match="sell the houses of the sky group first"):
        act(state, "mortgage", {"property": PIER})
    state.houses[HARBOUR] = 0
    state = after(state, "mortgage", {"property": PIER})
    assert (state.cash[0], state.mortgaged[PIER]) == (1560, True)
    with pytest.raises(IllegalAction, match="Pier Parade is mortgaged already"):
        act(state, "mortgage", {"property": PIER})
    state = after(state, "unmortgage", {"property": PIER})
    assert (state.cash[0], state.mortgaged[PIER]) == (1560 - 66, False)
    with pytest.raises(IllegalAction, match="Pier Parade is not mortgaged"):
        act(state, "unmortgage", {"property": PIER})


# Debt and bankruptcy


def owing_rent(**changes: Any) -> MagnateState:
    """Seat 0 with 10 in cash and the brown group, about to land on seat 1's sky group with
    a house on each (rent 30)."""
    state = own(fresh(3, cash=[10, 1500, 1500], **changes), 0, MILL, QUARRY)
    own(state, 1, HARBOUR, LIGHTHOUSE, PIER)
    for square in GROUPS[1]:
        state.houses[square] = 1
    return state


def test_a_debt_beyond_the_cash_waits_for_the_seat_to_raise_money() -> None:
    applied = act(owing_rent(), "roll", dice=(1, 4))
    state = applied.match.data
    assert applied.events[-1] == {"type": "in_debt", "seat": 0, "to": 1, "amount": 30}
    assert (state.phase, state.debt, state.creditor) == (Phase.DEBT, 30, 1)
    assert state.cash == [10, 1500, 1500]
    assert names(state) == ["declare_bankruptcy", "mortgage"]
    assert GAME.turn(state) == [0]


def test_raising_enough_pays_the_debt_and_the_turn_goes_on() -> None:
    state = after(owing_rent(), "roll", dice=(1, 4))
    applied = act(state, "mortgage", {"property": MILL})
    state = applied.match.data
    assert applied.events[-1] == {
        "type": "paid",
        "seat": 0,
        "to": 1,
        "amount": 30,
        "reason": "debt",
    }
    assert state.cash == [10 + 30 - 30, 1530, 1500]
    assert (state.phase, state.debt) == (Phase.BUILD, 0)


def test_a_debt_after_doubles_resumes_with_another_roll() -> None:
    state = after(owing_rent(position=[3, 0, 0]), "roll", dice=(1, 1))
    assert (state.phase, state.doubles) == (Phase.DEBT, 1)
    state = after(state, "mortgage", {"property": QUARRY})
    assert state.phase is Phase.ROLL


def test_selling_houses_pays_a_debt() -> None:
    state = own(fresh(cash=[0, 1500], phase=Phase.DEBT, debt=30, creditor=1), 0, MILL, QUARRY)
    state.houses[MILL] = state.houses[QUARRY] = 1
    state.resume = Phase.BUILD
    state = after(state, "sell_house", {"property": MILL})
    assert (state.phase, state.cash[0]) == (Phase.DEBT, 25)
    assert names(state) == ["declare_bankruptcy", "sell_house"]
    state = after(state, "sell_house", {"property": QUARRY})
    assert (state.phase, state.cash) == (Phase.BUILD, [20, 1530])


def test_a_jail_fine_that_cannot_be_paid_is_a_debt_then_the_seat_moves() -> None:
    state = own(in_jail(jail=[3, 0], cash=[20, 1500]), 0, MILL)
    state = after(state, "roll", dice=(1, 2))
    assert (state.phase, state.debt, state.creditor, state.jail[0]) == (Phase.DEBT, 50, BANK, 0)
    state = after(state, "mortgage", {"property": MILL})
    assert (state.position[0], state.cash[0], state.phase) == (9, 0, Phase.BUY)


def test_bankruptcy_hands_everything_to_the_creditor() -> None:
    rose = GROUPS[2][0]
    state = own(owing_rent(cards=[1, 0, 0]), 0, rose)
    state.houses[MILL] = state.houses[QUARRY] = 2
    state.mortgaged[rose] = True
    state = after(state, "roll", dice=(1, 4))
    applied = act(state, "declare_bankruptcy")
    state = applied.match.data
    assert applied.events[0] == {"type": "bankrupt", "seat": 0, "to": 1}
    assert applied.events[-1] == {"type": "turn", "seat": 1, "round": 1}
    assert state.alive == [False, True, True]
    assert state.cash == [0, 1500 + 10 + 4 * 25, 1500]
    assert [state.owner[square] for square in (MILL, QUARRY, rose)] == [1, 1, 1]
    assert state.houses[MILL] == state.houses[QUARRY] == 0
    assert state.mortgaged[rose]
    assert state.cards == [0, 1, 0]
    assert (state.current, state.phase, state.debt) == (1, Phase.ROLL, 0)
    assert GAME.result(state) is None


def test_bankruptcy_to_the_bank_returns_the_properties_unmortgaged() -> None:
    state = own(fresh(3, current=1, phase=Phase.DEBT, debt=150, resume="build"), 1, MILL, QUARRY)
    state.mortgaged[MILL] = True
    state = after(state, "declare_bankruptcy")
    assert state.owner[MILL] == state.owner[QUARRY] == BANK
    assert not state.mortgaged[MILL]
    assert state.cash == [1500, 0, 1500]
    assert (state.current, state.round) == (2, 1)


def test_bankrupt_seats_are_skipped() -> None:
    state = fresh(3, alive=[True, False, True], cash=[1500, 0, 1500], phase=Phase.BUILD)
    assert after(state, "end_turn").current == 2
    state.current = 2
    assert after(state, "end_turn").current == 0


# The end of a match


def test_the_last_seat_standing_wins() -> None:
    state = own(fresh(cash=[0, 900], phase=Phase.DEBT, debt=150, creditor=1), 0, MILL)
    match = act(state, "declare_bankruptcy").match
    assert match.result is not None
    assert match.result.to_dict() == {
        "winners": [1],
        "scores": {"0": 0.0, "1": 960.0},
        "reason": "last_standing",
    }
    assert GAME.turn(match.data) == []
    assert GAME.legal_actions(match.data, 1) == []


def test_the_richest_seat_wins_at_the_round_limit() -> None:
    state = own(fresh(3, max_turns=2, round=2, current=2, phase=Phase.BUILD), 1, PIER)
    state.alive[0], state.cash[0] = False, 0
    state.cash[2] = 1600
    match = act(state, "end_turn").match
    assert match.data.phase is Phase.OVER
    assert match.result is not None
    assert match.result.to_dict() == {
        "winners": [1],
        "scores": {"0": 0.0, "1": 1620.0, "2": 1600.0},
        "reason": "turn_limit",
    }


def test_equal_fortunes_share_the_win_at_the_round_limit() -> None:
    match = act(fresh(max_turns=1, current=1, phase=Phase.BUILD), "end_turn").match
    assert match.result is not None
    assert (match.result.winners, match.result.reason) == ([0, 1], "turn_limit")


def test_the_round_limit_is_not_reached_before_the_last_seat_ends_its_turn() -> None:
    match = act(fresh(max_turns=1, phase=Phase.BUILD), "end_turn").match
    assert match.result is None
    assert match.data.current == 1
