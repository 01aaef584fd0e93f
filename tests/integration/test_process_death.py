"""Two `gamerooms serve` processes on a private Redis, one of them killed (`kill -9`) or hung
(SIGSTOP): the survivor cleans up after it within the heartbeat's bound (docs/deploying.md).
Heartbeats are short here, so the bound is a couple of seconds.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.integration.conftest import guests
from tests.integration.kit import frames_until_close, join
from tests.integration.outages import (
    HEARTBEAT,
    PROCESS_TTL,
    lease_env,
    private_redis,
    reconnect,
)
from tests.integration.rooms_kit import join_room, new_room, next_about, open_lobby
from tests.support import cluster_env

GRACE = 2.0
SEAT_GRACE = 1.0
BOUND = PROCESS_TTL + HEARTBEAT
SLACK = 5.0
"""Seconds a frame may take beyond its due time on a busy machine before the test fails."""

Pair = tuple[ServerProcess, ServerProcess]


ON_BOTH = pytest.mark.parametrize("redis", ["standalone", "cluster"], indirect=True)
"""Runs a test on a private Redis and on the test Redis Cluster."""


@pytest.fixture(scope="module")
def redis(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The servers' store environment: a redis-server of this module's own, or (param
    "cluster") the test Redis Cluster under a prefix of this module's own."""
    if getattr(request, "param", "standalone") == "cluster":
        yield cluster_env()
        return
    with private_redis() as server:
        yield server.env


@contextmanager
def two_processes(redis: dict[str, str]) -> Iterator[Pair]:
    """Processes A and B on the store, one data folder, short heartbeats and graces."""
    env = lease_env(redis, MATCH_GRACE_SECONDS=GRACE, ROOM_SEAT_GRACE_SECONDS=SEAT_GRACE)
    with (
        tempfile.TemporaryDirectory() as data,
        running_server(data, env) as first,
        running_server(data, env) as second,
    ):
        yield first, second


def waiting(queued: int) -> dict[str, Any]:
    """A tic-tac-toe queue's count."""
    return {"type": "queue.waiting", "queued": queued, "needed": 2}


def queue_url(server: ServerProcess, player: Guest) -> str:
    """The URL of `player`'s tic-tac-toe queue socket."""
    return server.ws_url("/ws/queue/tictactoe/", player.access)


@ON_BOTH
async def test_a_killed_process_s_seat_is_dropped_then_paused(redis: dict[str, str]) -> None:
    with two_processes(redis) as (a, b):
        players = guests(a, 2)
        match_id = b.create_match("tictactoe", players)
        zero, _ = await join(a, match_id, players[0])
        one, state = await join(b, match_id, players[1])
        assert [p["connected"] for p in state["players"]] == [True, True]

        a.kill()
        killed = time.monotonic()
        dropped = await one.wait_for("match.player_disconnected", timeout=BOUND + SLACK)
        assert dropped["seat"] == 0, dropped
        assert time.monotonic() - killed < BOUND + SLACK
        paused = await one.wait_for("match.paused", timeout=GRACE + SLACK)
        assert (paused["seat"], paused["reason"]) == (0, "timeout"), paused

        again, state = await join(b, match_id, players[0])  # seat 0 comes back, on B
        assert state["status"] == "active" and state["version"] == 0, state
        resumed = await one.wait_for("match.resumed")
        assert resumed["seat"] == 0 and resumed["player"]["id"] == players[0].id
        await again.close()
        await one.close()
        await zero.close()


async def test_a_hung_process_is_cleaned_up_after_once_its_heartbeat_lapses(
    redis: dict[str, str],
) -> None:
    """A stopped process keeps its connections open: its heartbeat's TTL gives it away. Once it
    runs again, it finds its heartbeat lapsed and closes its sockets 1013."""
    with two_processes(redis) as (a, b):
        players = guests(a, 2)
        match_id = b.create_match("tictactoe", players)
        zero, _ = await join(a, match_id, players[0])
        one, _ = await join(b, match_id, players[1])

        os.kill(a.pid, signal.SIGSTOP)
        try:
            dropped = await one.wait_for("match.player_disconnected", timeout=BOUND + SLACK)
            assert dropped["seat"] == 0, dropped
        finally:
            os.kill(a.pid, signal.SIGCONT)
        assert await zero.closed(timeout=SLACK) == 1013
        again, state = await reconnect(a, match_id, players[0])  # once A serves again
        assert [p["connected"] for p in state["players"]] == [True, True], state
        assert (await one.wait_for("match.player_reconnected"))["seat"] == 0
        await again.close()
        await one.close()


@ON_BOTH
async def test_a_player_queued_on_a_killed_process_is_never_matched(
    redis: dict[str, str],
) -> None:
    with two_processes(redis) as (a, b):
        ghost, waiter, newcomer = guests(a, 3)
        queued = await GameClient.connect(queue_url(a, ghost))
        assert await queued.expect("queue.waiting") == waiting(1)
        a.kill()

        first = await GameClient.connect(queue_url(b, waiter))
        assert await first.expect("queue.waiting") == waiting(1)  # waits: A is gone, or going
        second = await GameClient.connect(queue_url(b, newcomer))
        found = []
        for client in (first, second):
            frames, code = await frames_until_close(client, timeout=BOUND + SLACK)
            assert code == 4001 and frames[-1]["type"] == "match.found", frames
            found.append(frames[-1]["match_id"])
        assert found[0] == found[1]
        state = (await join(b, found[0], waiter))[1]
        assert {p["player"]["id"] for p in state["players"]} == {waiter.id, newcomer.id}


async def test_a_killed_process_s_room_member_loses_the_seat_and_its_draft_ends(
    redis: dict[str, str],
) -> None:
    with two_processes(redis) as (a, b):
        owner, member, drafter = guests(a, 3)
        room = await new_room(b, owner)
        owners, _ = await join_room(b, owner, room["id"])
        await join_room(a, member, room["id"])
        assert (await owners.expect("room.player_joined"))["player"] == member.player
        watcher, _ = await open_lobby(b, owner)
        drafting, _ = await open_lobby(a, drafter)
        await drafting.send("room.drafting")
        pending = await next_about(watcher, {drafter.id})
        assert pending["type"] == "lobby.room_pending", pending

        a.kill()
        cancelled = await next_about(watcher, {pending["pending_id"]}, timeout=BOUND + SLACK)
        assert cancelled["type"] == "lobby.room_pending_cancelled", cancelled
        left = await owners.receive(timeout=BOUND + SEAT_GRACE + SLACK)
        assert left["type"] == "room.player_left" and left["player_id"] == member.id, left
        await owners.send("room.leave")
        assert await owners.closed() == 4000
        await watcher.close()
