"""Idle soak: sockets sit in rooms doing nothing; the server's memory per socket."""

from __future__ import annotations

import math
import time
from typing import Any

from bench.procstat import sample
from bench.workloads.base import Context, done, relay_members, row, shares

SESSION = "bench.sessions.relay:RelayClients"
SETTLE_SECONDS = 0.5
"""Pause after the warm-up room (one per worker) closes, before the baseline is read."""


def run(ctx: Context) -> list[dict[str, Any]]:
    """Open and close one room per worker (warm-up), then open the sockets, hold them for the
    soak, and read the server's RSS before and after."""
    plan, pool = ctx.plan, ctx.pool
    rooms = math.ceil(plan.idle_connections / plan.room_size)
    members = relay_members(ctx, pool.size + rooms)
    warmup, members = members[: pool.size], members[pool.size :]
    pool.new(SESSION, shares(ctx.running.kind, "rooms", warmup, pool.size))
    pool.call("open")
    pool.call("close")
    time.sleep(SETTLE_SECONDS)
    before = sample(ctx.running.pids)
    pool.new(SESSION, shares(ctx.running.kind, "rooms", members, pool.size))
    try:
        connected = sum(status["connected"] for status in pool.call("open"))
        opened = sample(ctx.running.pids)
        time.sleep(plan.idle_soak_seconds)
        statuses = pool.call("status")
        after = sample(ctx.running.pids)
    finally:
        pool.call("close")
    alive = sum(status["connected"] for status in statuses)
    clients = rooms * plan.room_size
    per_socket = (after.rss - before.rss) / clients / 1024 if clients else 0.0
    soak_cpu = 100.0 * (after.cpu - opened.cpu) / (after.at - opened.at)
    return [
        done(
            row(
                ctx,
                "idle",
                f"{clients} sockets",
                clients=clients,
                rooms=rooms,
                errors=(clients - connected) + (connected - alive),
                server_cpu_pct=round(soak_cpu, 1),
                server_rss_mb=round(after.rss / 2**20, 1),
                rss_before_mb=round(before.rss / 2**20, 1),
                rss_per_conn_kb=round(per_socket, 2),
                connect_seconds=round(opened.at - before.at, 3),
                passed=alive == clients,
            )
        )
    ]
