"""What the contract can't see of RedisStore: key schema, TTLs, the shared pub/sub connection,
reconnection and a clean shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import shutil
import socket
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from gamerooms.rooms.keys import match_topic
from gamerooms.rooms.ports import StoreUnavailable
from gamerooms.store.redis import RedisStore
from gamerooms.testing import free_port
from tests.contract.conftest import delete_keys, other_node_url, unique_prefix
from tests.support import redis_cluster_url_or_skip

pytestmark = pytest.mark.redis

TIMEOUT = 10.0
Collect = Any  # the conftest `collect` fixture: a Collector class


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[Redis]:
    """A plain client, to look behind the store's back."""
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def client_name() -> str:
    """A connection name that identifies this test's connections in CLIENT LIST."""
    return f"gamerooms-test-{uuid.uuid4().hex}"


@pytest.fixture
async def named_store(
    redis_url: str, redis_prefix: str, client_name: str
) -> AsyncIterator[RedisStore]:
    """A RedisStore whose connections carry `client_name`."""
    separator = "&" if "?" in redis_url else "?"
    store = RedisStore(f"{redis_url}{separator}client_name={client_name}", prefix=redis_prefix)
    yield store
    await store.close()


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `check` until it holds: for state another connection changes asynchronously."""

    async def poll() -> None:
        # The state lives in a Redis server (or process) that can't signal us: poll it.
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), TIMEOUT)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


async def _subscriber_connections(raw: Redis, client_name: str) -> list[dict[str, Any]]:
    clients = await raw.client_list()
    return [c for c in clients if c.get("name") == client_name and int(c["sub"]) > 0]


async def test_document_key_schema_and_ttl(redis_url: str, redis_prefix: str, raw: Redis) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    try:
        await store.create("match:m1", b"s0", version=3, ttl=100)
        key = f"{redis_prefix}doc:match:m1"
        assert await raw.hgetall(key) == {b"v": b"3", b"b": b"s0"}
        assert 0 < await raw.pttl(key) <= 100_000

        await raw.expire(key, 5)
        assert await store.commit("match:m1", 3, b"s1", ttl=100)
        assert await raw.hgetall(key) == {b"v": b"4", b"b": b"s1"}
        assert await raw.ttl(key) > 5  # refreshed by the commit

        await raw.expire(key, 5)
        assert not await store.commit("match:m1", 3, b"stale", ttl=100)
        assert await raw.ttl(key) <= 5  # a failed commit touches nothing
        assert await store.commit("match:m1", 4, b"s2")  # no ttl: the TTL is left alone
        assert 0 < await raw.ttl(key) <= 5

        assert await store.commit("match:m1", 5, b"s3", ttl=0.25)  # fractions of a second
        assert 0 < await raw.pttl(key) <= 250
        assert await store.commit("match:m1", 6, None, ttl=100)  # a delete: nothing to refresh
        assert await raw.exists(key) == 0
    finally:
        await store.close()


async def test_document_without_ttl_never_expires(
    redis_url: str, redis_prefix: str, raw: Redis
) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    try:
        await store.create("room:r1", b"s0")
        assert await raw.ttl(f"{redis_prefix}doc:room:r1") == -1
        assert await store.commit("room:r1", 0, b"s1")
        assert await raw.ttl(f"{redis_prefix}doc:room:r1") == -1
    finally:
        await store.close()


async def test_expired_document_is_gone(redis_url: str, redis_prefix: str, raw: Redis) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    try:
        await store.create("d1", b"s0", ttl=3600)
        await raw.pexpire(f"{redis_prefix}doc:d1", 1)

        async def expired() -> bool:
            return await store.load("d1") is None

        await _eventually(expired, "the document expires")
        assert not await store.commit("d1", 0, b"s1")
        assert await store.create("d1", b"new")
    finally:
        await store.close()


async def test_set_queue_and_timer_key_schema(
    redis_url: str, redis_prefix: str, raw: Redis
) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    try:
        await store.set_add("rooms", "r1")
        assert await raw.smembers(f"{redis_prefix}set:rooms") == {b"r1"}

        order, payloads = f"{redis_prefix}queue:ranked", f"{redis_prefix}queue-payloads:ranked"
        await store.queue_join("ranked", "ann", b"A", 3)
        await store.queue_join("ranked", "bob", b"B", 3)
        assert await raw.zrange(order, 0, -1, withscores=True) == [(b"ann", 1.0), (b"bob", 2.0)]
        assert await raw.hgetall(payloads) == {b"ann": b"A", b"bob": b"B"}
        assert await store.queue_leave("ranked", "ann")
        await store.queue_join("ranked", "cat", b"C", 3)
        assert await raw.zrange(order, 0, -1, withscores=True) == [(b"bob", 2.0), (b"cat", 3.0)]
        assert await store.queue_join("ranked", "dan", b"D", 3) == [b"B", b"C", b"D"]
        assert await raw.exists(order, payloads) == 0  # an empty queue leaves no keys

        timers, timer_payloads = f"{redis_prefix}timers", f"{redis_prefix}timer-payloads"
        await store.timer_set("turn:m1", 1_700_000_000.25, b"T")
        assert await raw.zrange(timers, 0, -1, withscores=True) == [(b"turn:m1", 1_700_000_000.25)]
        assert await raw.hgetall(timer_payloads) == {b"turn:m1": b"T"}
        assert await store.timers_due(1_700_000_000.25) == [("turn:m1", b"T")]
        assert await raw.exists(timers, timer_payloads) == 0
    finally:
        await store.close()


async def test_lease_and_queue_owner_key_schema(
    redis_url: str, redis_prefix: str, raw: Redis
) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    try:
        await store.create("process:p1", b"")
        await store.subscribe("process:p1", lambda payload: None)  # p1 is live
        await store.hold_presence("match:m1", "0", "process:p1", "7")
        leases = f"{redis_prefix}leases:process:p1"
        assert await raw.hgetall(leases) == {b"7": b"match:m1\n0"}
        assert await raw.hgetall(f"{redis_prefix}presence:match:m1") == {b"0": b"1"}
        assert await store.release_presence("match:m1", "0", "process:p1", "7") == 0
        assert await raw.exists(leases, f"{redis_prefix}presence:match:m1") == 0

        owners = f"{redis_prefix}queue-owners:q"
        await store.queue_join("q", "ann", b"A", 3, owner="process:p1")
        await store.queue_join("q", "bot", b"R", 3)
        assert await raw.hgetall(owners) == {b"ann": b"process:p1"}
        assert await store.queue_leave("q", "ann")
        assert await raw.exists(owners) == 0
        await store.queue_join("q", "ann", b"A", 2, owner="process:p1")
        assert await raw.exists(owners) == 0  # matched with the bot: every key is gone
        assert await raw.exists(f"{redis_prefix}queue:q", f"{redis_prefix}queue-payloads:q") == 0
    finally:
        await store.close()


async def test_commit_publishes_on_the_prefixed_channels(
    redis_url: str, redis_prefix: str, raw: Redis
) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    pubsub = raw.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(f"{redis_prefix}match:m1", f"{redis_prefix}lobby")
        await store.create("match:m1", b"s0")
        publications = [("match:m1", b"first"), ("lobby", b"second"), ("match:m1", b"third")]
        assert await store.commit("match:m1", 0, b"s1", publications)

        async def next_message() -> dict[str, Any]:
            while (message := await pubsub.get_message(timeout=1.0)) is None:
                pass
            return message

        for topic, payload in publications:
            message = await asyncio.wait_for(next_message(), TIMEOUT)
            assert message["channel"] == f"{redis_prefix}{topic}".encode()
            assert message["data"] == payload
    finally:
        await pubsub.aclose()
        await store.close()


async def test_subscribe_returns_once_redis_confirmed(
    named_store: RedisStore, redis_prefix: str, raw: Redis, collect: Collect
) -> None:
    for i in range(20):
        heard = collect()
        await named_store.subscribe(f"t{i}", heard)
        # PUBLISH answers how many subscribers Redis delivered to: ours must already count.
        assert await raw.publish(f"{redis_prefix}t{i}", b"x") == 1
        assert await heard.wait_for_count(1) == [b"x"]


async def test_one_pubsub_connection_per_store(
    named_store: RedisStore, raw: Redis, client_name: str, collect: Collect
) -> None:
    subscriptions = [await named_store.subscribe(f"t{i}", collect()) for i in range(10)]
    subscriptions.append(await named_store.subscribe("t0", collect()))  # same topic again
    connections = await _subscriber_connections(raw, client_name)
    assert [int(c["sub"]) for c in connections] == [10]

    for subscription in subscriptions:
        await subscription.close()

    async def unsubscribed() -> bool:
        return await _subscriber_connections(raw, client_name) == []

    await _eventually(unsubscribed, "the store UNSUBSCRIBEs topics nobody listens to")


async def test_reader_resubscribes_after_losing_its_connection(
    named_store: RedisStore,
    redis_prefix: str,
    raw: Redis,
    client_name: str,
    collect: Collect,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="gamerooms.store.redis_pubsub")
    heard = collect()
    await named_store.subscribe("t", heard)
    await named_store.publish("t", b"before")
    await heard.wait_for_count(1)

    [connection] = await _subscriber_connections(raw, client_name)
    assert await raw.client_kill_filter(_id=connection["id"]) == 1

    async def resubscribed() -> bool:
        return await raw.publish(f"{redis_prefix}t", b"probe") > 0

    await _eventually(resubscribed, "the reader resubscribes")
    await named_store.publish("t", b"after")
    await heard.wait_for_payload(b"after")
    assert heard.payloads[0] == b"before"
    messages = [record.getMessage() for record in caplog.records]
    assert any("connection lost" in message for message in messages)
    assert any("resubscribed 1 channel" in message for message in messages)

    # Still fully usable: new topics, commits and their announcements.
    announced = collect()
    await named_store.subscribe(match_topic("m1"), announced)
    await named_store.create("match:m1", b"s0")
    assert await named_store.commit("match:m1", 0, b"s1", [(match_topic("m1"), b"a1")])
    assert await announced.wait_for_count(1) == [b"a1"]


class PrivateRedis:
    """A redis-server of this test's own, which it may stop and start again."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *[self.binary, "--bind", "127.0.0.1", "--port", str(self.port)],
            *["--save", "", "--appendonly", "no"],
            stdout=asyncio.subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)

        async def answers() -> bool:
            try:
                return bool(await client.ping())
            except RedisError:
                return False

        try:
            await _eventually(answers, "the private redis-server starts")
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), TIMEOUT)
        self.process = None


