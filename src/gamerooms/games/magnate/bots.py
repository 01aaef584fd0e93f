"""Magnate's own bots: an easy one that plays at random and a hard one that plays by value."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import Action, Game, MatchState, decision_rng
from gamerooms.games.magnate.assets import (
    group_of,
    holdings,
    house_sale,
    mortgage_value,
    owns_group,
    rent,
    unmortgage_cost,
    why_not_build,
    why_not_mortgage,
    why_not_sell,
    why_not_unmortgage,
)
from gamerooms.games.magnate.board import PROPERTIES, SQUARES
from gamerooms.games.magnate.state import BANK, MagnateState, Phase

RESERVE_FLOOR = 150
RESERVE_CAP = 600
"""The hard bot keeps cash for the dearest rent it could be charged, within these bounds."""
OPEN_BOARD = 4
"""Unsold properties at which the hard bot still pays its way out of jail to go shopping."""


class EasyPolicy:
    """Picks an action name at random among the legal ones, then one of its properties."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """A random legal action (every name equally likely, so turns do end)."""
        legal = game.legal_actions(match.data, seat)
        if len(legal) == 1:
            return legal[0]
        rng = decision_rng(match, seat)
        name = rng.choice(list(dict.fromkeys(action.name for action in legal)))
        return rng.choice([action for action in legal if action.name == name])


class HardPolicy:
    """Buys and builds where the value is, keeping a cash reserve against rent; sells the
    least useful assets first when in debt, and goes bankrupt only when it cannot pay."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """The hard bot's move (always a legal one, by the same rules `legal_actions` uses)."""
        state: MagnateState = match.data
        if state.phase is Phase.ROLL:
            return _plain(_jail_move(state, seat))
        if state.phase is Phase.BUY:
            return _plain("buy" if _worth_buying(state, seat, state.position[seat]) else "decline")
        if state.phase is Phase.BUILD:
            return _improve(state, seat) or _plain("end_turn")
        return _raise_money(state, seat) or _plain("declare_bankruptcy")


def reserve(state: MagnateState, seat: int) -> int:
    """The cash the hard bot keeps: the dearest rent a rival could charge it, within bounds."""
    rents = (
        rent(state, square)
        for square in PROPERTIES
        if state.owner[square] not in (BANK, seat) and not state.mortgaged[square]
    )
    return min(RESERVE_CAP, max(RESERVE_FLOOR, max(rents, default=0)))


def liquidation_value(state: MagnateState, seat: int) -> int:
    """The cash `seat` could raise by selling every house and mortgaging every property."""
    cash = state.cash[seat]
    for square in holdings(state, seat):
        cash += state.houses[square] * house_sale(square)
        cash += 0 if state.mortgaged[square] else mortgage_value(square)
    return cash


def _plain(name: str) -> Action:
    return Action(name=name, data={})


def _on(name: str, square: int) -> Action:
    return Action(name=name, data={"property": square})


def _jail_move(state: MagnateState, seat: int) -> str:
    """Out of jail early while there is still property to buy, else sit and roll."""
    if not state.jail[seat]:
        return "roll"
    if state.cards[seat]:
        return "use_card"
    unsold = sum(state.owner[square] == BANK for square in PROPERTIES)
    spare = state.cash[seat] - state.jail_fine
    if unsold >= OPEN_BOARD and spare >= reserve(state, seat):
        return "pay_fine"
    return "roll"


def _worth_buying(state: MagnateState, seat: int, square: int) -> bool:
    """Buy when the reserve survives; closer to the bone to complete or block a group."""
    spare = state.cash[seat] - SQUARES[square].price
    others = {state.owner[other] for other in group_of(square) if other != square}
    if others == {seat}:
        return spare >= 0
    if len(others) == 1 and BANK not in others:
        return spare >= reserve(state, seat) // 2
    return spare >= reserve(state, seat)


def _improve(state: MagnateState, seat: int) -> Action | None:
    """Lift mortgages on whole groups first, then build where a house adds most rent per cost."""
    mine = holdings(state, seat)
    unmortgages = [
        square
        for square in mine
        if why_not_unmortgage(state, seat, square) is None and owns_group(state, seat, square)
    ]
    builds = [square for square in mine if why_not_build(state, seat, square) is None]
    if not unmortgages and not builds:
        return None
    spare = state.cash[seat] - reserve(state, seat)
    for square in unmortgages:
        if unmortgage_cost(square) <= spare:
            return _on("unmortgage", square)
    affordable = [square for square in builds if SQUARES[square].house_cost <= spare]
    if not affordable:
        return None
    return _on("build", max(affordable, key=lambda square: _house_gain(state, square)))


def _house_gain(state: MagnateState, square: int) -> float:
    """The rent one more house on `square` adds, per unit of its cost."""
    lot = SQUARES[square]
    return (lot.rents[state.houses[square] + 1] - rent(state, square)) / lot.house_cost


def _raise_money(state: MagnateState, seat: int) -> Action | None:
    """Give up if the debt is beyond reach; else mortgage loose properties, then sell houses,
    then mortgage the rest."""
    if liquidation_value(state, seat) < state.debt:
        return None
    mine = holdings(state, seat)
    mortgages = [square for square in mine if why_not_mortgage(state, seat, square) is None]
    mortgages.sort(key=lambda square: SQUARES[square].price)
    loose = [square for square in mortgages if not owns_group(state, seat, square)]
    if loose:
        return _on("mortgage", loose[0])
    sales = [square for square in mine if why_not_sell(state, seat, square) is None]
    if sales:
        return _on("sell_house", min(sales, key=lambda square: _house_loss(state, square)))
    if mortgages:
        return _on("mortgage", mortgages[0])
    return None


def _house_loss(state: MagnateState, square: int) -> float:
    """The rent selling a house of `square` gives up, per unit of cash it raises."""
    lot, houses = SQUARES[square], state.houses[square]
    return (lot.rents[houses] - lot.rents[houses - 1]) / house_sale(square)
