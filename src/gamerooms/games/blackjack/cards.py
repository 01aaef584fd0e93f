"""Cards as two-letter codes ("AS", "TD", "7H"), shoes of whole decks, and hand totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

RANKS = "A23456789TJQK"
"""Ranks, ace first; "T" is the ten."""
SUITS = "SHDC"
"""Spades, hearts, diamonds, clubs."""


def deck() -> list[str]:
    """One 52-card deck, in order."""
    return [rank + suit for suit in SUITS for rank in RANKS]


def shoe(decks: int) -> list[str]:
    """`decks` whole decks, in order (shuffle before use)."""
    return deck() * decks


def points(card: str) -> int:
    """A card's hard value: ace 1, ten and faces 10, others their number."""
    rank = card[0]
    if rank == "A":
        return 1
    return 10 if rank in "TJQK" else int(rank)


def total(cards: Sequence[str]) -> tuple[int, bool]:
    """The best total of a hand and whether it is soft (an ace counted as 11)."""
    hard = sum(points(card) for card in cards)
    soft = any(card[0] == "A" for card in cards) and hard + 10 <= 21
    return (hard + 10, True) if soft else (hard, False)


def is_natural(cards: Sequence[str]) -> bool:
    """Two cards making 21: an ace and a ten-valued card."""
    return len(cards) == 2 and total(cards)[0] == 21


def unseen(decks: int, seen: Iterable[str]) -> list[str]:
    """The cards of a full shoe minus those seen (as far as the shoe holds them)."""
    return list((Counter(shoe(decks)) - Counter(seen)).elements())
