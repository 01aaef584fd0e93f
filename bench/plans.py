"""How big and how long each workload runs: the full plan and the quick one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """Sizes, rates and durations of one benchmark run."""

    processes: int
    """Generator worker processes."""
    step_seconds: float
    """Length of one measured step."""
    drain_seconds: float
    """How long a relay step waits for late messages once nothing more arrives."""
    room_size: int
    """Clients per relay room."""
    relay_rooms: int
    """Relay rooms (all steps use the same connections)."""
    relay_rates: tuple[float, ...]
    """Messages per second per client, stepped up until a step fails."""
    relay_fixed_delivered: float
    """The moderate load (delivered/s) at which CPU per delivered message is measured."""
    p99_limit_ms: float
    """A relay step passes while p99 latency stays at or under this."""
    turn_pairs: tuple[int, ...]
    """Concurrent tic-tac-toe pairs, one step each."""
    idle_connections: int
    """Idle sockets held open in rooms."""
    idle_soak_seconds: float
    """How long the idle sockets are held before memory is read."""
    storm_guests: int
    """Guests entering the matchmaking queue at once."""
    storm_timeout: float
    """Seconds the storm may take before the unmatched count as errors."""


FULL = Plan(
    processes=2,
    step_seconds=10.0,
    drain_seconds=2.0,
    room_size=8,
    relay_rooms=64,
    relay_rates=(2, 5, 10, 20, 30, 40, 60, 80, 120, 160),
    relay_fixed_delivered=20_000,
    p99_limit_ms=50.0,
    turn_pairs=(8, 32, 128),
    idle_connections=2000,
    idle_soak_seconds=10.0,
    storm_guests=1000,
    storm_timeout=60.0,
)

QUICK = Plan(
    processes=2,
    step_seconds=1.5,
    drain_seconds=1.0,
    room_size=8,
    relay_rooms=4,
    relay_rates=(5, 10, 20),
    relay_fixed_delivered=1_000,
    p99_limit_ms=50.0,
    turn_pairs=(4,),
    idle_connections=64,
    idle_soak_seconds=1.0,
    storm_guests=100,
    storm_timeout=30.0,
)

SMOKE = Plan(
    processes=2,
    step_seconds=0.5,
    drain_seconds=2.0,
    room_size=8,
    relay_rooms=2,
    relay_rates=(5,),
    relay_fixed_delivered=300,
    p99_limit_ms=50.0,
    turn_pairs=(2,),
    idle_connections=16,
    idle_soak_seconds=0.2,
    storm_guests=20,
    storm_timeout=20.0,
)
"""Seconds in all: checks that the harness works, measures nothing worth keeping."""
