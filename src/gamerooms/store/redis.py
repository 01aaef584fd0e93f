"""The Redis Store: live state shared by every server process, on `redis.asyncio`.

Key schema (every name starts with the store's `prefix`, default ``gamerooms:``):

``{prefix}match:{match_id}``  (hash, expires `match_ttl` seconds after the last write)
    ``v``  the version, a decimal integer
    ``b``  the blob, opaque bytes
``{prefix}presence:{key}``  (hash, no expiry)
    ``{member}``  that member's connection count, always > 0; a field that reaches 0 is deleted,
    so an empty hash (and with it the key) disappears.

Pub/sub channel of a topic: ``{prefix}{topic}``, so a match's announcements travel on
``{prefix}match:{match_id}`` (channels and keys are separate namespaces in Redis).

Every update is one Lua script, hence atomic: `create_match` (create unless it exists),
`commit_match` (compare ``v``, write ``v + 1`` and ``b``, refresh the TTL and PUBLISH the
announcement: subscribers see announcements in commit order) and `adjust_presence` (HINCRBY,
clamped at 0). Scripts run by EVALSHA (`register_script`).

Commands are not retried automatically: a commit or presence change whose reply was lost might
already have been applied, and replaying it would double-count or misreport it. A connection error
reaches the caller instead.

Pub/sub uses one connection per store, shared by every subscription, and one reader task that
calls each topic's listeners synchronously, in order. `subscribe` returns once Redis confirmed
the subscription. When the connection drops, the reader reconnects with backoff and
resubscribes every topic, logging a warning: payloads published during the gap are lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gamerooms.rooms.ports import Listener, Subscription, match_topic

__all__ = ["RedisStore"]

logger = logging.getLogger(__name__)

_CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# KEYS[1] match key; ARGV: version, blob, ttl
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'b', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# KEYS[1] match key; ARGV: expected version, new version, blob, ttl, channel, announcement
_COMMIT = """
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'b', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
"""

# KEYS[1] presence key; ARGV: member, delta
_ADJUST = """
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if count > 0 then return count end
redis.call('HDEL', KEYS[1], ARGV[1])
return 0
"""

_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 2.0


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class _Channel:
    """One SUBSCRIBE of a channel: its listeners and the confirmation they wait for."""

    def __init__(self) -> None:
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.subscriptions: list[_RedisSubscription] = []


class _RedisSubscription:
    """One listener on one channel of a RedisStore."""

    def __init__(self, store: RedisStore, channel: bytes, listener: Listener) -> None:
        self._store = store
        self.channel = channel
        self.listener = listener
        self.closed = False

    async def close(self) -> None:
        """Stop receiving payloads; idempotent."""
        if not self.closed:
            self.closed = True
            await self._store._detach(self)


class RedisStore:
    """A Store in Redis, shared by every process that uses the same URL and prefix."""

    def __init__(self, url: str, *, prefix: str = "gamerooms:", match_ttl: int = 86400) -> None:
        self._prefix = prefix
        self._match_ttl = match_ttl
        self._redis = Redis.from_url(url, decode_responses=False, retry=Retry(NoBackoff(), 0))
        self._create = self._redis.register_script(_CREATE)
        self._commit = self._redis.register_script(_COMMIT)
        self._adjust = self._redis.register_script(_ADJUST)
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        # The current SUBSCRIBE of each channel with listeners.
        self._channels: dict[bytes, _Channel] = {}
        # SUBSCRIBEs sent but not yet confirmed, per channel, in the order they were sent.
        self._awaiting: dict[bytes, deque[_Channel]] = {}
        # Serialises (UN)SUBSCRIBE commands with reconnection, so confirmations match the FIFO.
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def prefix(self) -> str:
        """The prefix of every key and channel name of this store."""
        return self._prefix

    async def create_match(self, match_id: str, version: int, blob: bytes) -> bool:
        """Store a match at `version` unless one with that id exists; True if stored."""
        created = await self._create(
            keys=[self._match_key(match_id)], args=[version, blob, self._match_ttl]
        )
        return bool(created)

    async def load_match(self, match_id: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a match, or None."""
        version, blob = await self._redis.hmget(self._match_key(match_id), ["v", "b"])
        if version is None or not isinstance(blob, bytes):
            return None
        return int(version), blob

    async def commit_match(
        self, match_id: str, expected_version: int, blob: bytes, announcement: bytes
    ) -> bool:
        """Compare-and-set the match and publish the announcement, in one Lua script."""
        committed = await self._commit(
            keys=[self._match_key(match_id)],
            args=[
                str(expected_version),
                str(expected_version + 1),
                blob,
                self._match_ttl,
                self._channel_name(match_topic(match_id)),
                announcement,
            ],
        )
        return bool(committed)

    async def delete_match(self, match_id: str) -> None:
        """Forget a match; idempotent."""
        await self._redis.delete(self._match_key(match_id))

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""
        count = await self._adjust(keys=[self._presence_key(key)], args=[member, delta])
        return int(count)

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""
        members = await self._redis.hgetall(self._presence_key(key))
        counts = {_text(member): int(count) for member, count in members.items()}
        return {member: count for member, count in counts.items() if count > 0}

    async def publish(self, topic: str, payload: bytes) -> None:
        """Deliver `payload` to every subscriber of `topic` in every process."""
        await self._redis.publish(self._channel_name(topic), payload)

    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`.

        Returns once Redis confirmed the subscription, so a payload published afterwards (from
        any process) reaches the listener.
        """
        if self._closed:
            raise RuntimeError("RedisStore is closed")
        name = self._channel_name(topic)
        subscription = _RedisSubscription(self, name, listener)
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
        """Stop the reader, fail pending subscribes and close every connection; idempotent."""
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
        await self._redis.aclose()

    # -- names ------------------------------------------------------------------------------

    def _match_key(self, match_id: str) -> str:
        return f"{self._prefix}match:{match_id}"

    def _presence_key(self, key: str) -> str:
        return f"{self._prefix}presence:{key}"

    def _channel_name(self, topic: str) -> bytes:
        return f"{self._prefix}{topic}".encode()

    # -- pub/sub ----------------------------------------------------------------------------

    async def _send_subscribe(self, name: bytes, channel: _Channel) -> None:
        """SUBSCRIBE to a channel with new listeners; on failure they all get the error."""
        async with self._lock:
            try:
                if self._closed:
                    raise RuntimeError("RedisStore is closed")
                if self._pubsub is None:
                    self._pubsub = self._redis.pubsub()
                self._awaiting.setdefault(name, deque()).append(channel)
                await self._pubsub.subscribe(name)
            except BaseException as error:
                self._abandon(name, channel, error)
                raise
            if self._reader is None and not self._closed:
                self._reader = asyncio.create_task(self._read(), name="gamerooms-redis-pubsub")

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

    async def _detach(self, subscription: _RedisSubscription) -> None:
        if not self._remove(subscription) or self._closed:
            return
        async with self._lock:
            if self._pubsub is None or self._closed:
                return
            try:
                await self._pubsub.unsubscribe(subscription.channel)
            except _CONNECTION_ERRORS as error:
                # The reader reconnects and resubscribes only the channels still in use.
                logger.warning("UNSUBSCRIBE %r failed: %s", subscription.channel, error)

    def _remove(self, subscription: _RedisSubscription) -> bool:
        """Forget a subscription; True if it was its channel's last one (now unused)."""
        channel = self._channels.get(subscription.channel)
        if channel is None or subscription not in channel.subscriptions:
            return False
        channel.subscriptions.remove(subscription)
        if channel.subscriptions:
            return False
        del self._channels[subscription.channel]
        return True

    async def _read(self) -> None:
        while True:
            pubsub = self._pubsub
            assert pubsub is not None
            try:
                message = await pubsub.get_message(timeout=None)
            except _CONNECTION_ERRORS as error:
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
                self._deliver(name, tuple(channel.subscriptions), message["data"])
        elif kind == "subscribe":
            awaiting = self._awaiting.get(name)
            if awaiting:
                confirmed = awaiting.popleft()
                if not awaiting:
                    del self._awaiting[name]
                if not confirmed.ready.done():
                    confirmed.ready.set_result(None)

    @staticmethod
    def _deliver(
        name: bytes, subscriptions: tuple[_RedisSubscription, ...], payload: bytes
    ) -> None:
        for subscription in subscriptions:
            if subscription.closed:
                continue
            try:
                subscription.listener(payload)
            except Exception:
                logger.exception("listener on channel %r failed", name)

    async def _reconnect(self, error: BaseException) -> None:
        loop = asyncio.get_running_loop()
        lost_at = loop.time()
        logger.warning(
            "Redis pub/sub connection lost (%s); reconnecting and resubscribing %d channel(s)",
            error,
            len(self._channels),
        )
        delay = _BACKOFF_FIRST
        async with self._lock:
            while True:
                await self._drop_pubsub()
                self._pubsub = self._redis.pubsub()
                self._awaiting = {
                    name: deque([channel])
                    for name, channel in self._channels.items()
                    if not channel.ready.done()
                }
                try:
                    if self._channels:
                        await self._pubsub.subscribe(*self._channels)
                    else:
                        await self._pubsub.connect()  # type: ignore[no-untyped-call]
                    break
                except _CONNECTION_ERRORS as again:
                    logger.debug("Redis pub/sub reconnect failed: %s", again)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _BACKOFF_MAX)
        logger.warning(
            "Redis pub/sub resubscribed %d channel(s) after %.3f s; "
            "payloads published in that gap were lost",
            len(self._channels),
            loop.time() - lost_at,
        )

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            try:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            except _CONNECTION_ERRORS as error:
                logger.debug("closing the Redis pub/sub connection failed: %s", error)
