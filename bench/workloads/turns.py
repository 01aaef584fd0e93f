"""Turns: pairs play tic-tac-toe back to back; moves/s and move-to-update latency."""

from __future__ import annotations

import math
from typing import Any

from bench import provision
from bench.workloads.base import Context, done, measure, row, shares, window_fields

SESSION = "bench.sessions.turns:TurnClients"
ROOM_BLOCK = 1_000_000
"""Colyseus room numbers reserved per pair and step."""


def run(ctx: Context) -> list[dict[str, Any]]:
    """One step per pair count in the plan."""
    rows = []
    players = None
    if ctx.running.kind == "gamerooms":
        players = provision.guests(ctx.running, 2 * max(ctx.plan.turn_pairs))
    for number, pairs in enumerate(ctx.plan.turn_pairs):
        specs = _pairs(ctx, number, pairs, players)
        ctx.pool.new(SESSION, shares(ctx.running.kind, "pairs", specs, ctx.pool.size))
        try:
            window = measure(ctx, "step", ctx.plan.step_seconds)
        finally:
            ctx.pool.call("close")
        seconds = ctx.plan.step_seconds
        moves, exhausted = window.total("moves"), window.total("exhausted")
        note = f"{exhausted} pairs ran out of matches made beforehand" if exhausted else ""
        rows.append(
            done(
                row(
                    ctx,
                    "turns",
                    f"{pairs} pairs",
                    clients=2 * pairs,
                    rooms=pairs,
                    sent_per_s=round(moves / seconds, 1),
                    delivered_per_s=round(moves / seconds, 1),
                    **window.latency(),
                    errors=window.total("errors"),
                    **window_fields(window),
                    moves_per_s=round(moves / seconds, 1),
                    games=window.total("games"),
                    passed=window.total("errors") == 0,
                    note=note,
                )
            )
        )
    return rows


def _pairs(ctx: Context, number: int, pairs: int, players: Any) -> list[dict[str, Any]]:
    """Each pair's spec for the session: gamerooms pairs get their matches made now."""
    running = ctx.running
    if running.kind != "gamerooms":
        first = number * pairs * ROOM_BLOCK
        return [
            {"base": running.http[0], "first_room": first + i * ROOM_BLOCK} for i in range(pairs)
        ]
    per_pair = max(5, math.ceil(ctx.plan.turn_games_per_step / pairs))
    seatings = [
        [players[2 * i].id, players[2 * i + 1].id] for i in range(pairs) for _ in range(per_pair)
    ]
    ids = provision.matches(running, "tictactoe", seatings)
    bases = running.ws
    return [
        {
            "bases": [bases[0], bases[-1]],
            "tokens": [players[2 * i].access, players[2 * i + 1].access],
            "matches": ids[i * per_pair : (i + 1) * per_pair],
        }
        for i in range(pairs)
    ]
