"""Turns: pairs make a match and play tic-tac-toe, game after game; moves/s, games/s and the
latency from a move's send to the opponent's update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench import provision
from bench.stats import summarize
from bench.workloads.base import Context, Window, done, measure, row, shares, window_fields
from gamerooms.client import Guest

SESSION = "bench.sessions.turns:TurnClients"
ROOM_BLOCK = 1_000_000
"""Colyseus room numbers reserved per pair and step."""


def run(ctx: Context) -> list[dict[str, Any]]:
    """One step per pair count in the plan (gamerooms guests made beforehand, not timed)."""
    rows = []
    players: list[Guest] = []
    if ctx.running.kind == "gamerooms":
        players = provision.guests(ctx.running, 2 * max(ctx.plan.turn_pairs))
    for number, pairs in enumerate(ctx.plan.turn_pairs):
        specs = _pairs(ctx, number, pairs, players)
        ctx.pool.new(SESSION, shares(ctx.running.kind, "pairs", specs, ctx.pool.size))
        try:
            window = measure(ctx, "step", ctx.plan.step_seconds)
        finally:
            ctx.pool.call("close")
        rows.append(done(_row(ctx, pairs, window)))
    return rows


def _row(ctx: Context, pairs: int, window: Window) -> dict[str, Any]:
    """The step's row: moves and games per second, move latency, errors. Moves an opponent
    found in its match.state (it connected after them) count, but have no latency."""
    seconds = ctx.plan.step_seconds
    latencies = _latencies(window.results)
    untimed = window.total("untimed")
    moves_per_s = round((len(latencies) + untimed) / seconds, 1)
    games, errors = window.total("games"), window.total("errors")
    return row(
        ctx,
        "turns",
        f"{pairs} pairs",
        clients=2 * pairs,
        rooms=pairs,
        sent_per_s=moves_per_s,
        delivered_per_s=moves_per_s,
        **summarize([latencies]),
        errors=errors,
        **window_fields(window),
        moves_per_s=moves_per_s,
        untimed_moves=untimed,
        games=games,
        games_per_s=round(games / seconds, 1),
        **window.per_unit_us(len(latencies) + untimed, "move"),
        passed=errors == 0,
    )


def _latencies(results: Sequence[dict[str, Any]]) -> list[float]:
    """Each move's receipt by the opponent minus its send, in seconds: the two stamps of a move
    may come from different workers."""
    sent = {move: at for result in results for move, at in result["sent"].items()}
    return [
        at - sent[move]
        for result in results
        for move, at in result["received"].items()
        if move in sent
    ]


def _pairs(ctx: Context, number: int, pairs: int, players: list[Guest]) -> list[dict[str, Any]]:
    """Each pair's spec for the session: on gamerooms its two clients' servers and tokens."""
    running = ctx.running
    if running.kind != "gamerooms":
        first = number * pairs * ROOM_BLOCK
        return [
            {"base": running.http[0], "first_room": first + i * ROOM_BLOCK} for i in range(pairs)
        ]
    bases = running.ws
    return [
        {
            "bases": [bases[0], bases[-1]],
            "tokens": [players[2 * i].access, players[2 * i + 1].access],
        }
        for i in range(pairs)
    ]
