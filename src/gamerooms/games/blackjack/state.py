"""Blackjack's settings and its state: the seats, their hands, the dealer and the shoe."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from gamerooms.engine import Settings

Phase = Literal["betting", "playing", "finished"]
"""Stored phases; dealing, the dealer's play and payouts happen inside actions."""
Outcome = Literal["blackjack", "win", "push", "lose", "bust"]
"""How a settled hand ended."""


class BlackjackSettings(Settings, kw_only=True):
    """The table's rules."""

    decks: Annotated[int, msgspec.Meta(ge=1, le=8, description="Decks in the shoe")] = 6
    starting_chips: Annotated[
        int, msgspec.Meta(ge=1, le=1_000_000, description="Chips each seat starts with")
    ] = 1000
    min_bet: Annotated[int, msgspec.Meta(ge=1, description="Smallest bet")] = 10
    max_bet: Annotated[int, msgspec.Meta(ge=1, description="Largest bet")] = 500
    rounds: Annotated[
        int, msgspec.Meta(ge=0, le=1000, description="Rounds to play; 0 = until chips run out")
    ] = 5
    dealer_hits_soft_17: Annotated[
        bool, msgspec.Meta(description="The dealer hits a soft 17 (else stands)")
    ] = False

    def __post_init__(self) -> None:
        """Refuse bet limits that no seat could meet."""
        if self.max_bet < self.min_bet:
            raise ValueError("max_bet must be at least min_bet")
        if self.starting_chips < self.min_bet:
            raise ValueError("starting_chips must be at least min_bet")


class Hand(msgspec.Struct):
    """One hand of a seat: its cards and stake; `outcome` is set when the round settles."""

    cards: list[str]
    bet: int
    doubled: bool = False
    split: bool = False
    done: bool = False
    outcome: Outcome | None = None


class Seat(msgspec.Struct):
    """A player's chips (off the table), the bet placed for the next deal, and its hands."""

    chips: int
    bet: int = 0
    hands: list[Hand] = msgspec.field(default_factory=list)


class Table(msgspec.Struct):
    """The whole state. The dealer's second card is the hole card, hidden while `hole_hidden`;
    `shoe` (drawn from its end) and `discards` are never shown, only counted."""

    settings: BlackjackSettings
    phase: Phase
    round: int
    seats: list[Seat]
    dealer: list[str]
    hole_hidden: bool
    shoe: list[str]
    discards: list[str] = msgspec.field(default_factory=list)
    active: int | None = None
    hand: int = 0
    house: int = 0
    ended: str | None = None
