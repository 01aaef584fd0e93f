"""`/healthz` tells a balancer the truth: 503 while the store does not answer, 200 again once it
does, without restarting the server."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from typing import Any

import httpx
import pytest

from gamerooms.testing import ServerProcess, free_port, running_server
from tests.support import redis_url_or_skip

WAIT_SECONDS = 15.0


class PrivateRedis:
    """A memory-only redis-server of this test's own, which it stops and starts again."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._command = [binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        self._command += ["--save", "", "--appendonly", "no"]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT_SECONDS
        ping = ["redis-cli", "-p", str(self.port), "ping"]
        while subprocess.run(ping, capture_output=True, check=False).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop it (idempotent)."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=WAIT_SECONDS)
            self._process = None


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


async def test_healthz_fails_while_redis_is_down_and_recovers_by_itself() -> None:
    redis_url_or_skip()  # where the shared Redis runs, redis-server and redis-cli are installed
    redis = PrivateRedis()
    redis.start()
    try:
        with running_server(env={"REDIS_URL": redis.url}) as server:
            status, body = await health(server)
            assert (status, body["status"], body["store"]) == (200, "ok", "redis")
            redis.stop()
            down = await health_becomes(server, 503)
            assert down["status"] == "unavailable" and down["store"] == "redis", down
            redis.start()
            assert (await health_becomes(server, 200))["status"] == "ok"
    finally:
        redis.stop()


async def test_healthz_answers_on_the_embedded_default() -> None:
    with running_server() as server:
        status, body = await health(server)
    assert (status, body["status"], body["store"]) == (200, "ok", "memory")
