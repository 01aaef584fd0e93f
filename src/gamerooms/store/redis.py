"""The Redis Store: live state shared by every server process, on `redis.asyncio`.

Key schema (every name starts with the store's `prefix`, default ``gamerooms:``; the type word
after it keeps the namespaces apart, whatever the caller's keys contain):

``{prefix}doc:{key}``  (hash; expires only if a `ttl` was given, which each commit with a `ttl`
refreshes)
    ``v``  the version, a decimal integer
    ``b``  the blob, opaque bytes
``{prefix}set:{key}``  (set of members)
``{prefix}queue:{key}``  (sorted set: member -> position)
    Queue order. A joining member scores one more than the newest member still waiting (1 in an
    empty queue), so scores only grow while anyone waits: ZPOPMIN takes the oldest, and leaving
    is a ZREM, O(log n), with no counter key to clean up.
``{prefix}queue-payloads:{key}``  (hash: member -> payload of each waiting member)
``{prefix}timers``  (sorted set: timer name -> due, epoch seconds)
``{prefix}timer-payloads``  (hash: timer name -> payload)
``{prefix}counter:{key}``  (string: a count, expiring `window` after the add that started it)
``{prefix}presence:{key}``  (hash, no expiry)
    ``{member}``  that member's connection count, always > 0; a field that reaches 0 is deleted,
    so an empty hash (and with it the key) disappears.

A queue's or timer's two keys change together, always inside one script, and vanish with their
last member. Pub/sub channel of a topic: ``{prefix}{topic}`` (channels and keys are separate
namespaces in Redis).

Every update is one Lua script, hence atomic: `create` (create unless it exists), `commit`
(compare ``v``; write ``v + 1`` and ``b`` and refresh the TTL, or delete; then PUBLISH every
publication in order: subscribers see announcements in commit order), `queue_join` (append
unless queued; pop the oldest `size` when that many wait), `queue_leave`, `timer_set`,
`timer_cancel`, `timers_due` (ZRANGEBYSCORE, then ZREM and HGET/HDEL each: a timer is claimed
once), `adjust_presence` (HINCRBY, clamped at 0) and `count` (SET with PX when it starts,
else KEEPTTL). Scripts run by EVALSHA (`register_script`). `load_many` reads every document in
one MULTI/EXEC, a consistent snapshot.

Commands share a pool of POOL_SIZE connections; when every one is busy (a burst of requests), a
command waits up to POOL_WAIT_SECONDS for a free one instead of failing. Commands are not retried
automatically: a commit or presence change whose reply was lost might already have been applied,
and replaying it would double-count or misreport it. A connection error reaches the caller instead.

Pub/sub uses one connection per store, shared by every subscription, and one reader task that
calls each topic's listeners synchronously, in order. `subscribe` returns once Redis confirmed
the subscription. When the connection drops, the reader reconnects with backoff and
resubscribes every topic, logging a warning: payloads published during the gap are lost.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Sequence
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gamerooms.rooms.background import spawn
from gamerooms.rooms.ports import Listener, Publication, Subscription
from gamerooms.store.subscription import StoreSubscription

__all__ = ["RedisStore"]

logger = logging.getLogger(__name__)

_CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# KEYS[1] document; ARGV: version, blob, TTL in ms ('' for none)
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'b', ARGV[2])
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
"""

# KEYS[1] document; ARGV: expected version, new version ('' to delete), blob, TTL in ms ('' to
# keep the current one), then a channel and a payload per publication
_COMMIT = """
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'b', ARGV[3])
  if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
end
for i = 5, #ARGV, 2 do
  redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
end
return 1
"""

