"""`/healthz` tells a balancer the truth: 503 while the store does not answer, 200 again once it
does, without restarting the server."""

from __future__ import annotations

from gamerooms.testing import running_server
from tests.integration.outages import health, health_becomes, private_redis


async def test_healthz_fails_while_redis_is_down_and_recovers_by_itself() -> None:
    with private_redis() as redis, running_server(env={"REDIS_URL": redis.url}) as server:
        status, body = await health(server)
        assert (status, body["status"], body["store"]) == (200, "ok", "redis")
        redis.stop()
        down = await health_becomes(server, 503)
        assert down["status"] == "unavailable" and down["store"] == "redis", down
        redis.start()
        assert (await health_becomes(server, 200))["status"] == "ok"


async def test_healthz_answers_on_the_embedded_default() -> None:
    with running_server() as server:
        status, body = await health(server)
    assert (status, body["status"], body["store"]) == (200, "ok", "memory")
