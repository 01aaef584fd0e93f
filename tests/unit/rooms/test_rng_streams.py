"""What everyone sees of a match's draws (the seat order, a bot's choices) says nothing about
the game's own draws: each comes from an independent stream derived from the match's seed.

Seat order and the game used to share one stream, so the join order and the seats dealt
revealed Magnate's first die (and the top of a Blackjack shoe). Each test tallies a public draw
against a hidden one over a fixed set of seeds and applies Pearson's chi-squared test of
independence; the seeds are fixed, so the outcome is too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from gamerooms.engine import SeededRandom, apply_action, decision_rng, start_match
from gamerooms.games.blackjack import Blackjack
from gamerooms.games.magnate import Magnate
from gamerooms.rooms.matches import seat_order

SEEDS = range(3000)
CRITICAL_DF15 = 37.70
"""The chi-squared value of 15 degrees of freedom exceeded with probability 0.001."""


def chi_squared(tally: Counter[tuple[Any, Any]]) -> tuple[float, int]:
    """Pearson's statistic of independence for a (row, column) tally, and its degrees of freedom."""
    total = sum(tally.values())
    rows, columns = Counter[Any](), Counter[Any]()
    for (row, column), count in tally.items():
        rows[row] += count
        columns[column] += count
    statistic = 0.0
    for row in rows:
        for column in columns:
            expected = rows[row] * columns[column] / total
            statistic += (tally[(row, column)] - expected) ** 2 / expected
    return statistic, (len(rows) - 1) * (len(columns) - 1)


def first_die(seed: int) -> int:
    """The first die of seat 0's first roll in a four-seat Magnate match."""
    game = Magnate()
    applied = apply_action(game, start_match(game, {}, 4, seed), 0, "roll", {})
    rolled = next(event for event in applied.events if event["type"] == "rolled")
    die: int = rolled["dice"][0]
    return die


def first_joiners_seat(seed: int) -> int:
    """Where the room's first player sits once the seed has drawn the seat order."""
    players = [{"id": f"p{number}"} for number in range(4)]
    return [player["id"] for player in seat_order(players, seed)].index("p0")


def test_the_seat_order_says_nothing_about_magnates_first_die() -> None:
    tally = Counter((first_joiners_seat(seed), first_die(seed)) for seed in SEEDS)
    statistic, freedom = chi_squared(tally)
    assert freedom == 15
    assert statistic < CRITICAL_DF15, statistic


def test_one_shared_stream_would_fail_the_same_test() -> None:
    """The test has the power to see the old leak: seats drawn from the game's own stream."""

    def shared_stream_seat(seed: int) -> int:
        order = list(range(4))
        SeededRandom(seed).shuffle(order)
        return order.index(0)

    tally = Counter((shared_stream_seat(seed), first_die(seed)) for seed in SEEDS)
    assert chi_squared(tally)[0] > 10 * CRITICAL_DF15


def test_the_seat_order_says_nothing_about_the_top_of_the_shoe() -> None:
    game = Blackjack()
    tally: Counter[tuple[int, str]] = Counter()
    for seed in SEEDS:
        table = start_match(game, {"decks": 1}, 4, seed).data
        top = table.shoe[-1]  # drawn from its end: seat 0's first card
        ace_or_ten = "high" if top[0] in "ATJQK" else "low"
        tally[(first_joiners_seat(seed), ace_or_ten)] += 1
    statistic, freedom = chi_squared(tally)
    assert freedom == 3
    assert statistic < 16.27, statistic  # df 3, p = 0.001


def test_a_bots_draws_say_nothing_about_the_games() -> None:
    game = Magnate()
    tally: Counter[tuple[int, int]] = Counter()
    for seed in SEEDS:
        match = start_match(game, {}, 4, seed)
        bot_draw = 1 + int(6 * decision_rng(match, 0).random())
        tally[(bot_draw, first_die(seed))] += 1
    statistic, freedom = chi_squared(tally)
    assert freedom == 25
    assert statistic < 52.62, statistic  # df 25, p = 0.001
