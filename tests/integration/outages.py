"""Outages for the tests to cause: a redis-server of a test's own, which it may stop and start
again, what /healthz says meanwhile, and a client that reconnects until it is served again."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from gamerooms.testing import Closed, GameClient, Guest, ServerProcess, free_port
from tests.support import (
    LocalCluster,
    redis_server_command,
    redis_server_or_skip,
    redis_url_or_skip,
    wait_for_redis,
)

WAIT_SECONDS = 15.0
RECONNECT_DELAY = 0.2
"""A reconnecting client's pause between attempts."""


class PrivateRedis:
    """A redis-server on a free port, memory-only, or keeping its data in `directory` across
    restarts (every write on disk before it is answered); skips the calling test when
    redis-server is absent."""

    def __init__(self, directory: str | None = None) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        persistence = ["--appendonly", "no"]
        if directory is not None:
            persistence = ["--dir", directory, "--appendonly", "yes", "--appendfsync", "always"]
        self._command = redis_server_command(redis_server_or_skip(), self.port, *persistence)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """A server's environment on this Redis."""
        return {"REDIS_URL": self.url}

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL)
        wait_for_redis(self.port)

    def stop(self) -> None:
        """Stop it (idempotent)."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=WAIT_SECONDS)
            self._process = None


@contextmanager
def private_redis(directory: str | None = None) -> Iterator[PrivateRedis]:
    """A redis-server of the test's own (keeping its data across restarts in `directory`, if
    given) for the duration of the block."""
    redis_url_or_skip()  # where the shared Redis runs, redis-server is installed
    redis = PrivateRedis(directory)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def private_cluster(directory: str) -> Iterator[LocalCluster]:
    """A 3-master Redis Cluster of the test's own, keeping its data across restarts in
    `directory`, for the duration of the block."""
    cluster = LocalCluster(redis_server_or_skip(), directory, persistent=True)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


async def health(server: ServerProcess) -> tuple[int, dict[str, Any]]:
    """The status and body of /healthz."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        response = await http.get("/healthz")
    return response.status_code, response.json()


async def health_becomes(server: ServerProcess, wanted: int) -> dict[str, Any]:
    """Poll /healthz until it answers `wanted` (a Redis coming and going can't be awaited)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status, body = await health(server)
        if status == wanted:
            return body
        assert time.monotonic() < deadline, (status, body)
        await asyncio.sleep(0.1)


def assert_unavailable(frames: list[dict[str, Any]], request_id: str | None = None) -> None:
    """Frames before a 1013 close: none, or the `unavailable` answer (to the request)."""
    for frame in frames:
        assert frame["type"] == "error" and frame["code"] == "unavailable", frame
        assert frame.get("id") == request_id, frame


async def reconnect(
    server: ServerProcess, match_id: str, player: Guest
) -> tuple[GameClient, dict[str, Any]]:
    """A match socket of `player` and its match.state, once `server` serves again: until then
    it refuses sockets (`unavailable`, 1013) and the client tries again, as a browser's would."""
    deadline = time.monotonic() + WAIT_SECONDS
    url = server.ws_url(f"/ws/matches/{match_id}/", player.access)
    while True:
        client = await GameClient.connect(url)
        try:
            first = await client.receive()
            if first["type"] != "error":
                return client, first
            assert_unavailable([first])
            await client.receive()
        except Closed as closed:
            assert closed.code == 1013, closed.code
        assert time.monotonic() < deadline, "the server never served again"
        await asyncio.sleep(RECONNECT_DELAY)


HEARTBEAT = 0.5
"""Seconds between heartbeats in these tests."""
PROCESS_TTL = 1.5
"""Seconds a test process's heartbeat outlives it."""


def lease_env(store: Mapping[str, str], **seconds: float) -> dict[str, str]:
    """A server's environment on the `store` environment (a private Redis's `env`, or
    `tests.support.cluster_env()`), with short heartbeats and the given `GAMEROOMS_<NAME>`
    durations (e.g. MATCH_GRACE_SECONDS=1)."""
    env = {
        **store,
        "GAMEROOMS_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "GAMEROOMS_PROCESS_TTL_SECONDS": str(PROCESS_TTL),
    }
    return env | {f"GAMEROOMS_{name}": str(value) for name, value in seconds.items()}
