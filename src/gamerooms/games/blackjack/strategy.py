"""Basic strategy for a multi-deck shoe with doubling after splits and no surrender."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from gamerooms.games.blackjack.cards import points, total

Move = Literal["hit", "stand", "double", "split"]

ANY = frozenset(range(2, 12))
"""Every dealer up card, as a value from 2 to 11 (ace)."""
SPLIT_AGAINST: dict[int, frozenset[int]] = {
    11: ANY,
    10: frozenset(),
    9: frozenset({2, 3, 4, 5, 6, 8, 9}),
    8: ANY,
    7: frozenset(range(2, 8)),
    6: frozenset(range(2, 7)),
    5: frozenset(),
    4: frozenset({5, 6}),
    3: frozenset(range(2, 8)),
    2: frozenset(range(2, 8)),
}
"""For each pair (by card value, ace 11): the dealer up cards it is split against."""


def up_value(card: str) -> int:
    """The dealer's up card as 2 to 11 (ace 11)."""
    return 11 if card[0] == "A" else points(card)


def basic_move(
    cards: Sequence[str], up: str, can_double: bool, can_split: bool, hits_soft_17: bool
) -> Move:
    """The basic-strategy play of `cards` against the dealer's `up` card."""
    dealer = up_value(up)
    if can_split and dealer in SPLIT_AGAINST[up_value(cards[0])]:
        return "split"
    value, soft = total(cards)
    code = (
        soft_code(value, dealer, hits_soft_17) if soft else hard_code(value, dealer, hits_soft_17)
    )
    if code == "D":
        return "double" if can_double else "hit"
    if code == "Ds":
        return "double" if can_double else "stand"
    return "hit" if code == "H" else "stand"


def hard_code(value: int, dealer: int, hits_soft_17: bool) -> str:
    """The table entry for a hard total: H(it), S(tand) or D(ouble, else hit)."""
    if value >= 17:
        return "S"
    if value >= 13:
        return "S" if dealer <= 6 else "H"
    if value == 12:
        return "S" if 4 <= dealer <= 6 else "H"
    if value == 11:
        return "D" if dealer <= 10 or hits_soft_17 else "H"
    if value == 10:
        return "D" if dealer <= 9 else "H"
    if value == 9:
        return "D" if 3 <= dealer <= 6 else "H"
    return "H"


def soft_code(value: int, dealer: int, hits_soft_17: bool) -> str:
    """The table entry for a soft total: H, S, D, or Ds (double, else stand)."""
    if value >= 20:
        return "S"
    if value == 19:
        return "Ds" if hits_soft_17 and dealer == 6 else "S"
    if value == 18:
        if dealer <= 6 and (dealer >= 3 or hits_soft_17):
            return "Ds"
        return "S" if dealer <= 8 else "H"
    if value == 17:
        return "D" if 3 <= dealer <= 6 else "H"
    if value >= 15:
        return "D" if 4 <= dealer <= 6 else "H"
    if value >= 13:
        return "D" if 5 <= dealer <= 6 else "H"
    return "H"
