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
``{prefix}queue-owners:{key}``  (hash: member -> owner, the document key of whoever keeps a
member queued with one alive)
``{prefix}timers``  (sorted set: timer name -> due, epoch seconds)
``{prefix}timer-payloads``  (hash: timer name -> payload)
``{prefix}counter:{key}``  (string: a count, expiring `window` after the add that started it)
``{prefix}presence:{key}``  (hash, no expiry)
    ``{member}``  that member's connection count, always > 0; a field that reaches 0 is deleted,
    so an empty hash (and with it the key) disappears.
``{prefix}leases:{owner}``  (hash: lease -> ``{key}\n{member}`` of each connection counted
under a lease of that owner; presence keys hold no newline)

A queue's or timer's keys change together, always inside one script, and vanish with their
last member. Pub/sub channel of a topic: ``{prefix}{topic}`` (channels and keys are separate
namespaces in Redis).

On a Redis Cluster (`cluster`) the same names carry hash tags, so that every script's keys share
one slot (`gamerooms.store.redis_keys` holds the whole mapping; doubled braces are literal ones,
as in an f-string):

``{prefix}doc:{{key}}``, ``{prefix}set:{{key}}``, ``{prefix}counter:{{key}}``
    each in the slot of its own key: rooms and matches spread over the masters.
``{{prefix}}doc:{owner}``, ``{{prefix}}presence:{key}``, ``{{prefix}}leases:{owner}``,
``{{prefix}}queue:{key}``, ``{{prefix}}queue-payloads:{key}``, ``{{prefix}}queue-owners:{key}``
    the coordination slot: owners' documents (processes, ``process:…``) with what they hold and
    the queues whose members they own.
``{{prefix}timers}``, ``{{prefix}timers}payloads``
    the timers' slot.

Every update is one Lua script, hence atomic: `create` (create unless it exists), `commit`
(compare ``v``; write ``v + 1`` and ``b`` and refresh the TTL, or delete; then PUBLISH every
publication in order: subscribers see announcements in commit order), `queue_join` (append
unless queued; pop the oldest `size` when that many wait), `queue_leave`, `timer_set`,
`timers_cancel` (several at once), `timers_due` (ZRANGEBYSCORE, then ZREM and HGET/HDEL each:
a timer is claimed once), `adjust_presence` (HINCRBY, clamped at 0), `hold_presence` (only
while the owner's document exists), `release_presence`, `reap_presence` (only once the owner is
not live, that is its document is gone or its channel has no subscriber (PUBSUB NUMSUB): it
deletes the document and the owner's leases and gives back their counts, so a hold never
outlives the reap and one caller gets what it took) and `count` (SET with PX when it starts,
else KEEPTTL). `queue_join` skips and drops members whose owner is not live. Scripts run by
EVALSHA (`register_script`).
Every script is given its keys in KEYS, except that `reap_presence` and `queue_join` also reach
keys named by the data they read (presence keys in leases, owners of queued members): those
are coordination keys, which on a cluster share the slot of the script's KEYS, so the node that
runs the script holds them too.
`load_many` reads every document in one MULTI/EXEC, a consistent snapshot; on a cluster, where
documents live on several masters, one pipeline per master, each document read as it is at one
moment (enough for every caller: listings, ownership checks and gauges each look at one
document at a time).

Commands share a pool of POOL_SIZE connections; when every one is busy (a burst of requests), a
command waits up to POOL_WAIT_SECONDS for a free one instead of failing. A connection takes at
most CONNECT_SECONDS to open and a reply at most REPLY_SECONDS to come. Commands are not retried
automatically: a commit or presence change whose reply was lost might already have been applied,
and replaying it would double-count or misreport it. A connection error (or timeout) reaches the
caller as StoreUnavailable instead, and the store's `on_connection_lost` listeners hear of it.

On a cluster, the client (`RedisCluster`, from the URL of any node) learns the slots of every
master, sends each command to its slot's master and follows MOVED/ASK redirections, still
without retrying a command that failed; CLUSTERDOWN, TRYAGAIN and a cluster it cannot reach
count as connection errors. Each master has POOL_SIZE connections (and the pub/sub one) and
refuses a command at once when they are all busy, so the store lets no more than POOL_SIZE
commands run at once, and a command waits up to POOL_WAIT_SECONDS for its turn. A script's
PUBLISH travels to every node over the cluster bus, which keeps the order of what one node
publishes: `publish(topic)` goes through the master of the document named like the topic, so
it stays in order with that document's commits.