@pytest.fixture
async def private_redis() -> AsyncIterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(binary)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_reader_waits_out_a_server_restart(
    private_redis: PrivateRedis, collect: Collect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="gamerooms.store.redis_pubsub")
    store = RedisStore(private_redis.url)
    other = RedisStore(private_redis.url)
    raw = Redis.from_url(private_redis.url)
    try:
        heard = collect()
        await store.subscribe("t", heard)
        await other.subscribe("t", collect())

        await private_redis.stop()

        async def noticed() -> bool:
            return any("connection lost" in r.getMessage() for r in caplog.records)

        await _eventually(noticed, "the reader notices the server is gone")
        await asyncio.wait_for(other.close(), TIMEOUT)  # closing mid-reconnect is prompt

        await private_redis.start()

        async def resubscribed() -> bool:
            return await raw.publish("gamerooms:t", b"probe") > 0

        await _eventually(resubscribed, "the reader resubscribes after the restart")
        await store.publish("t", b"after")
        await heard.wait_for_payload(b"after")
    finally:
        await raw.aclose()
        await store.close()
        await other.close()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_pubsub_outage_blocks_neither_unsubscribe_nor_subscribe(
    private_redis: PrivateRedis, collect: Collect
) -> None:
    """While Redis is down: the loss is heard at once, commands fail as StoreUnavailable,
    unsubscribing returns at once, and a subscription made meanwhile is applied on reconnect."""
    store = RedisStore(private_redis.url)
    raw = Redis.from_url(private_redis.url)
    lost = asyncio.Event()
    store.on_connection_lost(lost.set)
    try:
        kept, dropped, late = collect("kept"), collect("dropped"), collect("late")
        await store.subscribe("kept", kept)
        given_up = await store.subscribe("dropped", dropped)

        await private_redis.stop()
        await asyncio.wait_for(lost.wait(), TIMEOUT)
        await asyncio.wait_for(given_up.close(), 1.0)  # not held up by the reconnection loop
        with pytest.raises(StoreUnavailable):
            await store.publish("kept", b"lost")
        subscribing = asyncio.ensure_future(store.subscribe("late", late))

        await private_redis.start()
        await asyncio.wait_for(subscribing, TIMEOUT)
        assert await raw.publish("gamerooms:late", b"l") == 1
        assert await raw.publish("gamerooms:dropped", b"d") == 0
        await store.publish("kept", b"after")
        await kept.wait_for_payload(b"after")
        assert await late.wait_for_count(1) == [b"l"]
        assert dropped.payloads == []
    finally:
        await raw.aclose()
        await store.close()