# KEYS[1] queue order, KEYS[2] queue payloads; ARGV: member, payload, size
_QUEUE_JOIN = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local position = 1
  if #newest > 0 then position = tonumber(newest[2]) + 1 end
  redis.call('ZADD', KEYS[1], position, ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
local size = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[1]) < size then return {} end
local popped = redis.call('ZPOPMIN', KEYS[1], size)
local payloads = {}
for i = 1, #popped, 2 do
  payloads[#payloads + 1] = redis.call('HGET', KEYS[2], popped[i]) or ''
  redis.call('HDEL', KEYS[2], popped[i])
end
return payloads
"""

# KEYS[1] sorted set, KEYS[2] payload hash; ARGV: member
_REMOVE_ENTRY = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""

# KEYS[1] timers, KEYS[2] timer payloads; ARGV: name, due, payload
_TIMER_SET = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""

# KEYS[1] timers, KEYS[2] timer payloads; ARGV: now, limit
_TIMERS_DUE = """
local names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local claimed = {}
for _, name in ipairs(names) do
  redis.call('ZREM', KEYS[1], name)
  claimed[#claimed + 1] = name
  claimed[#claimed + 1] = redis.call('HGET', KEYS[2], name) or ''
  redis.call('HDEL', KEYS[2], name)
end
return claimed
"""

# KEYS[1] presence key; ARGV: member, delta
_ADJUST = """
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if count > 0 then return count end
redis.call('HDEL', KEYS[1], ARGV[1])
return 0
"""

# KEYS[1] counter; ARGV: amount, window in ms
_COUNT = """
local current = redis.call('GET', KEYS[1])
local amount = tonumber(ARGV[1])
if not current then
  if amount <= 0 then return 0 end
  redis.call('SET', KEYS[1], amount, 'PX', ARGV[2])
  return amount
end
local count = math.max(tonumber(current) + amount, 0)
redis.call('SET', KEYS[1], count, 'KEEPTTL')
return count
"""

POOL_SIZE = 100
"""Connections per store; a command that finds them all busy waits for one."""
POOL_WAIT_SECONDS = 20.0
"""How long a command waits for a free connection before it fails."""

_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 2.0


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _ttl_ms(ttl: float | None) -> str:
    """A TTL as the script argument: whole milliseconds (at least 1), or '' for none."""
    if ttl is None:
        return ""
    if not ttl > 0:
        raise ValueError(f"ttl must be positive seconds, not {ttl!r}")
    return str(max(1, math.ceil(ttl * 1000)))


def _score(seconds: float) -> str:
    """A float as Redis parses it back exactly."""
    return repr(float(seconds))


def _document(version: bytes | str | None, blob: bytes | str | None) -> tuple[int, bytes] | None:
    if version is None or not isinstance(blob, bytes):
        return None
    return int(version), blob


class _Channel:
    """One SUBSCRIBE of a channel: its listeners and the confirmation they wait for."""

    def __init__(self) -> None:
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.subscriptions: list[StoreSubscription[bytes]] = []


class RedisStore:
    """A Store in Redis, shared by every process that uses the same URL and prefix."""

    def __init__(self, url: str, *, prefix: str = "gamerooms:") -> None:
        self._prefix = prefix
        pool = BlockingConnectionPool.from_url(
            url, max_connections=POOL_SIZE, timeout=POOL_WAIT_SECONDS, retry=Retry(NoBackoff(), 0)
        )
        self._redis = Redis.from_pool(pool)
        self._create = self._redis.register_script(_CREATE)
        self._commit = self._redis.register_script(_COMMIT)
        self._queue_join = self._redis.register_script(_QUEUE_JOIN)
        self._remove_entry = self._redis.register_script(_REMOVE_ENTRY)
        self._timer_set = self._redis.register_script(_TIMER_SET)
        self._timers_due = self._redis.register_script(_TIMERS_DUE)
        self._adjust = self._redis.register_script(_ADJUST)
        self._count = self._redis.register_script(_COUNT)
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

    # -- documents --------------------------------------------------------------------------

    async def create(
        self, key: str, blob: bytes, *, version: int = 0, ttl: float | None = None
    ) -> bool:
        """Store a document at `version` unless `key` exists; True if stored."""
        created = await self._create(
            keys=[self._document_key(key)], args=[str(version), blob, _ttl_ms(ttl)]
        )
        return bool(created)

    async def load(self, key: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a document, or None."""
        version, blob = await self._redis.hmget(self._document_key(key), ["v", "b"])
        return _document(version, blob)

    async def load_many(self, keys: Sequence[str]) -> list[tuple[int, bytes] | None]:
        """`load` for several keys at once, in order, as one consistent snapshot."""
        if not keys:
            return []
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.hmget(self._document_key(key), ["v", "b"])
            replies = await pipe.execute()
        return [_document(version, blob) for version, blob in replies]

    async def commit(
        self,
        key: str,
        expected_version: int,
        blob: bytes | None,
        publish: Sequence[Publication] = (),
        *,
        ttl: float | None = None,
    ) -> bool:
        """Compare-and-set (or delete) the document and publish, in one Lua script."""
        args: list[str | bytes] = [
            str(expected_version),
            "" if blob is None else str(expected_version + 1),
            b"" if blob is None else blob,
            _ttl_ms(ttl),
        ]
        for topic, payload in publish:
            args += [self._channel_name(topic), payload]
        committed = await self._commit(keys=[self._document_key(key)], args=args)
        return bool(committed)

    async def delete(self, key: str) -> None:
        """Forget a document; idempotent."""
        await self._redis.delete(self._document_key(key))

    async def document_keys(self, prefix: str) -> list[str]:
        """The keys of every stored document that starts with `prefix` (SCAN)."""
        start = len(self._document_key(""))
        pattern = self._document_key(prefix).replace("[", "\\[") + "*"
        return [_text(key)[start:] async for key in self._redis.scan_iter(match=pattern)]

    # -- sets -------------------------------------------------------------------------------

    async def set_add(self, key: str, member: str) -> bool:
        """Add a member to a set; True if it was not there."""
        return bool(await self._redis.sadd(self._set_key(key), member))

    async def set_remove(self, key: str, member: str) -> bool:
        """Remove a member from a set; True if it was there."""
        return bool(await self._redis.srem(self._set_key(key), member))

    async def set_members(self, key: str) -> set[str]:
        """Every member of a set."""
        members = await self._redis.smembers(self._set_key(key))
        return {_text(member) for member in members}

    # -- queues -----------------------------------------------------------------------------

    async def queue_join(self, key: str, member: str, payload: bytes, size: int) -> list[bytes]:
        """Append unless queued; then pop and return the oldest `size` payloads if enough wait."""
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        payloads = await self._queue_join(
            keys=self._queue_keys(key), args=[member, payload, str(size)]
        )
        return list(payloads)

    async def queue_leave(self, key: str, member: str) -> bool:
        """Remove a waiting member; False if it was not waiting (e.g. already matched)."""
        return bool(await self._remove_entry(keys=self._queue_keys(key), args=[member]))

    async def queue_length(self, key: str) -> int:
        """How many members wait in a queue."""
        return int(await self._redis.zcard(self._queue_keys(key)[0]))

    # -- timers -----------------------------------------------------------------------------

    async def timer_set(self, name: str, due: float, payload: bytes) -> None:
        """Schedule (or reschedule) the named timer to fire at `due` (epoch seconds)."""
        await self._timer_set(keys=self._timer_keys(), args=[name, _score(due), payload])

    async def timer_cancel(self, name: str) -> bool:
        """Cancel a timer; True if it was pending."""
        return bool(await self._remove_entry(keys=self._timer_keys(), args=[name]))

    async def timers_due(self, now: float, limit: int = 100) -> list[tuple[str, bytes]]:
        """Claim up to `limit` timers due at or before `now`, earliest first (ties by name)."""
        if limit < 1:
            return []
        flat = await self._timers_due(keys=self._timer_keys(), args=[_score(now), str(limit)])
        return [(_text(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)]

    # -- presence ---------------------------------------------------------------------------

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""
        count = await self._adjust(keys=[self._presence_key(key)], args=[member, delta])
        return int(count)

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""
        members = await self._redis.hgetall(self._presence_key(key))
        counts = {_text(member): int(count) for member, count in members.items()}
        return {member: count for member, count in counts.items() if count > 0}

    # -- counters ---------------------------------------------------------------------------

    async def count(self, key: str, amount: int, window: float) -> int:
        """Add `amount` to a counter that expires `window` seconds after it started."""
        total = await self._count(keys=[self._counter_key(key)], args=[amount, _ttl_ms(window)])
        return int(total)

    # -- pub/sub ----------------------------------------------------------------------------

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

    def _document_key(self, key: str) -> str:
        return f"{self._prefix}doc:{key}"

    def _set_key(self, key: str) -> str:
        return f"{self._prefix}set:{key}"

    def _queue_keys(self, key: str) -> list[str]:
        return [f"{self._prefix}queue:{key}", f"{self._prefix}queue-payloads:{key}"]

    def _timer_keys(self) -> list[str]:
        return [f"{self._prefix}timers", f"{self._prefix}timer-payloads"]

    def _presence_key(self, key: str) -> str:
        return f"{self._prefix}presence:{key}"

    def _counter_key(self, key: str) -> str:
        return f"{self._prefix}counter:{key}"

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
        if not self._remove(subscription) or self._closed:
            return
        async with self._lock:
            if self._pubsub is None or self._closed:
                return
            try:
                await self._pubsub.unsubscribe(subscription.topic)
            except _CONNECTION_ERRORS as error:
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
        name: bytes, subscriptions: tuple[StoreSubscription[bytes], ...], payload: bytes
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
