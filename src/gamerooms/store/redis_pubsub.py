"""A Redis store's pub/sub multiplexer: every subscription of one store on one connection.

Pub/sub uses one connection per store, shared by every subscription, and one reader task that
calls each topic's listeners synchronously, in order. `subscribe` returns once Redis confirmed
the subscription. When the connection drops, the store hears of it at once (`lost`: payloads
published until it is back are lost) and the reader reconnects with backoff, resubscribing every
channel in use, with a warning.

A lock serialises (UN)SUBSCRIBE commands with each reconnection attempt, so that confirmations
match the FIFO of SUBSCRIBEs sent; it is never held while the reader waits between attempts.
While the connection is down, subscribing only records the channel (the next attempt subscribes
it, and `subscribe` returns once that is confirmed) and unsubscribing only forgets it (attempts
subscribe the channels in use when they start, and drop those given up meanwhile).

Each connection comes from an opener: `on_server` for a standalone Redis, `on_node_of` for a
Redis Cluster. On a cluster, PUBLISH (from a client or from a script) reaches the subscribers on
every node, so a subscriber may sit on any node; the connection goes to the master of the
coordination slot all the same, because the scripts that ask whether an owner is live (PUBSUB
NUMSUB) run there and NUMSUB counts that node's subscribers only. Every new connection (each
reconnection attempt) asks the cluster again which node that is: a failover may have moved the
slot. Moving the coordination slot to another master while its old one stays up (resharding)
leaves the connections where they are, so restart the processes after such a move.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import RedisCluster

from gamerooms.rooms.background import spawn
from gamerooms.rooms.ports import Listener, Subscription
from gamerooms.store.redis_errors import CONNECTION_ERRORS
from gamerooms.store.subscription import StoreSubscription, deliver

__all__ = ["Opener", "RedisPubSub", "on_node_of", "on_server"]

logger = logging.getLogger(__name__)

_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 2.0

Opener = Callable[[], Awaitable[PubSub]]
"""Makes a new (not yet connected) pub/sub connection."""


def on_server(redis: Redis) -> Opener:
    """Pub/sub connections to a standalone Redis."""

    async def open_pubsub() -> PubSub:
        return redis.pubsub()

    return open_pubsub


def on_node_of(cluster: RedisCluster, key: str) -> Opener:
    """Pub/sub connections to the master that serves `key`'s slot, found anew for each one."""

    async def open_pubsub() -> PubSub:
        await cluster.nodes_manager.initialize()
        return cluster.pubsub(node=cluster.get_node_from_key(key))

    return open_pubsub


class _Channel:
    """One SUBSCRIBE of a channel: its listeners and the confirmation they wait for."""

    def __init__(self) -> None:
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.subscriptions: list[StoreSubscription[bytes]] = []