async def test_close_is_clean_and_idempotent(
    redis_url: str, redis_prefix: str, collect: Collect, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = RedisStore(redis_url, prefix=redis_prefix)
        heard = collect()
        subscription = await store.subscribe("t", heard)
        await store.subscribe("u", collect())
        await store.publish("t", b"x")
        await heard.wait_for_count(1)

        await store.close()
        await store.close()
        await subscription.close()  # after the store: a no-op
        with pytest.raises(RuntimeError):
            await store.subscribe("t", heard)
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []

        del store, subscription
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert not [r for r in caplog.records if "destroyed but it is pending" in r.getMessage()]


async def test_close_before_any_use(redis_url: str) -> None:
    store = RedisStore(redis_url)
    await store.close()


# -- on a Redis Cluster ---------------------------------------------------------------------


@pytest.fixture
def cluster_url() -> str:
    """A node of the test Redis Cluster."""
    return redis_cluster_url_or_skip()


@pytest.fixture
async def cluster_prefix(cluster_url: str) -> AsyncIterator[str]:
    """A unique prefix whose keys are deleted from the cluster after the test."""
    prefix = unique_prefix()
    yield prefix
    await delete_keys(cluster_url, prefix, cluster=True)


@pytest.fixture
async def nodes(cluster_url: str) -> AsyncIterator[RedisCluster]:
    """A plain cluster client, to look behind the store's back."""
    client = RedisCluster.from_url(cluster_url)
    await client.initialize()
    yield client
    await client.aclose()


async def test_cluster_key_schema_shares_a_slot_per_script(
    cluster_url: str, cluster_prefix: str, nodes: RedisCluster
) -> None:
    store = RedisStore(cluster_url, prefix=cluster_prefix, cluster=True)
    p, coordination = cluster_prefix, f"{{{cluster_prefix}}}"
    try:
        await store.create("room:r1", b"s0")
        await store.create("process:p1", b"")
        await store.subscribe("process:p1", lambda payload: None)
        await store.hold_presence("room:r1", "ann", "process:p1", "1")
        await store.queue_join("q", "bob", b"B", 3, owner="process:p1")
        await store.timer_set("turn:m1", 1_700_000_000.0, b"T")
        await store.set_add("rooms", "r1")
        await store.count("tries", 1, 60)

        assert await nodes.hgetall(f"{p}doc:{{room:r1}}") == {b"v": b"0", b"b": b"s0"}
        together = [
            f"{coordination}doc:process:p1",
            f"{coordination}presence:room:r1",
            f"{coordination}leases:process:p1",
            f"{coordination}queue:q",
            f"{coordination}queue-payloads:q",
            f"{coordination}queue-owners:q",
        ]
        timers = [f"{{{p}timers}}", f"{{{p}timers}}payloads"]
        for group in (together, timers):
            assert [await nodes.exists(key) for key in group] == [1] * len(group)
            assert len({nodes.keyslot(key) for key in group}) == 1
        assert await nodes.smembers(f"{p}set:{{rooms}}") == {b"r1"}
        assert await nodes.get(f"{p}counter:{{tries}}") == b"1"
        assert sorted(await store.document_keys("")) == ["process:p1", "room:r1"]
        assert await store.document_keys("room:") == ["room:r1"]
    finally:
        await store.close()


async def test_cluster_spreads_rooms_over_the_masters(
    cluster_url: str, cluster_prefix: str, nodes: RedisCluster
) -> None:
    """Rooms land on the slots of their own keys, so on different masters; each is served."""
    store = RedisStore(cluster_url, prefix=cluster_prefix, cluster=True)
    try:
        codes = [f"R{i}" for i in range(30)]
        for code in codes:
            await store.create(f"room:{code}", code.encode())
        masters = {
            nodes.get_node_from_key(f"{cluster_prefix}doc:{{room:{code}}}").name for code in codes
        }
        assert len(masters) == len(nodes.get_primaries()) > 1
        for node in nodes.get_primaries():
            slots = {
                await nodes.cluster_keyslot(f"{cluster_prefix}doc:{{room:{code}}}")
                for code in codes
                if nodes.get_node_from_key(f"{cluster_prefix}doc:{{room:{code}}}") is node
            }
            assert slots, node.name
        assert await store.load_many([f"room:{code}" for code in codes]) == [
            (0, code.encode()) for code in codes
        ]
    finally:
        await store.close()


async def test_cluster_pubsub_reaches_stores_on_other_nodes(
    cluster_url: str, cluster_prefix: str, collect: Collect
) -> None:
    """Two stores through different nodes' URLs: each hears what the other publishes and
    commits; both pub/sub connections sit on the coordination node, where NUMSUB counts them."""
    first = RedisStore(cluster_url, prefix=cluster_prefix, cluster=True)
    second = RedisStore(await other_node_url(cluster_url), prefix=cluster_prefix, cluster=True)
    try:
        heard_first, heard_second = collect("first"), collect("second")
        await first.subscribe("room:r1", heard_first)
        await second.subscribe("room:r1", heard_second)
        await first.create("room:r1", b"s0")
        assert await first.commit("room:r1", 0, b"s1", [("room:r1", b"committed")])
        await second.publish("room:r1", b"published")
        for heard in (heard_first, heard_second):
            assert await heard.wait_for_count(2) == [b"committed", b"published"]

        await first.create("process:a", b"")
        await first.subscribe("process:a", lambda payload: None)
        await second.create("process:b", b"")
        await second.subscribe("process:b", lambda payload: None)
        for store in (first, second):  # each finds both live
            assert await store.reap_presence("process:a") is None
            assert await store.reap_presence("process:b") is None
    finally:
        await first.close()
        await second.close()


async def test_unreachable_cluster_is_store_unavailable() -> None:
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", cluster=True)
    lost = asyncio.Event()
    store.on_connection_lost(lost.set)
    try:
        with pytest.raises(StoreUnavailable):
            await store.load("room:r1")
        assert lost.is_set()
        with pytest.raises(StoreUnavailable):
            await store.subscribe("room:r1", lambda payload: None)
    finally:
        await store.close()


def test_cluster_prefix_holds_no_braces() -> None:
    with pytest.raises(ValueError, match="braces"):
        RedisStore("redis://127.0.0.1:7000/0", prefix="{app}:", cluster=True)
