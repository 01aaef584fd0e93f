"""The Magnate board: 24 squares, six colour groups, two taxes and the chance cards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_HOUSES = 4
"""Houses a property may hold."""


class Kind(StrEnum):
    """What a square does when a seat lands on it."""

    START = "start"
    PROPERTY = "property"
    CHANCE = "chance"
    TAX = "tax"
    JAIL = "jail"
    REST = "rest"
    GO_TO_JAIL = "go_to_jail"


@dataclass(frozen=True, slots=True)
class Square:
    """One square; the price, group, house cost and rents are only set on properties."""

    name: str
    kind: Kind
    price: int = 0
    group: int = -1
    house_cost: int = 0
    rents: tuple[int, ...] = ()
    """Rent with 0 to MAX_HOUSES houses (unimproved rent doubles on a whole group)."""
    tax: int = 0


def _lot(name: str, group: int, price: int, house_cost: int, *rents: int) -> Square:
    return Square(name, Kind.PROPERTY, price, group, house_cost, rents)


GROUP_NAMES = ("brown", "sky", "pink", "orange", "red", "blue")

SQUARES: tuple[Square, ...] = (
    Square("Start", Kind.START),
    _lot("Mill Lane", 0, 60, 50, 4, 20, 60, 180, 320),
    Square("Chance", Kind.CHANCE),
    _lot("Quarry Road", 0, 80, 50, 6, 30, 90, 270, 400),
    Square("Income Tax", Kind.TAX, tax=150),
    _lot("Harbour Street", 1, 100, 50, 6, 30, 90, 270, 400),
    Square("Jail", Kind.JAIL),
    _lot("Lighthouse Walk", 1, 100, 50, 6, 30, 90, 270, 400),
    _lot("Pier Parade", 1, 120, 50, 8, 40, 100, 300, 450),
    _lot("Rose Terrace", 2, 140, 100, 10, 50, 150, 450, 625),
    Square("Chance", Kind.CHANCE),
    _lot("Orchard Row", 2, 160, 100, 12, 60, 180, 500, 700),
    Square("Town Square", Kind.REST),
    _lot("Market Street", 3, 180, 100, 14, 70, 200, 550, 750),
    _lot("Guild Hall Road", 3, 180, 100, 14, 70, 200, 550, 750),
    _lot("Exchange Place", 3, 200, 100, 16, 80, 220, 600, 800),
    Square("Chance", Kind.CHANCE),
    _lot("Foundry Way", 4, 220, 150, 18, 90, 250, 700, 875),
    Square("Go to Jail", Kind.GO_TO_JAIL),
    _lot("Signal Hill", 4, 240, 150, 20, 100, 300, 750, 925),
    Square("Luxury Tax", Kind.TAX, tax=100),
    _lot("Crescent Park", 5, 300, 200, 26, 130, 390, 900, 1100),
    _lot("Regent Gardens", 5, 320, 200, 28, 150, 450, 1000, 1200),
    _lot("Crown Heights", 5, 350, 200, 35, 175, 500, 1100, 1300),
)

SIZE = len(SQUARES)
START = 0
JAIL = next(i for i, square in enumerate(SQUARES) if square.kind is Kind.JAIL)
PROPERTIES = tuple(i for i, square in enumerate(SQUARES) if square.kind is Kind.PROPERTY)
GROUPS = tuple(
    tuple(i for i in PROPERTIES if SQUARES[i].group == group) for group in range(len(GROUP_NAMES))
)
"""The squares of each colour group."""


class Effect(StrEnum):
    """What a chance card does."""

    GAIN = "gain"
    LOSE = "lose"
    ADVANCE = "advance"
    BACK = "back"
    JAIL = "jail"
    JAIL_CARD = "jail_card"
    REPAIRS = "repairs"


@dataclass(frozen=True, slots=True)
class Card:
    """A chance card: its text, effect and amount (money, target square, steps or per-house)."""

    text: str
    effect: Effect
    value: int = 0


CHANCE: tuple[Card, ...] = (
    Card("Advance to Start", Effect.ADVANCE, START),
    Card("Advance to Rose Terrace", Effect.ADVANCE, 9),
    Card("Advance to Crown Heights", Effect.ADVANCE, 23),
    Card("Go back three squares", Effect.BACK, 3),
    Card("Go to jail", Effect.JAIL),
    Card("Get out of jail free", Effect.JAIL_CARD),
    Card("The bank pays you a dividend of 50", Effect.GAIN, 50),
    Card("Your building loan matures: collect 150", Effect.GAIN, 150),
    Card("Pay school fees of 100", Effect.LOSE, 100),
    Card("Street repairs: pay 40 per house", Effect.REPAIRS, 40),
)


def board_data() -> dict[str, object]:
    """The board as clients draw it: squares (name, kind, price, group, house cost, rents,
    tax), colour groups by name, and the chance cards' texts."""
    squares = [
        {
            "index": index,
            "name": square.name,
            "kind": str(square.kind),
            "price": square.price,
            "group": square.group,
            "house_cost": square.house_cost,
            "rents": list(square.rents),
            "tax": square.tax,
        }
        for index, square in enumerate(SQUARES)
    ]
    groups = [
        {"index": group, "name": name, "squares": list(GROUPS[group])}
        for group, name in enumerate(GROUP_NAMES)
    ]
    return {
        "squares": squares,
        "groups": groups,
        "max_houses": MAX_HOUSES,
        "jail": JAIL,
        "chance": [card.text for card in CHANCE],
    }
