"""Relay: rooms of 8 chat at a fixed rate per client; the rate steps up until a step fails."""

from __future__ import annotations

from typing import Any

from bench.workloads.base import Context, done, measure, relay_members, row, shares, window_fields

SESSION = "bench.sessions.relay:RelayClients"
WARMUP_SECONDS = 1.0


def run(ctx: Context) -> list[dict[str, Any]]:
    """A fixed moderate load (CPU per delivered message), then rising rates until p99 exceeds
    the limit, messages are lost, or errors appear."""
    plan, pool = ctx.plan, ctx.pool
    rooms = relay_members(ctx, plan.relay_rooms)
    pool.new(SESSION, shares(ctx.running.kind, "rooms", rooms, pool.size))
    try:
        pool.call("open")
        clients = plan.relay_rooms * plan.room_size
        fixed = plan.relay_fixed_delivered / (clients * (plan.room_size - 1))
        _step(ctx, fixed, min(WARMUP_SECONDS, plan.step_seconds))
        rows = [done(_step(ctx, fixed, plan.step_seconds, "fixed"))]
        for rate in plan.relay_rates:
            rows.append(done(_step(ctx, rate, plan.step_seconds, f"{rate:g}/s")))
            if not rows[-1]["passed"]:
                break
        return rows
    finally:
        pool.call("close")


def _step(ctx: Context, rate: float, seconds: float, label: str = "") -> dict[str, Any]:
    """One step at `rate` messages/s per client; its row."""
    plan = ctx.plan
    window = measure(ctx, "step", seconds, rate=rate, drain=plan.drain_seconds)
    clients = plan.relay_rooms * plan.room_size
    sent, expected = window.total("sent"), window.total("expected")
    received, in_window = window.total("received"), window.total("received_in_window")
    errors = window.total("errors") + window.total("dropped")
    latency = window.latency()
    offered_sent = rate * clients
    lost = max(0, expected - received)
    notes = []
    if sent < 0.9 * offered_sent * seconds:
        notes.append("offered rate not sent (server backpressure or generator CPU)")
    p99 = latency["p99_ms"]
    passed = not notes and lost == 0 and errors == 0 and p99 == p99 and p99 <= plan.p99_limit_ms

    return row(
        ctx,
        "relay",
        label,
        clients=clients,
        rooms=plan.relay_rooms,
        offered_per_s=round(offered_sent * (plan.room_size - 1), 1),
        sent_per_s=round(sent / seconds, 1),
        delivered_per_s=round(in_window / seconds, 1),
        **latency,
        lost=lost,
        errors=errors,
        **window_fields(window),
        **window.per_unit_us(in_window, "msg"),
        passed=passed,
        note="; ".join(notes),
    )
