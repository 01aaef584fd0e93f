"""Ports: what the domain services need from the outside world (stores, sockets, clocks)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gamerooms.rooms.announcement import Announcement

Listener = Callable[[bytes], None]
"""Called with each payload published on a topic, in publish order, on the event loop."""


class Subscription(Protocol):
    """A live subscription to one topic."""

    async def close(self) -> None:
        """Stop receiving payloads; idempotent."""


Publication = tuple[str, bytes]
"""A (topic, payload) pair published as part of a commit."""

Reaped = tuple[str, str, int]
"""A presence a lapsed owner held, taken back: its key, its member, and the member's count left."""


class StoreUnavailable(ConnectionError):
    """The store did not answer (unreachable, or too slow): nothing is known to have changed;
    try again later."""


class OwnerGone(StoreUnavailable):
    """A presence was held for an owner whose document is gone: that owner is taken for gone,
    and what it held is taken back."""


class Store(Protocol):
    """Live state shared by every server process; every update is atomic.

    Documents (matches, rooms, drafts) are opaque blobs with an integer version. A commit
    replaces (or deletes) a document only when its stored version is the expected one, and
    publishes its announcements in the same atomic step, so every subscriber in every process sees
    announcements in commit order. Queues, timers and presence counters have atomic operations of
    their own.

    An *owner* (of queue members and presence leases) is a document key, and the owner is live
    while that document exists and something subscribes to the topic of the same name: its
    process keeps both going, and a process that dies takes its subscription with it. Owners are
    processes, named by `keys.process_key` (a store may keep their documents apart: a Redis
    Cluster keeps them in the slot of what they own).
    """

    async def create(
        self, key: str, blob: bytes, *, version: int = 0, ttl: float | None = None
    ) -> bool:
        """Store a document at `version` unless `key` exists; True if stored."""

    async def load(self, key: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a document, or None."""

    async def load_many(self, keys: Sequence[str]) -> list[tuple[int, bytes] | None]:
        """`load` for several keys at once, in order."""

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
        """Store `blob` at expected_version + 1 (or delete the document when `blob` is None) and
        publish each (topic, payload), atomically; False (and nothing done) if the stored version
        is not `expected_version` or the document is missing. `ttl` (seconds) is refreshed.
        `rebuildable`: the caller can rebuild this change after a crash (a move the journal
        holds already), so a store that keeps a file may write it there a moment later."""

    async def delete(self, key: str) -> None:
        """Forget a document; idempotent."""

    async def document_keys(self, prefix: str) -> list[str]:
        """The keys of every stored document that starts with `prefix` (a slow scan: for
        recovery and operators, not for hot paths)."""

    async def set_add(self, key: str, member: str) -> bool:
        """Add a member to a set; True if it was not there."""

    async def set_remove(self, key: str, member: str) -> bool:
        """Remove a member from a set; True if it was there."""

    async def set_members(self, key: str) -> set[str]:
        """Every member of a set."""

    async def queue_join(
        self, key: str, member: str, payload: bytes, size: int, owner: str | None = None
    ) -> list[bytes]:
        """Append a member (with its payload) to a FIFO queue unless it is already queued; then,
        if at least `size` live members wait, remove the oldest `size` and return their payloads
        in queue order — all atomically, so no member is ever returned twice. Else []. A member
        queued with an `owner` counts while the owner is live: one whose owner is gone is dropped
        from the queue instead of being returned."""

    async def queue_leave(self, key: str, member: str) -> bool:
        """Remove a waiting member; False if it was not waiting (e.g. already matched)."""

    async def queue_length(self, key: str) -> int:
        """How many members wait in a queue."""

    async def timer_set(self, name: str, due: float, payload: bytes) -> None:
        """Schedule (or reschedule) the named timer to fire at `due` (epoch seconds)."""

    async def timers_cancel(self, names: Sequence[str]) -> list[bool]:
        """Cancel several timers at once; for each, whether it was pending."""

    async def timers_due(self, now: float, limit: int = 100) -> list[tuple[str, bytes]]:
        """Claim up to `limit` timers due at or before `now`, earliest first: each timer is
        returned to exactly one caller, in any process, then forgotten."""

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""

    async def hold_presence(self, key: str, member: str, owner: str, lease: str) -> int:
        """Count one more connection of `member` under `key`, held by `owner` under the name
        `lease`; the new count. Holding a lease again changes nothing. OwnerGone if the owner's
        document is missing."""

    async def release_presence(self, key: str, member: str, owner: str, lease: str) -> int | None:
        """Give back the connection counted under `lease`; the member's count now, or None if
        the lease was not held (given back already, or taken back with its owner)."""

    async def reap_presence(self, owner: str) -> list[Reaped] | None:
        """If `owner` is not live: delete its document and give back every lease it held,
        atomically, so that only one caller ever gets them; (key, member, count left) of each
        member it held. None while the owner is live."""

    async def count(self, key: str, amount: int, window: float) -> int:
        """Add `amount` to a counter that vanishes `window` seconds after the add that started
        it (only a positive amount starts one); the new count, never below 0, atomically."""

    async def publish(self, topic: str, payload: bytes) -> None:
        """Deliver `payload` to every subscriber of `topic` in every process."""

    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`; returns once the
        subscription is live, so a publish after it returns is received."""

    async def subscribers(self, topic: str) -> int:
        """How many subscriptions to `topic` there are, in every process (a store that cannot
        tell answers 0)."""

    def on_connection_lost(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the store loses its connection: a command that could not
        reach it, or a dropped subscription connection (payloads published until it is back are
        lost to this process's subscribers)."""

    async def close(self) -> None:
        """Release connections and background tasks."""


class Announcer(Protocol):
    """Where announcements that change nothing stored go (the fan-out, which keeps a topic's
    announcements in the process while it has the topic's only sockets)."""

    async def announce(self, topic: str, announcement: Announcement) -> None:
        """Hand `announcement` to the sockets of `topic` in every process."""


class Outbox(Protocol):
    """One client socket as the domain sees it."""

    async def send_text(self, text: str) -> None:
        """Send one text frame; a closed socket ignores it."""

    async def close(self, code: int) -> None:
        """Close the socket with a WebSocket close code."""


class Clock(Protocol):
    """Wall-clock time, replaceable by a fake clock in tests."""

    def now(self) -> float:
        """Seconds since the epoch."""


@dataclass(frozen=True)
class MatchHistory:
    """What the journal keeps of a match: enough to replay it exactly."""

    match_id: str
    game: str
    settings: dict[str, Any]
    players: list[dict[str, Any]]
    seed: int
    actions: list[tuple[int, str, Any]]
    result: dict[str, Any] | None = None


class Journal(Protocol):
    """Durable record of matches and their actions (the database)."""

    @property
    def writes_ahead(self) -> bool:
        """Whether `write_ahead` makes each action durable before its commit (the journal is
        the durable copy: an action must never be written ahead for a match read stale)."""

    async def match_created(
        self,
        match_id: str,
        game: str,
        settings: dict[str, Any],
        players: list[dict[str, Any]],
        seed: int,
    ) -> None:
        """Record a new match with its seats."""

    async def write_ahead(self, match_id: str, entry: ActionEntry) -> None:
        """Make an action durable before it is committed, where this journal is the durable copy;
        raises StaleVersion if that version is already recorded."""

    async def committed(self, match_id: str, entry: ActionEntry) -> None:
        """Learn of a committed action (a journal behind a durable store records it here)."""

    async def match_finished(self, match_id: str, result: dict[str, Any], version: int) -> None:
        """Record how a match ended; everything before it is durable when this returns."""

    async def seats_changed(self, match_id: str, players: list[dict[str, Any]]) -> None:
        """Record who sits in each seat now (a bot took over a seat)."""

    async def history(self, match_id: str) -> MatchHistory | None:
        """Everything needed to replay a match, or None if it was never recorded."""

    async def close(self) -> None:
        """Write out anything pending."""


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """One accepted action as the journal records it."""

    version: int
    seat: int
    name: str
    data: Any
    at: float