class RedisPubSub:
    """Subscriptions to Redis channels, sharing one connection and one reader task."""

    def __init__(self, open_pubsub: Opener, lost: Callable[[], None]) -> None:
        self._open = open_pubsub
        self._lost = lost
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        # The current SUBSCRIBE of each channel with listeners.
        self._channels: dict[bytes, _Channel] = {}
        # SUBSCRIBEs sent but not yet confirmed, per channel, in the order they were sent.
        self._awaiting: dict[bytes, deque[_Channel]] = {}
        # Serialises (UN)SUBSCRIBE commands with reconnection attempts, so confirmations match
        # the FIFO.
        self._lock = asyncio.Lock()
        # From a lost connection until an attempt has resubscribed every channel in use.
        self._offline = False
        self._closed = False

    async def subscribe(self, name: bytes, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on channel `name`.

        Returns once Redis confirmed the subscription, so a payload published afterwards (from
        any process) reaches the listener.
        """
        if self._closed:
            raise RuntimeError("RedisStore is closed")
        subscription = StoreSubscription(name, listener, self._detach)
        channel = self._channels.get(name)
        if channel is None:
            channel = _Channel()
            self._channels[name] = channel
            channel.subscriptions.append(subscription)
            await self._send_subscribe(name, channel)
        else:
            channel.subscriptions.append(subscription)
        try:
            await asyncio.shield(channel.ready)
        except BaseException:
            await subscription.close()
            raise
        return subscription

    async def close(self) -> None:
        """Stop the reader, fail pending subscribes and close the pub/sub connection; idempotent."""
        if self._closed:
            return
        self._closed = True
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.wait([reader])  # unlike `await reader`, keeps our own cancellation
            if not reader.cancelled() and reader.exception() is not None:
                logger.error("Redis pub/sub reader had died", exc_info=reader.exception())
        for channel in self._channels.values():
            if not channel.ready.done():
                channel.ready.set_exception(RuntimeError("RedisStore closed"))
                channel.ready.exception()  # retrieved by the waiters, if any
            for subscription in channel.subscriptions:
                subscription.closed = True
        self._channels.clear()
        self._awaiting.clear()
        async with self._lock:
            await self._drop_pubsub()

    async def _send_subscribe(self, name: bytes, channel: _Channel) -> None:
        """SUBSCRIBE to a channel with new listeners; on failure they all get the error."""
        async with self._lock:
            if self._offline:
                return  # the next reconnection attempt subscribes every channel in use
            try:
                if self._closed:
                    raise RuntimeError("RedisStore is closed")
                if self._pubsub is None:
                    self._pubsub = await self._open()
                self._awaiting.setdefault(name, deque()).append(channel)
                await self._pubsub.subscribe(name)
            except BaseException as error:
                self._abandon(name, channel, error)
                raise
            if self._reader is None and not self._closed:
                self._reader = spawn(self._read())

    def _abandon(self, name: bytes, channel: _Channel, error: BaseException) -> None:
        """Drop a channel whose SUBSCRIBE failed, passing the error to its waiting listeners."""
        awaiting = self._awaiting.get(name)
        if awaiting is not None and channel in awaiting:
            awaiting.remove(channel)
            if not awaiting:
                del self._awaiting[name]
        if self._channels.get(name) is channel:
            del self._channels[name]
        for subscription in channel.subscriptions:
            subscription.closed = True
        if not channel.ready.done():
            channel.ready.set_exception(
                error if isinstance(error, Exception) else RuntimeError("subscribe cancelled")
            )
            channel.ready.exception()  # mark retrieved: the first listener gets `error` raised

    async def _detach(self, subscription: StoreSubscription[bytes]) -> None:
        if not self._remove(subscription) or self._closed or self._offline:
            return  # offline: reconnection attempts subscribe only the channels in use
        async with self._lock:
            if self._pubsub is None or self._closed or self._offline:
                return
            try:
                await self._pubsub.unsubscribe(subscription.topic)
            except CONNECTION_ERRORS as error:
                # The reader reconnects and resubscribes only the channels still in use.
                logger.warning("UNSUBSCRIBE %r failed: %s", subscription.topic, error)

    def _remove(self, subscription: StoreSubscription[bytes]) -> bool:
        """Forget a subscription; True if it was its channel's last one (now unused)."""
        channel = self._channels.get(subscription.topic)
        if channel is None or subscription not in channel.subscriptions:
            return False
        channel.subscriptions.remove(subscription)
        if channel.subscriptions:
            return False
        del self._channels[subscription.topic]
        return True

    async def _read(self) -> None:
        while True:
            pubsub = self._pubsub
            assert pubsub is not None
            try:
                message = await pubsub.get_message(timeout=None)
            except CONNECTION_ERRORS as error:
                await self._reconnect(error)
                continue
            except Exception as error:
                logger.exception("Redis pub/sub reader failed")
                await self._reconnect(error)
                continue
            if message is not None:
                self._on_message(message)

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        name = message["channel"]
        if kind == "message":
            channel = self._channels.get(name)
            if channel is not None and channel.ready.done():
                deliver(tuple(channel.subscriptions), message["data"])
        elif kind == "subscribe":
            awaiting = self._awaiting.get(name)
            if awaiting:
                confirmed = awaiting.popleft()
                if not awaiting:
                    del self._awaiting[name]
                if not confirmed.ready.done():
                    confirmed.ready.set_result(None)

    async def _reconnect(self, error: BaseException) -> None:
        self._offline = True
        self._lost()
        loop = asyncio.get_running_loop()
        lost_at = loop.time()
        logger.warning(
            "Redis pub/sub connection lost (%s); reconnecting and resubscribing %d channel(s)",
            error,
            len(self._channels),
        )
        delay = _BACKOFF_FIRST
        while not await self._resubscribe():
            await asyncio.sleep(delay)  # without the lock: (un)subscribing goes on meanwhile
            delay = min(delay * 2, _BACKOFF_MAX)
        logger.warning(
            "Redis pub/sub resubscribed %d channel(s) after %.3f s; "
            "payloads published in that gap were lost",
            len(self._channels),
            loop.time() - lost_at,
        )

    async def _resubscribe(self) -> bool:
        """One reconnection attempt: a new connection subscribed to every channel in use; False
        if Redis does not answer yet."""
        async with self._lock:
            await self._drop_pubsub()
            sent = list(self._channels)
            self._awaiting = {
                name: deque([channel])
                for name, channel in self._channels.items()
                if not channel.ready.done()
            }
            try:
                pubsub = self._pubsub = await self._open()
                if sent:
                    await pubsub.subscribe(*sent)
                else:
                    await pubsub.connect()  # type: ignore[no-untyped-call]
                given_up = [name for name in sent if name not in self._channels]
                if given_up:
                    await pubsub.unsubscribe(*given_up)
            except (*CONNECTION_ERRORS, RuntimeError) as again:
                # RuntimeError: uvloop's, writing to a connection that closed as it opened (a
                # node restarting); the next attempt gets a new one.
                logger.debug("Redis pub/sub reconnect failed: %s", again)
                return False
            self._offline = False
            return True

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            try:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            except CONNECTION_ERRORS as error:
                logger.debug("closing the Redis pub/sub connection failed: %s", error)
