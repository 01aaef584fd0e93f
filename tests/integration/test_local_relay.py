"""Two processes' fan-outs on one Redis (or Redis Cluster): a room's chat stays in the process
while it has the room's only sockets, and crosses Redis from the moment the other process has a
socket on the room, in either order of arrival."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from gamerooms.rooms.fanout import Fanout
from gamerooms.rooms.keys import is_room_topic
from gamerooms.store.redis import RedisStore
from tests.contract.conftest import delete_keys, redis_store_url
from tests.unit.rooms.test_fanout_relay import Inbox, line

pytestmark = pytest.mark.redis

ROOM = "room:WXYZ"


class CountingRedisStore(RedisStore):
    """A Redis store that counts the payloads published through it (the peers' hellos and
    answers apart)."""

    published = 0

    async def publish(self, topic: str, payload: bytes) -> None:
        """Count an announcement, then publish it."""
        if not payload.startswith(b"\xc1"):
            self.published += 1
        await super().publish(topic, payload)


@pytest.fixture(params=["redis", "redis-cluster"])
async def stores(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[CountingRedisStore, CountingRedisStore]]:
    """Two processes' stores on one Redis (or cluster), under a prefix of their own."""
    cluster = request.param == "redis-cluster"
    url = redis_store_url(request.param)
    prefix = f"gamerooms-test-{uuid.uuid4().hex}:"
    a = CountingRedisStore(url, prefix=prefix, cluster=cluster)
    b = CountingRedisStore(url, prefix=prefix, cluster=cluster)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()
        await delete_keys(url, prefix, cluster=cluster)


def on(store: RedisStore, player: str) -> tuple[Fanout, Inbox]:
    """A process's fan-out on this store, and a socket of `player` for it."""
    return Fanout(store, is_room_topic), Inbox(player)


async def test_chat_stays_in_the_process_until_another_one_joins_the_room(
    stores: tuple[CountingRedisStore, CountingRedisStore],
) -> None:
    store_a, store_b = stores
    (a, here), (b, there) = on(store_a, "p1"), on(store_b, "p2")
    await a.attach(ROOM, here)
    await a.announce(ROOM, line("local"))
    await a.drained()
    assert here.frames == ["local"]
    assert store_a.published == 0

    await b.attach(ROOM, there)
    await a.announce(ROOM, line("from a"))
    await b.announce(ROOM, line("from b"))
    assert await here.wait_for(3) == ["local", "from a", "from b"]
    assert await there.wait_for(2) == ["from a", "from b"]
    assert (store_a.published, store_b.published) == (1, 1)


async def test_two_processes_joining_a_room_at_once_both_cross_redis(
    stores: tuple[CountingRedisStore, CountingRedisStore],
) -> None:
    store_a, store_b = stores
    (a, here), (b, there) = on(store_a, "p1"), on(store_b, "p2")
    await asyncio.gather(a.attach(ROOM, here), b.attach(ROOM, there))
    await a.announce(ROOM, line("from a"))
    await b.announce(ROOM, line("from b"))
    assert sorted(await here.wait_for(2)) == ["from a", "from b"]
    assert sorted(await there.wait_for(2)) == ["from a", "from b"]
