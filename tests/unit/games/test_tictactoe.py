"""Tic-tac-toe rules, played through the engine."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from gamerooms.engine import (
    Action,
    Applied,
    BadActionData,
    IllegalAction,
    MatchOver,
    MatchState,
    NotYourTurn,
    apply_action,
    offered_actions,
    replay,
    seats_in_turn,
    start_match,
)
from gamerooms.games.tictactoe import LINES, Board, TicTacToe

GAME = TicTacToe()
DRAW = [0, 1, 2, 4, 3, 5, 7, 6, 8]


def play(cells: list[int]) -> MatchState:
    """The match after the seats alternately mark `cells`, seat 0 first."""
    return replay(GAME, None, 2, 0, [(i % 2, "place", {"cell": c}) for i, c in enumerate(cells)])


def last_move(cells: list[int]) -> Applied:
    """The outcome of the last of `cells`."""
    before = play(cells[:-1])
    return apply_action(GAME, before, (len(cells) - 1) % 2, "place", {"cell": cells[-1]})


def winning_game(seat: int, line: tuple[int, int, int]) -> list[int]:
    """Moves in which `seat` completes `line` while the other seat marks no line of its own."""
    spare = [cell for cell in range(9) if cell not in line]
    fillers = next(
        combo
        for combo in combinations(spare, 2 + seat)
        if not any(set(other) <= set(combo) for other in LINES)
    )
    ours, theirs = list(line), list(fillers)
    moves = []
    for turn in range(len(ours) + len(theirs)):
        mover = turn % 2
        moves.append((ours if mover == seat else theirs).pop(0))
    return moves


@pytest.mark.parametrize("seat", [0, 1])
@pytest.mark.parametrize("line", LINES)
def test_every_line_wins_for_either_seat(seat: int, line: tuple[int, int, int]) -> None:
    moves = winning_game(seat, line)
    applied = last_move(moves)
    match = applied.match
    assert applied.seat == seat
    assert match.result is not None
    assert match.result.to_dict() == {"winners": [seat], "scores": None, "reason": "win"}
    assert applied.events == [
        {"type": "placed", "seat": seat, "cell": moves[-1]},
        {"type": "line", "cells": list(line)},
    ]
    assert seats_in_turn(GAME, match) == []  # the engine's doing: a result ends every turn
    assert offered_actions(GAME, match, 0) == offered_actions(GAME, match, 1) == []


def test_no_result_before_a_line_is_made() -> None:
    for length in range(len(DRAW)):
        match = play(DRAW[:length])
        assert match.result is None
        assert GAME.turn(match.data) == [length % 2]


def test_a_full_board_without_a_line_is_a_draw() -> None:
    applied = last_move(DRAW)
    assert applied.match.result is not None
    assert applied.match.result.to_dict() == {"winners": [], "scores": None, "reason": "draw"}
    assert applied.events == [{"type": "placed", "seat": 0, "cell": 8}]
    assert seats_in_turn(GAME, applied.match) == []


def test_a_taken_cell_is_illegal() -> None:
    match = play([4])
    with pytest.raises(IllegalAction) as caught:
        apply_action(GAME, match, 1, "place", {"cell": 4})
    assert caught.value.message == "cell 4 is taken"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cell": 9}, "cell: Expected `int` <= 8"),
        ({"cell": -1}, "cell: Expected `int` >= 0"),
        ({"cell": "4"}, "cell: Expected `int`, got `str`"),
        ({"cell": 4.0}, "cell: Expected `int`, got `float`"),
        ({}, "data: Object missing required field `cell`"),
        (None, "data: Object missing required field `cell`"),
    ],
)
def test_bad_cells_are_bad_data_naming_the_cell(data: Any, message: str) -> None:
    with pytest.raises(BadActionData) as caught:
        apply_action(GAME, play([]), 0, "place", data)
    assert caught.value.message == message


def test_seats_take_turns_starting_with_seat_0() -> None:
    with pytest.raises(NotYourTurn):
        apply_action(GAME, play([]), 1, "place", {"cell": 0})
    with pytest.raises(NotYourTurn):
        apply_action(GAME, play([0]), 0, "place", {"cell": 1})
    assert apply_action(GAME, play([0]), 1, "place", {"cell": 1}).match.version == 2


@pytest.mark.parametrize("moves", [[0, 3, 1, 4, 2], DRAW])
def test_no_move_after_the_end(moves: list[int]) -> None:
    match = play(moves)
    with pytest.raises(MatchOver):
        apply_action(GAME, match, len(moves) % 2, "place", {"cell": 0})


def test_two_seats_exactly() -> None:
    for seats in (1, 3):
        with pytest.raises(IllegalAction):
            start_match(GAME, None, seats, seed=0)


def test_legal_actions_are_the_empty_cells_for_the_seat_to_move() -> None:
    start = play([]).data
    assert GAME.legal_actions(start, 0) == [
        Action(name="place", data={"cell": cell}) for cell in range(9)
    ]
    assert GAME.legal_actions(start, 1) == []
    after = play([4, 0]).data
    assert [a.data["cell"] for a in GAME.legal_actions(after, 0)] == [1, 2, 3, 5, 6, 7, 8]
    assert GAME.legal_actions(after, 1) == []


def test_every_legal_action_applies() -> None:
    match = play([4, 0])
    for legal in GAME.legal_actions(match.data, 0):
        applied = apply_action(GAME, match, 0, legal.name, legal.data)
        assert applied.match.data.cells[legal.data["cell"]] == 0


def test_the_view_is_the_board_for_every_seat() -> None:
    state = play([4, 0, 8]).data
    board = [1, None, None, None, 0, None, None, None, 0]
    for seat in (0, 1, None):
        assert GAME.view(state, seat) == {"board": board}
    assert GAME.view(play([]).data, None) == {"board": [None] * 9}
    assert not TicTacToe.hidden_information


def test_a_move_emits_placed() -> None:
    applied = apply_action(GAME, play([]), 0, "place", {"cell": 6})
    assert applied.events == [{"type": "placed", "seat": 0, "cell": 6}]
    assert applied.data == {"cell": 6}
    cells: list[int | None] = [None] * 9
    cells[6] = 0
    assert applied.match.data == Board(cells=cells)


def test_describe() -> None:
    described = TicTacToe.describe()
    assert described["name"] == "tictactoe"
    assert described["title"] == "Tic-tac-toe"
    assert (described["min_players"], described["max_players"]) == (2, 2)
    assert described["default_players"] == 2
    assert described["bot_levels"] == ["random", "easy", "medium", "hard"]
    [place] = described["actions"]
    assert (
        place["name"] == "place"
        and place["description"] == "Mark an empty cell for the acting seat."
    )
    assert place["data_schema"]["properties"] == {
        "cell": {"type": "integer", "minimum": 0, "maximum": 8}
    }
    assert described["settings_schema"]["properties"] == {}


def test_settings_take_nothing_but_ignore_extras() -> None:
    match = start_match(GAME, {"bot_level": "hard", "target_players": 2}, 2, seed=0)
    assert match.settings == {}
