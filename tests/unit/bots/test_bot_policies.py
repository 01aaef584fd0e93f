"""The generic bots on tic-tac-toe: legal, reproducible, and sharp enough at every MCTS level."""

from __future__ import annotations

from typing import Any

import pytest

from gamerooms.bots import LEVELS, MonteCarloPolicy, RandomPolicy, policy_for
from gamerooms.engine import (
    Action,
    Game,
    MatchState,
    Policy,
    Result,
    SeededRandom,
    Settings,
    replay,
)
from gamerooms.games.tictactoe import Board, TicTacToe

GAME = TicTacToe()
MCTS_LEVELS = ["easy", "medium", "hard"]
POSITIONS = [[], [4], [0, 4], [4, 0, 8], [0, 1, 3], [0, 4, 8, 2, 6]]
"""Unfinished positions (cells marked in turn, seat 0 first), early to late."""
WINS = [([0, 3, 1, 4], 2), ([4, 0, 8, 1, 5], 2), ([0, 2, 4, 5], 8), ([6, 0, 7, 4, 1], 8)]
"""Positions where the seat to move wins at once, and the only cell that does it."""
BLOCKS = [([0, 4, 1], 2), ([4, 0, 3], 5), ([0, 4, 8, 2], 6)]
"""Positions where the seat to move cannot win at once but the rival can, on one cell only."""


def play(cells: list[int], seed: int = 0) -> MatchState:
    """The match after the seats alternately mark `cells`, seat 0 first."""
    log = [(index % 2, "place", {"cell": cell}) for index, cell in enumerate(cells)]
    return replay(GAME, None, 2, seed, log)


def to_move(match: MatchState) -> int:
    """The seat whose turn it is."""
    seats = GAME.turn(match.data)
    assert len(seats) == 1, seats
    return seats[0]


def cell_of(action: Action) -> int:
    """The cell a tic-tac-toe action marks."""
    assert action.name == "place", action
    cell: int = action.data["cell"]
    return cell


def winning_cells(match: MatchState, seat: int) -> list[int]:
    """The empty cells on which `seat` would complete a line."""
    cells = []
    for cell, mark in enumerate(match.data.cells):
        if mark is None:
            board = list(match.data.cells)
            board[cell] = seat
            result = GAME.result(Board(cells=board))
            if result is not None and result.winners == [seat]:
                cells.append(cell)
    return cells


@pytest.mark.parametrize("cells", POSITIONS)
def test_random_bot_plays_a_legal_move(cells: list[int]) -> None:
    for seed in range(20):
        match = play(cells, seed)
        seat = to_move(match)
        assert RandomPolicy().choose(GAME, match, seat) in GAME.legal_actions(match.data, seat)


@pytest.mark.parametrize("cells", POSITIONS)
def test_random_bot_makes_the_same_choice_for_the_same_match(cells: list[int]) -> None:
    for seed in range(20):
        match = play(cells, seed)
        seat = to_move(match)
        first = RandomPolicy().choose(GAME, match, seat)
        assert RandomPolicy().choose(GAME, match, seat) == first
        assert RandomPolicy().choose(GAME, play(cells, seed), seat) == first


def test_random_bot_choices_vary_with_the_match() -> None:
    choices = {cell_of(RandomPolicy().choose(GAME, play([], seed), 0)) for seed in range(60)}
    assert len(choices) >= 5, choices


@pytest.mark.parametrize("policy", [RandomPolicy(), MonteCarloPolicy(50)], ids=["random", "mcts"])
def test_a_bot_leaves_the_match_it_looks_at_unchanged(policy: Policy) -> None:
    match = play([4, 0, 8])
    before = (match.version, match.rng, list(match.data.cells), match.result)
    policy.choose(GAME, match, 1)
    assert (match.version, match.rng, list(match.data.cells), match.result) == before


@pytest.mark.parametrize("level", MCTS_LEVELS)
@pytest.mark.parametrize(("cells", "winning"), WINS)
def test_mcts_takes_an_immediate_win(level: str, cells: list[int], winning: int) -> None:
    assert winning_cells(play(cells), to_move(play(cells))) == [winning]
    for seed in range(5):
        match = play(cells, seed)
        assert cell_of(policy_for(GAME, level).choose(GAME, match, to_move(match))) == winning


@pytest.mark.parametrize("level", MCTS_LEVELS)
@pytest.mark.parametrize(("cells", "threat"), BLOCKS)
def test_mcts_blocks_an_immediate_loss(level: str, cells: list[int], threat: int) -> None:
    seat = to_move(play(cells))
    assert winning_cells(play(cells), seat) == []
    assert winning_cells(play(cells), 1 - seat) == [threat]
    for seed in range(5):
        match = play(cells, seed)
        assert cell_of(policy_for(GAME, level).choose(GAME, match, seat)) == threat


@pytest.mark.parametrize("level", MCTS_LEVELS)
@pytest.mark.parametrize("cells", POSITIONS)
def test_mcts_is_legal_and_reproducible(level: str, cells: list[int]) -> None:
    for seed in range(3):
        match = play(cells, seed)
        seat = to_move(match)
        first = policy_for(GAME, level).choose(GAME, match, seat)
        assert first in GAME.legal_actions(match.data, seat)
        assert policy_for(GAME, level).choose(GAME, play(cells, seed), seat) == first


def test_mcts_with_a_single_legal_move_plays_it() -> None:
    match = play([0, 1, 2, 4, 3, 5, 7, 6])
    assert cell_of(MonteCarloPolicy(10).choose(GAME, match, 0)) == 8


class Solo(Game[Board]):
    """Tic-tac-toe that brings its own bot for the "hard" level."""

    name = "solo"
    title = "Solo"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "hard")

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Board:
        """An empty board."""
        return Board(cells=[None] * 9)

    def turn(self, state: Board) -> list[int]:
        """Nobody."""
        return []

    def view(self, state: Board, seat: int | None) -> dict[str, Any]:
        """Nothing."""
        return {}

    def result(self, state: Board) -> Result | None:
        """Never over."""
        return None

    def legal_actions(self, state: Board, seat: int) -> list[Action]:
        """None."""
        return []

    def bot(self, level: str) -> Policy | None:
        """Its own bot at "hard" only."""
        return OWN_BOT if level == "hard" else None


OWN_BOT = RandomPolicy()


def test_policy_for_each_level() -> None:
    assert LEVELS == {"easy": 30, "medium": 200, "hard": 1000}
    assert isinstance(policy_for(GAME, "random"), RandomPolicy)
    for level, iterations in LEVELS.items():
        policy = policy_for(GAME, level)
        assert isinstance(policy, MonteCarloPolicy)
        assert policy.iterations == iterations
    assert isinstance(policy_for(GAME, "no such level"), RandomPolicy)


def test_policy_for_prefers_the_games_own_bot() -> None:
    assert policy_for(Solo(), "hard") is OWN_BOT
    assert isinstance(policy_for(Solo(), "easy"), MonteCarloPolicy)
