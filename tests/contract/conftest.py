"""Fixtures for the Store contract suite: each test runs against every Store implementation.

`tests.support.redis_url_or_skip()` decides whether Redis tests run (an unreachable server
skips them, or fails them when ``GAMEROOMS_REQUIRE_REDIS=1``); the Redis Cluster ones run on
`tests.support.redis_cluster_url_or_skip()`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gamerooms.rooms.ports import Store
from gamerooms.store.memory import MemoryStore
from gamerooms.store.state_file import StateFile
from tests.support import redis_cluster_url_or_skip, redis_url_or_skip

TIMEOUT = 10.0
"""Seconds any single wait in these tests may take before it counts as a failure."""


def unique_prefix() -> str:
    """A key and channel prefix no other test run shares."""
    return f"gamerooms-test:{uuid.uuid4().hex}:"


async def delete_keys(url: str, prefix: str, *, cluster: bool = False) -> None:
    """Remove every key a test left under `prefix` (its coordination keys start with
    ``{prefix}`` on a cluster)."""
    from redis.asyncio import Redis
    from redis.asyncio.cluster import RedisCluster

    if not cluster:
        client = Redis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
        return
    nodes = RedisCluster.from_url(url)
    try:
        for pattern in (f"{prefix}*", f"{{{prefix}*"):
            found = nodes.scan_iter(match=pattern, count=500, target_nodes=RedisCluster.PRIMARIES)
            for key in [key async for key in found]:
                await nodes.delete(key)
    finally:
        await nodes.aclose()


def redis_store_url(name: str) -> str:
    """The URL a `store` fixture of that name ("redis", "redis-cluster") connects to."""
    return redis_cluster_url_or_skip() if name == "redis-cluster" else redis_url_or_skip()


@pytest.fixture
def redis_url() -> str:
    """The Redis URL for Redis-only tests (skipped when Redis is absent)."""
    return redis_url_or_skip()


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A unique prefix whose keys are deleted after the test."""
    prefix = unique_prefix()
    yield prefix
    await delete_keys(redis_url, prefix)


@pytest.fixture(
    params=[
        "memory",
        "memory-on-file",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-cluster", marks=pytest.mark.redis),
    ]
)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, empty Store of each implementation (memory, memory kept in a state file, Redis,
    Redis Cluster)."""
    if request.param.startswith("memory"):
        on_file = request.param == "memory-on-file"
        memory = MemoryStore(state=StateFile(tmp_path / "state.sqlite3") if on_file else None)
        yield memory
        await memory.close()
        return
    from gamerooms.store.redis import RedisStore

    cluster = request.param == "redis-cluster"
    url = redis_store_url(request.param)
    prefix = unique_prefix()
    redis_store = RedisStore(url, prefix=prefix, cluster=cluster)
    try:
        yield redis_store
    finally:
        await redis_store.close()
        await delete_keys(url, prefix, cluster=cluster)


@pytest.fixture
async def peer(store: Store) -> AsyncIterator[Store]:
    """A second handle on the same data, as another server process would hold it.

    For Redis: another RedisStore with the same prefix (its own connection pool and pub/sub
    connection; on a cluster, through another node's URL). For memory, which is single-process by
    design: the same store.
    """
    if isinstance(store, MemoryStore):
        yield store
        return
    from gamerooms.store.redis import RedisStore

    assert isinstance(store, RedisStore)
    url = (
        await other_node_url(redis_cluster_url_or_skip()) if store.cluster else redis_url_or_skip()
    )
    other = RedisStore(url, prefix=store.prefix, cluster=store.cluster)
    try:
        yield other
    finally:
        await other.close()


async def other_node_url(url: str) -> str:
    """The URL of another master of the cluster that `url` names."""
    from redis.asyncio.cluster import RedisCluster

    parts = urlsplit(url)
    nodes = RedisCluster.from_url(url)
    try:
        await nodes.initialize()
        given = f"{parts.hostname}:{parts.port or 6379}"
        other = next(node for node in nodes.get_primaries() if node.name != given)
    finally:
        await nodes.aclose()
    return f"redis://{other.host}:{other.port}/0"


class Collector:
    """A listener that records payloads and lets a test await them (with a timeout)."""

    def __init__(self, name: str = "", log: list[tuple[str, bytes]] | None = None) -> None:
        self.name = name
        self.payloads: list[bytes] = []
        self._log = log
        self._arrived = asyncio.Event()

    def __call__(self, payload: bytes) -> None:
        self.payloads.append(payload)
        if self._log is not None:
            self._log.append((self.name, payload))
        self._arrived.set()

    async def wait_for_count(self, count: int, timeout: float = TIMEOUT) -> list[bytes]:
        """Wait until at least `count` payloads arrived; all payloads so far."""

        async def enough() -> None:
            while len(self.payloads) < count:
                self._arrived.clear()
                await self._arrived.wait()

        try:
            await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            pytest.fail(f"{self.name or 'listener'}: {len(self.payloads)} of {count} payloads")
        return self.payloads

    async def wait_for_payload(self, payload: bytes, timeout: float = TIMEOUT) -> list[bytes]:
        """Wait until `payload` arrived; all payloads so far."""

        async def arrived() -> None:
            while payload not in self.payloads:
                self._arrived.clear()
                await self._arrived.wait()

        try:
            await asyncio.wait_for(arrived(), timeout)
        except TimeoutError:
            pytest.fail(f"{self.name or 'listener'}: no {payload!r} in {self.payloads[-5:]!r}")
        return self.payloads


@pytest.fixture
def collect() -> Callable[..., Collector]:
    """Make listeners that record what they hear: ``collect()``, ``collect("a", log)``."""
    return Collector
