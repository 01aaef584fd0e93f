"""Join storm: every guest enters matchmaking at once; time until all are matched, and errors."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bench import provision
from bench.stats import summarize
from bench.workloads.base import Context, done, measure, row, shares, window_fields

SESSION = "bench.sessions.storm:StormClients"
MATCH_SIZE = 2
"""Players per tic-tac-toe match (Colyseus: per duel room)."""


def run(ctx: Context) -> list[dict[str, Any]]:
    """One storm of `plan.storm_guests` guests (tokens made beforehand, not timed)."""
    plan, pool, running = ctx.plan, ctx.pool, ctx.running
    members = _members(ctx)
    pool.new(SESSION, shares(running.kind, "members", members, pool.size))
    try:
        window = measure(ctx, "step", None, timeout=plan.storm_timeout)
    finally:
        pool.call("close")
    matched = [item for result in window.results for item in result["matched"]]
    failures = [item for result in window.results for item in result["failures"]]
    by_match: dict[str, set[str]] = defaultdict(set)
    for who, match, _ in matched:
        by_match[match].add(who)
    seated = [who for players in by_match.values() for who in players]
    bad_matches = sum(1 for players in by_match.values() if len(players) != MATCH_SIZE)
    twice = len(seated) - len(set(seated))
    times = [seconds for _, _, seconds in matched]
    last = max(times, default=float("nan"))
    errors = len(failures) + bad_matches + twice
    return [
        done(
            row(
                ctx,
                "storm",
                f"{len(members)} guests",
                clients=len(members),
                rooms=len(by_match),
                sent_per_s=round(len(members) / last, 1) if matched else 0.0,
                delivered_per_s=round(len(matched) / last, 1) if matched else 0.0,
                **summarize([times]),
                lost=len(members) - len(matched),
                errors=errors,
                **window_fields(window),
                time_to_all_matched_s=round(last, 3) if len(matched) == len(members) else None,
                passed=errors == 0 and len(matched) == len(members),
                note="; ".join(sorted(set(failures))[:3]),
            )
        )
    ]


def _members(ctx: Context) -> list[dict[str, Any]]:
    running, count = ctx.running, ctx.plan.storm_guests
    if running.kind == "colyseus":
        return [{"base": running.http[0], "who": f"c{i}"} for i in range(count)]
    players = provision.guests(running, count)
    bases = running.ws
    return [
        {"base": bases[i % len(bases)], "token": player.access, "who": player.id}
        for i, player in enumerate(players)
    ]
