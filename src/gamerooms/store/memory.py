"""The in-process Store: plain dicts, for a single server process (the embedded default).

Every method runs to completion without yielding to the event loop, so each one is atomic with
respect to other tasks. `commit` and `publish` call the topics' listeners synchronously, in
subscription order, before they return: commit order is delivery order.

Given a `StateFile`, documents, sets and timers are also written to it as they change and read
back on start, so the embedded server finds them after a restart (queues, presence and pub/sub
start empty: they belong to sockets, which a restart closes).

Document TTLs are kept too: an expired document reads as missing, and expired documents are
swept on every document operation (a heap of deadlines, on the `clock` given, monotonic by
default). Queues are insertion-ordered dicts (member -> payload), with the owner of each member
that has one; timers are a dict plus a heap of (due, name, generation) entries, stale ones
skipped lazily. Presence held under a lease is also filed under its owner (owner -> lease ->
(key, member)), for `reap_presence`.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import Counter
from collections.abc import Callable, Sequence

from gamerooms.rooms.ports import Listener, OwnerGone, Publication, Reaped, Subscription
from gamerooms.store.state_file import StateFile
from gamerooms.store.subscription import StoreSubscription, deliver

__all__ = ["MemoryStore"]


def _check_ttl(ttl: float | None) -> None:
    if ttl is not None and not ttl > 0:
        raise ValueError(f"ttl must be positive seconds, not {ttl!r}")


class MemoryStore:
    """A Store that lives in this process only."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, state: StateFile | None = None
    ) -> None:
        self._clock = clock
        self._state = state
        self._documents: dict[str, tuple[int, bytes]] = {}
        self._deadlines: dict[str, float] = {}  # document key -> when it expires
        self._deadline_heap: list[tuple[float, str]] = []  # may hold stale entries
        self._sets: dict[str, set[str]] = {}
        self._queues: dict[str, dict[str, bytes]] = {}  # insertion order is queue order
        self._queue_owners: dict[str, dict[str, str]] = {}  # queue -> member -> owner
        # timer name -> (due, generation, payload); the heap's entries name a generation
        self._timers: dict[str, tuple[float, int, bytes]] = {}
        self._timer_heap: list[tuple[float, str, int]] = []  # may hold stale entries
        self._generations = itertools.count()
        self._presence: dict[str, dict[str, int]] = {}
        self._leases: dict[str, dict[str, tuple[str, str]]] = {}  # owner -> lease -> key, member
        self._counters: dict[str, tuple[int, float]] = {}  # key -> (count, expires at)
        self._counter_heap: list[tuple[float, str]] = []  # (expires at, key) of each start
        self._topics: dict[str, list[StoreSubscription[str]]] = {}
        if state is not None:
            self._read_state(state)

    # -- documents --------------------------------------------------------------------------

    async def create(
        self, key: str, blob: bytes, *, version: int = 0, ttl: float | None = None
    ) -> bool:
        """Store a document at `version` unless `key` exists; True if stored."""
        _check_ttl(ttl)
        self._expire()
        if key in self._documents:
            return False
        self._documents[key] = (version, blob)
        self._set_ttl(key, ttl)
        self._keep_document(key)
        return True

    async def load(self, key: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a document, or None."""
        self._expire()
        return self._documents.get(key)

    async def load_many(self, keys: Sequence[str]) -> list[tuple[int, bytes] | None]:
        """`load` for several keys at once, in order."""
        self._expire()
        return [self._documents.get(key) for key in keys]

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
        """Compare-and-set (or delete) the document, then publish; False (nothing done) if stale.
        A `rebuildable` change reaches the state file with the next batch."""
        _check_ttl(ttl)
        self._expire()
        stored = self._documents.get(key)
        if stored is None or stored[0] != expected_version:
            return False
        if blob is None:
            self._forget(key)
        else:
            self._documents[key] = (expected_version + 1, blob)
            if ttl is not None:
                self._set_ttl(key, ttl)
            self._keep_document(key, later=rebuildable)
        for topic, payload in publish:
            self._deliver(topic, payload)
        return True

    async def delete(self, key: str) -> None:
        """Forget a document; idempotent."""
        self._forget(key)

    async def document_keys(self, prefix: str) -> list[str]:
        """The keys of every stored document that starts with `prefix`."""
        self._expire()
        return [key for key in self._documents if key.startswith(prefix)]

    # -- sets -------------------------------------------------------------------------------

    async def set_add(self, key: str, member: str) -> bool:
        """Add a member to a set; True if it was not there."""
        members = self._sets.setdefault(key, set())
        if member in members:
            return False
        members.add(member)
        if self._state is not None:
            self._state.add_member(key, member)
        return True

    async def set_remove(self, key: str, member: str) -> bool:
        """Remove a member from a set; True if it was there."""
        members = self._sets.get(key)
        if members is None or member not in members:
            return False
        members.remove(member)
        if not members:
            del self._sets[key]
        if self._state is not None:
            self._state.remove_member(key, member)
        return True

    async def set_members(self, key: str) -> set[str]:
        """Every member of a set."""
        return set(self._sets.get(key, ()))

    # -- queues -----------------------------------------------------------------------------

    async def queue_join(
        self, key: str, member: str, payload: bytes, size: int, owner: str | None = None
    ) -> list[bytes]:
        """Append unless queued; then pop and return the oldest `size` payloads if enough live
        members wait (dropping those whose owner is gone)."""
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        queue = self._queues.setdefault(key, {})
        if member not in queue:
            queue[member] = payload
            if owner is not None:
                self._queue_owners.setdefault(key, {})[member] = owner
        if len(queue) < size:
            return []
        self._expire()
        owners = self._queue_owners.get(key, {})
        for ghost in [each for each, owner in owners.items() if not self._live(owner)]:
            self._leave(key, ghost)
        if len(self._queues.get(key, ())) < size:
            return []
        group = list(itertools.islice(queue, size))
        payloads = [queue[each] for each in group]
        for each in group:
            self._leave(key, each)
        return payloads

    async def queue_leave(self, key: str, member: str) -> bool:
        """Remove a waiting member; False if it was not waiting (e.g. already matched)."""
        return self._leave(key, member)

    async def queue_length(self, key: str) -> int:
        """How many members wait in a queue."""
        return len(self._queues.get(key, ()))

    # -- timers -----------------------------------------------------------------------------

    async def timer_set(self, name: str, due: float, payload: bytes) -> None:
        """Schedule (or reschedule) the named timer to fire at `due` (epoch seconds)."""
        self._schedule(name, due, payload)
        if self._state is not None:
            self._state.put_timer(name, due, payload)

    async def timers_cancel(self, names: Sequence[str]) -> list[bool]:
        """Cancel several timers at once; for each, whether it was pending."""
        return [self._cancel_timer(name) for name in names]

    async def timers_due(self, now: float, limit: int = 100) -> list[tuple[str, bytes]]:
        """Claim up to `limit` timers due at or before `now`, earliest first (ties by name)."""
        claimed: list[tuple[str, bytes]] = []
        heap = self._timer_heap
        while heap and len(claimed) < limit and heap[0][0] <= now:
            _, name, generation = heapq.heappop(heap)
            timer = self._timers.get(name)
            if timer is not None and timer[1] == generation:
                del self._timers[name]
                claimed.append((name, timer[2]))
                if self._state is not None:
                    self._state.drop_timer(name)
        return claimed

    # -- presence ---------------------------------------------------------------------------

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""
        return self._adjust(key, member, delta)

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""
        return dict(self._presence.get(key, {}))

    async def hold_presence(self, key: str, member: str, owner: str, lease: str) -> int:
        """Count one more connection under a lease of `owner`; OwnerGone if its document is gone."""
        self._expire()
        if owner not in self._documents:
            raise OwnerGone(f"{owner} is gone")
        leases = self._leases.setdefault(owner, {})
        if lease in leases:
            return self._presence.get(key, {}).get(member, 0)
        leases[lease] = (key, member)
        return self._adjust(key, member, 1)

    async def release_presence(self, key: str, member: str, owner: str, lease: str) -> int | None:
        """Give back a lease's connection; the count now, or None if the lease was not held."""
        leases = self._leases.get(owner, {})
        if leases.pop(lease, None) is None:
            return None
        if not leases:
            del self._leases[owner]
        return self._adjust(key, member, -1)

    async def reap_presence(self, owner: str) -> list[Reaped] | None:
        """Forget an owner that is not live and give back its leases; what each member has left
        (None while it is live)."""
        self._expire()
        if self._live(owner):
            return None
        self._forget(owner)
        taken = Counter(self._leases.pop(owner, {}).values())
        return [(key, member, self._adjust(key, member, -n)) for (key, member), n in taken.items()]

    # -- counters ---------------------------------------------------------------------------

    async def count(self, key: str, amount: int, window: float) -> int:
        """Add `amount` to a counter that expires `window` seconds after it started."""
        _check_ttl(window)
        now = self._clock()
        heap = self._counter_heap
        while heap and heap[0][0] <= now:
            expires, stale = heapq.heappop(heap)
            if self._counters.get(stale, (0, None))[1] == expires:
                del self._counters[stale]
        started = self._counters.get(key)
        if started is None:
            if amount <= 0:
                return 0
            started = (0, now + window)
            heapq.heappush(heap, (started[1], key))
        total = max(started[0] + amount, 0)
        self._counters[key] = (total, started[1])
        return total

    # -- pub/sub ----------------------------------------------------------------------------

    async def publish(self, topic: str, payload: bytes) -> None:
        """Call every listener of `topic` now, in subscription order."""
        self._deliver(topic, payload)

    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`."""
        subscription = StoreSubscription(topic, listener, self._detach)
        self._topics.setdefault(topic, []).append(subscription)
        return subscription

    async def subscribers(self, topic: str) -> int:
        """How many subscriptions to `topic` there are."""
        return len(self._topics.get(topic, ()))

    def on_connection_lost(self, listener: Callable[[], None]) -> None:
        """Never calls `listener`: this store is in the process, so it is always reachable."""

    async def close(self) -> None:
        """Drop every subscription and close the state file; the stored data stays readable."""
        for subscriptions in self._topics.values():
            for subscription in subscriptions:
                subscription.closed = True
        self._topics.clear()
        if self._state is not None:
            self._state.close()
            self._state = None

    # -- internals --------------------------------------------------------------------------

    def _leave(self, key: str, member: str) -> bool:
        """Take a member out of a queue; False if it was not waiting."""
        queue = self._queues.get(key)
        if queue is None or member not in queue:
            return False
        del queue[member]
        owners = self._queue_owners.get(key)
        if owners is not None:
            owners.pop(member, None)
            if not owners:
                del self._queue_owners[key]
        if not queue:
            del self._queues[key]
        return True

    def _live(self, owner: str) -> bool:
        """Whether an owner's document exists (documents expired already) and its topic has a
        subscriber."""
        return owner in self._documents and bool(self._topics.get(owner))

    def _adjust(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a presence count, clamped at 0 (a member at 0 is forgotten)."""
        members = self._presence.setdefault(key, {})
        count = max(members.get(member, 0) + delta, 0)
        if count:
            members[member] = count
        else:
            members.pop(member, None)
            if not members:
                del self._presence[key]
        return count

    def _set_ttl(self, key: str, ttl: float | None) -> None:
        if ttl is None:
            self._deadlines.pop(key, None)
            return
        deadline = self._clock() + ttl
        self._deadlines[key] = deadline
        heapq.heappush(self._deadline_heap, (deadline, key))
        if len(self._deadline_heap) > 2 * len(self._deadlines) + 64:
            self._deadline_heap = [(when, each) for each, when in self._deadlines.items()]
            heapq.heapify(self._deadline_heap)

    def _forget(self, key: str) -> None:
        self._documents.pop(key, None)
        self._deadlines.pop(key, None)
        if self._state is not None:
            self._state.drop_document(key)

    def _keep_document(self, key: str, later: bool = False) -> None:
        """Write a document to the state file (`later`: with its next batch), its expiry as
        wall-clock time."""
        if self._state is None:
            return
        version, blob = self._documents[key]
        deadline = self._deadlines.get(key)
        expires = None if deadline is None else time.time() + deadline - self._clock()
        self._state.put_document(key, version, blob, expires, later)

    def _cancel_timer(self, name: str) -> bool:
        pending = self._timers.pop(name, None) is not None
        if pending and self._state is not None:
            self._state.drop_timer(name)
        return pending

    def _schedule(self, name: str, due: float, payload: bytes) -> None:
        generation = next(self._generations)
        self._timers[name] = (due, generation, payload)
        heapq.heappush(self._timer_heap, (due, name, generation))
        if len(self._timer_heap) > 2 * len(self._timers) + 64:
            self._timer_heap = [(due, each, gen) for each, (due, gen, _) in self._timers.items()]
            heapq.heapify(self._timer_heap)

    def _read_state(self, state: StateFile) -> None:
        """Load what the state file kept from the last run."""
        now = time.time()
        for key, version, blob, expires in state.documents(now):
            self._documents[key] = (version, blob)
            self._set_ttl(key, None if expires is None else expires - now)
        for key, member in state.members():
            self._sets.setdefault(key, set()).add(member)
        for name, due, payload in state.timers():
            self._schedule(name, due, payload)

    def _expire(self) -> None:
        """Drop every document whose TTL ran out."""
        heap = self._deadline_heap
        if not heap:
            return
        now = self._clock()
        while heap and heap[0][0] <= now:
            deadline, key = heapq.heappop(heap)
            if self._deadlines.get(key) == deadline:
                self._forget(key)

    async def _detach(self, subscription: StoreSubscription[str]) -> None:
        subscriptions = self._topics.get(subscription.topic, [])
        if subscription in subscriptions:
            subscriptions.remove(subscription)
            if not subscriptions:
                del self._topics[subscription.topic]

    def _deliver(self, topic: str, payload: bytes) -> None:
        deliver(tuple(self._topics.get(topic, ())), payload)
