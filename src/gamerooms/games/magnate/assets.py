"""Property questions: who owns what, rent, what may be built, sold or mortgaged, net worth."""

from __future__ import annotations

from operator import itemgetter
from typing import TypeVar

from gamerooms.games.magnate.board import GROUP_NAMES, GROUPS, MAX_HOUSES, PROPERTIES, SQUARES
from gamerooms.games.magnate.state import MagnateState

T = TypeVar("T")

_GROUP_PICKERS = {square: itemgetter(*GROUPS[SQUARES[square].group]) for square in PROPERTIES}
"""Per property: what picks its group's entries out of a per-square list (every group has 2+)."""


def across_group(values: list[T], square: int) -> tuple[T, ...]:
    """The entries of a per-square list for every property of the group of `square`."""
    picked: tuple[T, ...] = _GROUP_PICKERS[square](values)
    return picked


def group_of(square: int) -> tuple[int, ...]:
    """The squares of the colour group `square` belongs to."""
    return GROUPS[SQUARES[square].group]


def owns_group(state: MagnateState, seat: int, square: int) -> bool:
    """Whether `seat` owns every property of the group of `square`."""
    owners = across_group(state.owner, square)
    return owners.count(seat) == len(owners)


def rent(state: MagnateState, square: int) -> int:
    """The rent for landing on an owned, unmortgaged property."""
    lot = SQUARES[square]
    houses = state.houses[square]
    if houses == 0 and owns_group(state, state.owner[square], square):
        return 2 * lot.rents[0]
    return lot.rents[houses]


def mortgage_value(square: int) -> int:
    """What the bank lends on a property: half its price."""
    return SQUARES[square].price // 2


def unmortgage_cost(square: int) -> int:
    """What lifting a mortgage costs: the loan plus 10%."""
    loan = mortgage_value(square)
    return loan + loan // 10


def house_sale(square: int) -> int:
    """What the bank pays back for a house: half its cost."""
    return SQUARES[square].house_cost // 2


def holdings(state: MagnateState, seat: int) -> list[int]:
    """The properties `seat` owns."""
    return [square for square in PROPERTIES if state.owner[square] == seat]


def net_worth(state: MagnateState, seat: int) -> int:
    """Cash plus property (half price if mortgaged) plus houses at cost."""
    worth = state.cash[seat]
    for square in holdings(state, seat):
        lot = SQUARES[square]
        worth += mortgage_value(square) if state.mortgaged[square] else lot.price
        worth += state.houses[square] * lot.house_cost
    return worth


def why_not_yours(state: MagnateState, seat: int, square: int) -> str | None:
    """Why `square` is not a property of `seat`, or None if it is."""
    if SQUARES[square].group < 0:
        return f"square {square} is not a property"
    if state.owner[square] != seat:
        return f"seat {seat} does not own {SQUARES[square].name}"
    return None


def why_not_build(state: MagnateState, seat: int, square: int) -> str | None:
    """Why `seat` may not build a house on its property `square` now, or None if it may."""
    lot, houses = SQUARES[square], state.houses[square]
    if not owns_group(state, seat, square):
        return f"building needs the whole {GROUP_NAMES[lot.group]} group"
    if True in across_group(state.mortgaged, square):
        return f"building needs no mortgage in the {GROUP_NAMES[lot.group]} group"
    if houses >= MAX_HOUSES:
        return f"{lot.name} has {MAX_HOUSES} houses already"
    if houses > min(across_group(state.houses, square)):
        return f"build evenly: {lot.name} has more houses than the rest of its group"
    if state.cash[seat] < lot.house_cost:
        return f"a house on {lot.name} costs {lot.house_cost}, seat {seat} has {state.cash[seat]}"
    return None


def why_not_sell(state: MagnateState, seat: int, square: int) -> str | None:
    """Why `seat` may not sell a house of its property `square` now, or None if it may."""
    houses = state.houses[square]
    if houses == 0:
        return f"{SQUARES[square].name} has no house"
    if houses < max(across_group(state.houses, square)):
        return f"sell evenly: {SQUARES[square].name} has fewer houses than the rest of its group"
    return None


def why_not_mortgage(state: MagnateState, seat: int, square: int) -> str | None:
    """Why `seat` may not mortgage its property `square` now, or None if it may."""
    if state.mortgaged[square]:
        return f"{SQUARES[square].name} is mortgaged already"
    if max(across_group(state.houses, square)) > 0:
        return f"sell the houses of the {GROUP_NAMES[SQUARES[square].group]} group first"
    return None


def why_not_unmortgage(state: MagnateState, seat: int, square: int) -> str | None:
    """Why `seat` may not lift the mortgage on its property `square`, or None if it may."""
    if not state.mortgaged[square]:
        return f"{SQUARES[square].name} is not mortgaged"
    cost = unmortgage_cost(square)
    if state.cash[seat] < cost:
        name = SQUARES[square].name
        return f"lifting the mortgage on {name} costs {cost}, seat {seat} has {state.cash[seat]}"
    return None
