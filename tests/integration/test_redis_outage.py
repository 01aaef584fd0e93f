"""Redis stopped mid-match and started again under two `gamerooms serve` processes: open game
sockets close 1013 (a request the store could not answer gets its `unavailable` error first),
new sockets are refused 1013 at once, /healthz answers 503, and once Redis is back the servers
serve again by themselves: clients reconnect to the same state and version and play on
(docs/deploying.md)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gamerooms.testing import GameClient, ServerProcess, running_server
from tests.integration.conftest import guests
from tests.integration.kit import frames_until_close, join, match_path, next_frame, place
from tests.integration.outages import (
    HEARTBEAT,
    PROCESS_TTL,
    PrivateRedis,
    assert_unavailable,
    health,
    health_becomes,
    lease_env,
    private_cluster,
    private_redis,
    reconnect,
)
from tests.support import LocalCluster

REFUSED_WITHIN = 2.0
"""Seconds within which a socket opened while Redis is down is refused."""
SLACK = 15.0
"""Seconds a close or a recovery may take on a busy machine before the test fails."""
HEALTH_EVERY = 0.25
"""Seconds between two looks at /healthz while Redis is down."""


@pytest.fixture
def redis(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PrivateRedis | LocalCluster]:
    """A redis-server (or a 3-master Redis Cluster) of this test's own that keeps its data
    across a restart."""
    if request.param == "redis-cluster":
        with private_cluster(str(tmp_path)) as cluster:
            yield cluster
        return
    with private_redis(str(tmp_path)) as server:
        yield server


async def stay_down(servers: tuple[ServerProcess, ...], seconds: float) -> None:
    """Keep Redis down this long, every server answering /healthz 503 all along."""
    checks = max(1, round(seconds / HEALTH_EVERY))
    for _ in range(checks):
        for server in servers:
            assert (await health(server))[0] == 503
        await asyncio.sleep(seconds / checks)


@pytest.mark.parametrize(
    ("redis", "outage"),
    [("redis", 0.0), ("redis", 2 * (PROCESS_TTL + HEARTBEAT)), ("redis-cluster", 0.0)],
    ids=["brief", "long", "brief-on-a-cluster"],
    indirect=["redis"],
)
async def test_a_redis_outage_closes_sockets_1013_and_play_goes_on_once_it_is_back(
    redis: PrivateRedis | LocalCluster, outage: float
) -> None:
    """Brief, or long enough for every heartbeat to lapse meanwhile; on a cluster, every node
    stops and starts again."""
    env = lease_env(redis.env)
    with (
        tempfile.TemporaryDirectory() as data,
        running_server(data, env) as a,
        running_server(data, env) as b,
    ):
        players = guests(a, 2)
        match_id = b.create_match("tictactoe", players)
        zero, _ = await join(a, match_id, players[0])
        one, _ = await join(b, match_id, players[1])
        assert (await zero.request("match.action", action="place", data={"cell": 4}))["version"]
        assert (await next_frame(one))["version"] == 1

        redis.stop()
        await place(one, 0, request_id="during")  # the store may be gone before it is answered
        frames, code = await frames_until_close(one, timeout=SLACK)
        assert code == 1013, (frames, code)
        assert_unavailable(frames, "during")
        assert await zero.closed(timeout=SLACK) == 1013

        for server in (a, b):
            opened = time.monotonic()
            newcomer = await GameClient.connect(
                server.ws_url(match_path(match_id), players[0].access)
            )
            frames, code = await frames_until_close(newcomer, timeout=REFUSED_WITHIN)
            assert code == 1013 and time.monotonic() - opened < REFUSED_WITHIN, (frames, code)
            assert_unavailable(frames, None)
        await stay_down((a, b), outage)

        redis.start()
        for server in (a, b):
            assert (await health_becomes(server, 200))["status"] == "ok"
        zero, state = await reconnect(a, match_id, players[0])
        one, _ = await reconnect(b, match_id, players[1])
        assert state["type"] == "match.state" and state["version"] == 1, state
        assert state["state"]["board"][4] == 0, state
        reply = await one.request("match.action", action="place", data={"cell": 0})
        assert reply["type"] == "match.update" and reply["version"] == 2, reply
        heard = await next_frame(zero)
        assert heard["type"] == "match.update" and heard["version"] == 2, heard
        await zero.close()
        await one.close()
