"""Tic-tac-toe: two seats take turns marking a 3x3 board; three in a line wins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import msgspec

from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    IllegalAction,
    Result,
    SeededRandom,
    Settings,
    action,
)

LINES = (
    (0, 1, 2),
    (3, 4, 5),
    (6, 7, 8),
    (0, 3, 6),
    (1, 4, 7),
    (2, 5, 8),
    (0, 4, 8),
    (2, 4, 6),
)
"""Every winning line, as row-major cell numbers."""


class Board(msgspec.Struct):
    """The nine cells, row-major: None when empty, else the seat that marked it."""

    cells: list[int | None]


class Place(msgspec.Struct):
    """Data of the `place` action: the cell to mark."""

    cell: Annotated[int, msgspec.Meta(ge=0, le=8)]


def completed_line(cells: Sequence[int | None]) -> tuple[int, tuple[int, int, int]] | None:
    """The seat holding a whole line, and that line, if any."""
    for line in LINES:
        first, second, third = line
        mark = cells[first]
        if mark is not None and mark == cells[second] == cells[third]:
            return mark, line
    return None


class TicTacToe(Game[Board]):
    """Seat 0 moves first; the seats alternate until a line is made or the board is full."""

    name = "tictactoe"
    title = "Tic-tac-toe"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "easy", "medium", "hard")

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Board:
        """An empty board."""
        return Board(cells=[None] * 9)

    def turn(self, state: Board) -> list[int]:
        """The seat to move: 0 after an even number of marks, else 1 (the engine offers no
        turn once there is a result)."""
        marks = sum(cell is not None for cell in state.cells)
        return [marks % 2]

    def view(self, state: Board, seat: int | None) -> dict[str, Any]:
        """The whole board, the same for every seat."""
        return {"board": list(state.cells)}

    def from_view(self, view: dict[str, Any], seat: int) -> Board:
        """The board is all there is to see."""
        return Board(cells=list(view["board"]))

    def result(self, state: Board) -> Result | None:
        """A win for the seat holding a line, a draw on a full board, else None."""
        completed = completed_line(state.cells)
        if completed is not None:
            return Result(winners=[completed[0]], reason="win")
        if None not in state.cells:
            return Result(winners=[], reason="draw")
        return None

    def legal_actions(self, state: Board, seat: int) -> list[Action]:
        """A `place` on every empty cell, for the seat to move."""
        if seat not in self.turn(state):
            return []
        empty = (cell for cell, mark in enumerate(state.cells) if mark is None)
        return [Action(name="place", data={"cell": cell}) for cell in empty]

    @action("place", data=Place)
    def place(self, state: Board, data: Place, ctx: ActionContext) -> None:
        """Mark an empty cell for the acting seat."""
        if state.cells[data.cell] is not None:
            raise IllegalAction(f"cell {data.cell} is taken")
        state.cells[data.cell] = ctx.seat
        ctx.emit({"type": "placed", "seat": ctx.seat, "cell": data.cell})
        completed = completed_line(state.cells)
        if completed is not None:
            ctx.emit({"type": "line", "cells": list(completed[1])})
