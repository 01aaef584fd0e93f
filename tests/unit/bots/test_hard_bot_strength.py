"""The hard bot never loses tic-tac-toe to the random bot: 200 games, 100 from each seat.

About a minute on a loaded machine; every game is seeded, so a failure replays exactly."""

from __future__ import annotations

import pytest

from gamerooms.bots import MonteCarloPolicy, RandomPolicy, policy_for
from gamerooms.engine import Policy, apply_action, start_match
from gamerooms.games.tictactoe import TicTacToe

GAME = TicTacToe()
GAMES_PER_SEAT = 100


def play_out(policies: dict[int, Policy], seed: int) -> list[int]:
    """Play a whole match with these policies by seat; the winners ([] for a draw)."""
    match = start_match(GAME, None, 2, seed)
    while match.result is None:
        (seat,) = GAME.turn(match.data)
        action = policies[seat].choose(GAME, match, seat)
        match = apply_action(GAME, match, seat, action.name, action.data).match
    return list(match.result.winners)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("hard_seat", [0, 1])
def test_hard_bot_never_loses_to_the_random_bot(hard_seat: int) -> None:
    hard = policy_for(GAME, "hard")
    assert isinstance(hard, MonteCarloPolicy) and hard.iterations == 1000
    policies = {hard_seat: hard, 1 - hard_seat: RandomPolicy()}
    lost: list[int] = []
    won = drawn = 0
    for seed in range(GAMES_PER_SEAT):
        winners = play_out(policies, seed)
        if winners == [hard_seat]:
            won += 1
        elif winners:
            lost.append(seed)
        else:
            drawn += 1
    assert lost == [], f"the hard bot lost from seat {hard_seat} with seeds {lost}"
    assert won + drawn == GAMES_PER_SEAT
    assert won > drawn, (won, drawn)