Pub/sub goes through a RedisPubSub (`gamerooms.store.redis_pubsub`): one connection per store
(on a cluster, to the master of the coordination slot).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from gamerooms.rooms.ports import (
    Listener,
    OwnerGone,
    Publication,
    Reaped,
    StoreUnavailable,
    Subscription,
)
from gamerooms.store.redis_errors import CONNECTION_ERRORS, unavailable
from gamerooms.store.redis_keys import RedisKeys
from gamerooms.store.redis_pubsub import RedisPubSub, on_node_of, on_server

__all__ = ["RedisStore"]

logger = logging.getLogger(__name__)

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

# An owner is live while its document exists and its channel has a subscriber.
_LIVE = """
local function live(document, channel)
  return redis.call('EXISTS', document) == 1 and redis.call('PUBSUB', 'NUMSUB', channel)[2] > 0
end
"""

# KEYS[1] queue order, KEYS[2] queue payloads, KEYS[3] queue owners; ARGV: member, payload,
# size, owner ('' for none), the prefix of document keys, the prefix of channels
_QUEUE_JOIN = (
    _LIVE
    + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local position = 1
  if #newest > 0 then position = tonumber(newest[2]) + 1 end
  redis.call('ZADD', KEYS[1], position, ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
end
local size = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[1]) < size then return {} end
local group = {}
while #group < size do
  local batch = redis.call('ZRANGE', KEYS[1], #group, size - 1)
  if #batch == 0 then return {} end
  for _, member in ipairs(batch) do
    local owner = redis.call('HGET', KEYS[3], member)
    if owner and not live(ARGV[5] .. owner, ARGV[6] .. owner) then
      redis.call('ZREM', KEYS[1], member)
      redis.call('HDEL', KEYS[2], member)
      redis.call('HDEL', KEYS[3], member)
    else
      group[#group + 1] = member
    end
  end
end
local payloads = {}
for _, member in ipairs(group) do
  redis.call('ZREM', KEYS[1], member)
  payloads[#payloads + 1] = redis.call('HGET', KEYS[2], member) or ''
  redis.call('HDEL', KEYS[2], member)
  redis.call('HDEL', KEYS[3], member)
end
return payloads
"""
)

# KEYS[1] sorted set, KEYS[2...] hashes of the members' data; ARGV: member
_REMOVE_ENTRY = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #KEYS do redis.call('HDEL', KEYS[i], ARGV[1]) end
return 1
"""

# KEYS[1] timers, KEYS[2] timer payloads; ARGV: names; for each name, 1 if it was pending
_TIMERS_CANCEL = """
local pending = {}
for i = 1, #ARGV do
    pending[i] = redis.call('ZREM', KEYS[1], ARGV[i])
    if pending[i] == 1 then redis.call('HDEL', KEYS[2], ARGV[i]) end
end
return pending
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

# KEYS[1] presence key, KEYS[2] the owner's leases, KEYS[3] the owner's document; ARGV: member,
# lease, the presence key without the prefix
_HOLD = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3] .. '\\n' .. ARGV[1]) == 0 then
  return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
"""

# KEYS[1] presence key, KEYS[2] the owner's leases; ARGV: member, lease
_RELEASE = """
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then return -1 end
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if count > 0 then return count end
redis.call('HDEL', KEYS[1], ARGV[1])
return 0
"""

# KEYS[1] the owner's document, KEYS[2] the owner's leases; ARGV: the prefix of presence keys,
# the owner's channel
_REAP = (
    _LIVE
    + """
if live(KEYS[1], ARGV[2]) then return false end
local leases = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
local taken, order = {}, {}
for i = 2, #leases, 2 do
  local entry = leases[i]
  if not taken[entry] then
    taken[entry] = 0
    order[#order + 1] = entry
  end
  taken[entry] = taken[entry] + 1
end
local reaped = {}
for _, entry in ipairs(order) do
  local cut = string.find(entry, '\\n', 1, true)
  local key, member = string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1)
  local count = redis.call('HINCRBY', ARGV[1] .. key, member, -taken[entry])
  if count <= 0 then
    redis.call('HDEL', ARGV[1] .. key, member)
    count = 0
  end
  reaped[#reaped + 1] = key
  reaped[#reaped + 1] = member
  reaped[#reaped + 1] = count
end
return reaped
"""
)

# KEYS[1] a document (its slot decides the node it runs on); ARGV: channel, payload
_PUBLISH = """
return redis.call('PUBLISH', ARGV[1], ARGV[2])
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
CONNECT_SECONDS = 2.0
"""How long opening a connection may take before Redis counts as unreachable."""
REPLY_SECONDS = 5.0
"""How long a command's reply may take before Redis counts as unreachable."""

P = ParamSpec("P")
R = TypeVar("R")


def _reaching(
    method: Callable[Concatenate[RedisStore, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[RedisStore, P], Coroutine[Any, Any, R]]:
    """A store method whose connection errors become StoreUnavailable (and are announced)."""

    @functools.wraps(method)
    async def reach(store: RedisStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            async with store._connection_turn():
                return await method(store, *args, **kwargs)
        except StoreUnavailable:
            raise
        except CONNECTION_ERRORS as error:
            await store.drop_idle_connections()
            store.connection_lost()
            raise unavailable(error) from error

    return reach


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


class RedisStore:
    """A Store in Redis, shared by every process that uses the same URL and prefix (on a Redis
    Cluster when `cluster`: `url` names any of its nodes)."""

    def __init__(self, url: str, *, prefix: str = "gamerooms:", cluster: bool = False) -> None:
        self._keys = RedisKeys(prefix, cluster=cluster)
        self._redis: Redis | RedisCluster
        self._turns: asyncio.Semaphore | None = None
        if cluster:
            self._redis = RedisCluster.from_url(
                url,
                max_connections=POOL_SIZE + 1,  # and the pub/sub connection
                retry=Retry(NoBackoff(), 0),
                socket_connect_timeout=CONNECT_SECONDS,
                socket_timeout=REPLY_SECONDS,
            )
            self._turns = asyncio.Semaphore(POOL_SIZE)
            pubsub = on_node_of(self._redis, self._keys.coordination)
        else:
            pool = BlockingConnectionPool.from_url(
                url,
                max_connections=POOL_SIZE,
                timeout=POOL_WAIT_SECONDS,
                retry=Retry(NoBackoff(), 0),
                socket_connect_timeout=CONNECT_SECONDS,
                socket_timeout=REPLY_SECONDS,
            )
            self._redis = Redis.from_pool(pool)
            pubsub = on_server(self._redis)
        self._create = self._redis.register_script(_CREATE)
        self._commit = self._redis.register_script(_COMMIT)
        self._queue_join = self._redis.register_script(_QUEUE_JOIN)
        self._remove_entry = self._redis.register_script(_REMOVE_ENTRY)
        self._timer_set = self._redis.register_script(_TIMER_SET)
        self._timers_cancel = self._redis.register_script(_TIMERS_CANCEL)
        self._timers_due = self._redis.register_script(_TIMERS_DUE)
        self._adjust = self._redis.register_script(_ADJUST)
        self._count = self._redis.register_script(_COUNT)
        self._hold = self._redis.register_script(_HOLD)
        self._release = self._redis.register_script(_RELEASE)
        self._reap = self._redis.register_script(_REAP)
        self._publish = self._redis.register_script(_PUBLISH)
        self._lost_listeners: list[Callable[[], None]] = []
        self._pubsub = RedisPubSub(pubsub, self.connection_lost)
        self._closed = False

    @property
    def prefix(self) -> str:
        """The prefix of every key and channel name of this store."""
        return self._keys.prefix

    @property
    def cluster(self) -> bool:
        """Whether this store is on a Redis Cluster."""
        return self._keys.cluster

    # -- documents --------------------------------------------------------------------------

    @_reaching
    async def create(
        self, key: str, blob: bytes, *, version: int = 0, ttl: float | None = None
    ) -> bool:
        """Store a document at `version` unless `key` exists; True if stored."""
        created = await self._create(
            keys=[self._keys.document(key)], args=[str(version), blob, _ttl_ms(ttl)]
        )
        return bool(created)

    @_reaching
    async def load(self, key: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a document, or None."""
        version, blob = await self._redis.hmget(self._keys.document(key), ["v", "b"])
        return _document(version, blob)

    @_reaching
    async def load_many(self, keys: Sequence[str]) -> list[tuple[int, bytes] | None]:
        """`load` for several keys at once, in order: standalone, one consistent snapshot (one
        MULTI/EXEC); on a cluster, one pipeline per node, so each document is as it was at some
        moment of the call but two documents may be from different moments."""
        if not keys:
            return []
        async with self._redis.pipeline(transaction=not self.cluster) as pipe:
            for key in keys:
                pipe.hmget(self._keys.document(key), ["v", "b"])
            replies = await pipe.execute()
        return [_document(version, blob) for version, blob in replies]

    @_reaching
    async def commit(
        self,
        key: str,
        expected_version: int,
        blob: bytes | None,
        publish: Sequence[Publication] = (),
        *,
        ttl: float | None = None,
        rebuildable: bool = False,
    ) -> bool:
        """Compare-and-set (or delete) the document and publish, in one Lua script (Redis keeps
        every change at once: `rebuildable` changes nothing)."""
        args: list[str | bytes] = [
            str(expected_version),
            "" if blob is None else str(expected_version + 1),
            b"" if blob is None else blob,
            _ttl_ms(ttl),
        ]
        for topic, payload in publish:
            args += [self._keys.channel(topic), payload]
        committed = await self._commit(keys=[self._keys.document(key)], args=args)
        return bool(committed)

    @_reaching
    async def delete(self, key: str) -> None:
        """Forget a document; idempotent."""
        await self._redis.delete(self._keys.document(key))

    @_reaching
    async def document_keys(self, prefix: str) -> list[str]:
        """The keys of every stored document that starts with `prefix` (SCAN, of every master
        on a cluster)."""
        found: list[str] = []
        for pattern in self._keys.document_patterns(prefix):
            names = self._scan(pattern)
            found += [self._keys.document_key(_text(name)) async for name in names]
        return found

    # -- sets -------------------------------------------------------------------------------

    @_reaching
    async def set_add(self, key: str, member: str) -> bool:
        """Add a member to a set; True if it was not there."""
        return bool(await self._redis.sadd(self._keys.set(key), member))

    @_reaching
    async def set_remove(self, key: str, member: str) -> bool:
        """Remove a member from a set; True if it was there."""
        return bool(await self._redis.srem(self._keys.set(key), member))

    @_reaching
    async def set_members(self, key: str) -> set[str]:
        """Every member of a set."""
        members = await self._redis.smembers(self._keys.set(key))
        return {_text(member) for member in members}

    # -- queues -----------------------------------------------------------------------------

    @_reaching
    async def queue_join(
        self, key: str, member: str, payload: bytes, size: int, owner: str | None = None
    ) -> list[bytes]:
        """Append unless queued; then pop and return the oldest `size` payloads if enough live
        members wait (dropping those whose owner is gone)."""
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        args: list[str | bytes] = [
            member,
            payload,
            str(size),
            self._keys.owner(owner) if owner else "",
        ]
        args += [self._keys.owner_documents, self._keys.channel("")]
        payloads = await self._queue_join(keys=self._keys.queue(key), args=args)
        return list(payloads)

    @_reaching
    async def queue_leave(self, key: str, member: str) -> bool:
        """Remove a waiting member; False if it was not waiting (e.g. already matched)."""
        return bool(await self._remove_entry(keys=self._keys.queue(key), args=[member]))

    @_reaching
    async def queue_length(self, key: str) -> int:
        """How many members wait in a queue."""
        return int(await self._redis.zcard(self._keys.queue(key)[0]))

    # -- timers -----------------------------------------------------------------------------

    @_reaching
    async def timer_set(self, name: str, due: float, payload: bytes) -> None:
        """Schedule (or reschedule) the named timer to fire at `due` (epoch seconds)."""
        await self._timer_set(keys=self._keys.timers(), args=[name, _score(due), payload])

    @_reaching
    async def timers_cancel(self, names: Sequence[str]) -> list[bool]:
        """Cancel several timers in one script; for each, whether it was pending."""
        if not names:
            return []
        pending = await self._timers_cancel(keys=self._keys.timers(), args=list(names))
        return [bool(each) for each in pending]

    @_reaching
    async def timers_due(self, now: float, limit: int = 100) -> list[tuple[str, bytes]]:
        """Claim up to `limit` timers due at or before `now`, earliest first (ties by name)."""
        if limit < 1:
            return []
        flat = await self._timers_due(keys=self._keys.timers(), args=[_score(now), str(limit)])
        return [(_text(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)]

    # -- presence ---------------------------------------------------------------------------

    @_reaching
    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""
        count = await self._adjust(keys=[self._keys.presence(key)], args=[member, delta])
        return int(count)

    @_reaching
    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""
        members = await self._redis.hgetall(self._keys.presence(key))
        counts = {_text(member): int(count) for member, count in members.items()}
        return {member: count for member, count in counts.items() if count > 0}

    @_reaching
    async def hold_presence(self, key: str, member: str, owner: str, lease: str) -> int:
        """Count one more connection under a lease of `owner`; OwnerGone if its document is gone."""
        document = self._keys.document(self._keys.owner(owner))
        keys = [self._keys.presence(key), self._keys.leases(owner), document]
        count = int(await self._hold(keys=keys, args=[member, lease, key]))
        if count < 0:
            raise OwnerGone(f"{owner} is gone")
        return count

    @_reaching
    async def release_presence(self, key: str, member: str, owner: str, lease: str) -> int | None:
        """Give back a lease's connection; the count now, or None if the lease was not held."""
        keys = [self._keys.presence(key), self._keys.leases(owner)]
        count = int(await self._release(keys=keys, args=[member, lease]))
        return None if count < 0 else count

    @_reaching
    async def reap_presence(self, owner: str) -> list[Reaped] | None:
        """Forget an owner that is not live and give back its leases; what each member has left
        (None while it is live)."""
        keys = [self._keys.document(self._keys.owner(owner)), self._keys.leases(owner)]
        args: list[str | bytes] = [self._keys.presence(""), self._keys.channel(owner)]
        flat = await self._reap(keys=keys, args=args)
        if flat is None:
            return None
        return [
            (_text(flat[i]), _text(flat[i + 1]), int(flat[i + 2])) for i in range(0, len(flat), 3)
        ]

    # -- counters ---------------------------------------------------------------------------

    @_reaching
    async def count(self, key: str, amount: int, window: float) -> int:
        """Add `amount` to a counter that expires `window` seconds after it started."""
        total = await self._count(keys=[self._keys.counter(key)], args=[amount, _ttl_ms(window)])
        return int(total)

    # -- pub/sub ----------------------------------------------------------------------------

    @_reaching
    async def publish(self, topic: str, payload: bytes) -> None:
        """Deliver `payload` to every subscriber of `topic` in every process (on a cluster, from
        the master of the document named like the topic, which publishes that document's
        commits: the cluster bus keeps the order of what one node publishes)."""
        if not self.cluster:
            await self._redis.publish(self._keys.channel(topic), payload)
            return
        args = [self._keys.channel(topic), payload]
        await self._publish(keys=[self._keys.document(topic)], args=args)

    @_reaching
    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`; returns once Redis
        confirmed the subscription, so a payload published afterwards reaches the listener."""
        return await self._pubsub.subscribe(self._keys.channel(topic), listener)

    @_reaching
    async def subscribers(self, topic: str) -> int:
        """How many subscriptions to `topic` there are (PUBSUB NUMSUB; on a cluster, where each
        node counts its own clients, asked of the coordination slot's master, which every
        process's pub/sub connection is on)."""
        channel = self._keys.channel(topic)
        if isinstance(self._redis, RedisCluster):
            node = self._redis.get_node_from_key(self._keys.coordination)
            reply = await self._redis.pubsub_numsub(channel, target_nodes=node)
        else:
            reply = await self._redis.pubsub_numsub(channel)
        [(_, count)] = reply
        return int(count)

    def on_connection_lost(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever a command fails to reach Redis or pub/sub loses its
        connection."""
        self._lost_listeners.append(listener)

    async def drop_idle_connections(self) -> None:
        """Close the pool's idle connections: after a failure they may lead to a Redis that is
        gone or was restarted, and each would fail its next command; they reconnect on use."""
        with contextlib.suppress(*CONNECTION_ERRORS):
            if isinstance(self._redis, RedisCluster):
                for node in self._redis.get_nodes():
                    await node.disconnect_free_connections()
            else:
                await self._redis.connection_pool.disconnect(inuse_connections=False)

    def connection_lost(self) -> None:
        """Tell the listeners that Redis was not reached."""
        for listener in self._lost_listeners:
            try:
                listener()
            except Exception:
                logger.exception("a connection-lost listener failed")

    async def close(self) -> None:
        """Stop the reader, fail pending subscribes and close every connection; idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._pubsub.close()
        await self._redis.aclose()

    @contextlib.asynccontextmanager
    async def _connection_turn(self) -> AsyncIterator[None]:
        """On a cluster, wait up to POOL_WAIT_SECONDS until fewer than POOL_SIZE commands are
        under way (its nodes refuse a command at once when all their connections are busy, where
        the standalone pool waits for one), then make sure the client knows the cluster's slots
        (commands that would each learn them at once get in each other's way)."""
        if not isinstance(self._redis, RedisCluster):
            yield
            return
        assert self._turns is not None
        try:
            async with asyncio.timeout(POOL_WAIT_SECONDS):
                await self._turns.acquire()
        except TimeoutError:
            raise RedisConnectionError("No connection available.") from None
        try:
            await self._redis.initialize()
            yield
        finally:
            self._turns.release()

    def _scan(self, pattern: str) -> AsyncIterator[bytes | str]:
        if isinstance(self._redis, RedisCluster):
            return self._redis.scan_iter(match=pattern, target_nodes=RedisCluster.PRIMARIES)
        return self._redis.scan_iter(match=pattern)
