"""What every workload shares: the run context, measured windows and result rows."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.plans import Plan
from bench.pool import Pool, split
from bench.procstat import Sample, cpu_percent, sample
from bench.servers import Running
from bench.stats import summarize
from bench.wire import Member

LEAD = 0.3
"""Seconds between handing a step to the workers and its start."""


@dataclass
class Context:
    """The server under test, the generator's workers and the plan."""

    running: Running
    pool: Pool
    plan: Plan


@dataclass
class Window:
    """Worker results of one step and the server's CPU and memory around it."""

    results: list[dict[str, Any]]
    before: Sample
    after: Sample

    @property
    def seconds(self) -> float:
        """Wall time between the two samples."""
        return self.after.at - self.before.at

    @property
    def server_cpu_pct(self) -> float:
        """The server's CPU use over the window, in percent of one core."""
        return cpu_percent(self.before, self.after)

    @property
    def server_cpu_seconds(self) -> float:
        """The server's CPU seconds spent in the window."""
        return self.after.cpu - self.before.cpu

    def per_unit_us(self, units: int, what: str) -> dict[str, float | None]:
        """The server's CPU µs per unit of work (`cpu_us_per_{what}`), and each named part's
        (`{part}_us_per_{what}`)."""
        seconds = {"cpu": self.server_cpu_seconds}
        for name, after in self.after.parts.items():
            seconds[name] = after - self.before.parts[name]
        return {
            f"{name}_us_per_{what}": round(spent / units * 1e6, 2) if units else None
            for name, spent in seconds.items()
        }

    @property
    def gen_cpu_pct(self) -> float:
        """The generator's CPU use (all workers), in percent of one core."""
        return sum(float(result["cpu_pct"]) for result in self.results)

    def total(self, key: str) -> int:
        """A counter summed over the workers."""
        return sum(int(result[key]) for result in self.results)

    def latency(self) -> dict[str, float]:
        """p50, p99 and max of every worker's latencies, in ms."""
        return summarize(result["latencies"] for result in self.results)


def measure(ctx: Context, method: str, seconds: float | None, **kwargs: Any) -> Window:
    """Run a step on every worker; sample the server at its start and its end (its planned end,
    or when the workers answer if `seconds` is None)."""
    start_at = time.monotonic() + LEAD
    if seconds is None:
        ctx.pool.submit(method, start_at=start_at, **kwargs)
    else:
        ctx.pool.submit(method, start_at=start_at, seconds=seconds, **kwargs)
    time.sleep(max(0.0, start_at - time.monotonic()))
    running = ctx.running
    before = sample(running.pids, running.parts)
    if seconds is not None:
        time.sleep(max(0.0, start_at + seconds - time.monotonic()))
        after = sample(running.pids, running.parts)
        results = ctx.pool.collect()
    else:
        results = ctx.pool.collect()
        after = sample(running.pids, running.parts)
    return Window(results, before, after)


def row(ctx: Context, workload: str, step: str, **fields: Any) -> dict[str, Any]:
    """A result row with the columns every workload fills."""
    return blank_row(ctx.running.name, workload, step, **fields)


def done(result: dict[str, Any]) -> dict[str, Any]:
    """Print a one-line progress note for a finished step; the row itself."""
    figures = [
        f"{result['delivered_per_s']:.0f}/s" if result.get("delivered_per_s") else "",
        f"p99 {result['p99_ms']:.1f} ms" if result.get("p99_ms") is not None else "",
        f"lost {result['lost']}" if result.get("lost") else "",
        f"errors {result['errors']}" if result.get("errors") else "",
        "" if result.get("passed") else "FAILED",
    ]
    step = f"{result['server']} {result['workload']} {result['step']}"
    print(f"    {step}: {' '.join(filter(None, figures))}", flush=True)
    return result


def blank_row(server: str, workload: str, step: str, **fields: Any) -> dict[str, Any]:
    """A result row of a server with the columns every workload fills."""
    base: dict[str, Any] = {
        "server": server,
        "workload": workload,
        "step": step,
        "clients": 0,
        "rooms": 0,
        "offered_per_s": None,
        "sent_per_s": 0.0,
        "delivered_per_s": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "max_ms": None,
        "lost": 0,
        "errors": 0,
        "server_cpu_pct": None,
        "server_rss_mb": None,
        "gen_cpu_pct": None,
        "passed": True,
        "note": "",
    }
    base.update(fields)
    return base


def window_fields(window: Window) -> dict[str, Any]:
    """The server and generator columns of a row, from a window."""
    return {
        "server_cpu_pct": round(window.server_cpu_pct, 1),
        "server_rss_mb": round(window.after.rss / 2**20, 1),
        "gen_cpu_pct": round(window.gen_cpu_pct, 1),
        "seconds": round(window.seconds, 3),
    }


def relay_members(ctx: Context, rooms: int) -> list[list[Member]]:
    """Clients for `rooms` full relay rooms (for gamerooms: guests and rooms made now)."""
    from bench import provision

    running, size = ctx.running, ctx.plan.room_size
    if running.kind == "asgi":
        return [[Member("asgi", running.ws[0], str(r))] * size for r in range(rooms)]
    if running.kind == "colyseus":
        return [[Member("colyseus", running.http[0], str(r))] * size for r in range(rooms)]
    players = provision.guests(running, rooms * size)
    owners = players[::size]
    codes = provision.rooms(running, owners, "bench-relay", size)
    bases = running.ws
    return [
        [
            Member("gamerooms", bases[i % len(bases)], code, players[r * size + i].access)
            for i in range(size)
        ]
        for r, code in enumerate(codes)
    ]


def shares(kind: str, key: str, items: list[Any], parts: int) -> list[dict[str, Any]]:
    """One worker share per process: {"kind": kind, key: its slice of items}."""
    return [{"kind": kind, key: part} for part in split(items, parts)]
