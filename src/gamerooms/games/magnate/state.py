"""Magnate's settings, its state and the data its actions take."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from gamerooms.engine import Settings
from gamerooms.games.magnate.board import SIZE

BANK = -1
"""The creditor or owner that is no seat."""


class Phase(StrEnum):
    """Where the turn of the seat in turn stands."""

    ROLL = "roll"
    BUY = "buy"
    BUILD = "build"
    DEBT = "debt"
    OVER = "over"


MOVE = "move"
"""The `resume` of a debt after which the seat moves by its dice (a jail fine it had to pay)."""


class MagnateSettings(Settings):
    """How a match of Magnate is played."""

    starting_money: Annotated[
        int, msgspec.Meta(ge=0, le=100_000, description="cash each seat starts with")
    ] = 1500
    salary: Annotated[
        int, msgspec.Meta(ge=0, le=10_000, description="paid for passing or landing on Start")
    ] = 200
    max_turns: Annotated[
        int, msgspec.Meta(ge=1, le=1000, description="rounds before the richest seat wins")
    ] = 60
    jail_fine: Annotated[
        int, msgspec.Meta(ge=0, le=10_000, description="what leaving jail early costs")
    ] = 50


class MagnateState(msgspec.Struct):
    """The whole match; lists are per seat (cash..cards) or per square (owner..mortgaged)."""

    cash: list[int]
    position: list[int]
    alive: list[bool]
    jail: list[int]
    """0 when free, else 1 + the failed rolls for doubles so far."""
    cards: list[int]
    """Get-out-of-jail cards held."""
    owner: list[int]
    houses: list[int]
    mortgaged: list[bool]
    current: int = 0
    phase: Phase = Phase.ROLL
    dice: list[int] = []
    doubles: int = 0
    """Doubles rolled in a row this turn; the seat rolls again while it is above 0."""
    round: int = 1
    debt: int = 0
    creditor: int = BANK
    resume: str = ""
    """What follows once the debt is paid: a phase, or MOVE."""
    salary: int = 200
    jail_fine: int = 50
    max_turns: int = 60

    @classmethod
    def new(cls, seats: int, settings: MagnateSettings) -> MagnateState:
        """Every seat on Start with the starting money; every property with the bank."""
        return cls(
            cash=[settings.starting_money] * seats,
            position=[0] * seats,
            alive=[True] * seats,
            jail=[0] * seats,
            cards=[0] * seats,
            owner=[BANK] * SIZE,
            houses=[0] * SIZE,
            mortgaged=[False] * SIZE,
            salary=settings.salary,
            jail_fine=settings.jail_fine,
            max_turns=settings.max_turns,
        )


class PropertyChoice(msgspec.Struct):
    """Data of the actions on one property: its square number."""

    property: Annotated[int, msgspec.Meta(ge=0, lt=SIZE)]
