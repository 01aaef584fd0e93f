"""The in-process Store: plain dicts, for a single server process (the embedded default).

Every method runs to completion without yielding to the event loop, so each one is atomic with
respect to other tasks. `commit_match` and `publish` call the topic's listeners synchronously,
in subscription order, before they return: commit order is delivery order.
"""

from __future__ import annotations

import logging

from gamerooms.rooms.ports import Listener, Subscription, match_topic

__all__ = ["MemoryStore"]

logger = logging.getLogger(__name__)


class _MemorySubscription:
    """One listener on one topic of a MemoryStore."""

    def __init__(self, store: MemoryStore, topic: str, listener: Listener) -> None:
        self._store = store
        self.topic = topic
        self.listener = listener
        self.closed = False

    async def close(self) -> None:
        """Stop receiving payloads; idempotent."""
        if not self.closed:
            self.closed = True
            self._store._detach(self)


class MemoryStore:
    """A Store that lives in this process only."""

    def __init__(self) -> None:
        self._matches: dict[str, tuple[int, bytes]] = {}
        self._presence: dict[str, dict[str, int]] = {}
        self._topics: dict[str, list[_MemorySubscription]] = {}

    async def create_match(self, match_id: str, version: int, blob: bytes) -> bool:
        """Store a match at `version` unless one with that id exists; True if stored."""
        if match_id in self._matches:
            return False
        self._matches[match_id] = (version, blob)
        return True

    async def load_match(self, match_id: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a match, or None."""
        return self._matches.get(match_id)

    async def commit_match(
        self, match_id: str, expected_version: int, blob: bytes, announcement: bytes
    ) -> bool:
        """Compare-and-set the match, then announce it; False (nothing done) on a stale version."""
        stored = self._matches.get(match_id)
        if stored is None or stored[0] != expected_version:
            return False
        self._matches[match_id] = (expected_version + 1, blob)
        self._deliver(match_topic(match_id), announcement)
        return True

    async def delete_match(self, match_id: str) -> None:
        """Forget a match; idempotent."""
        self._matches.pop(match_id, None)

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""
        members = self._presence.setdefault(key, {})
        count = max(members.get(member, 0) + delta, 0)
        if count:
            members[member] = count
        else:
            members.pop(member, None)
            if not members:
                del self._presence[key]
        return count

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""
        return dict(self._presence.get(key, {}))

    async def publish(self, topic: str, payload: bytes) -> None:
        """Call every listener of `topic` now, in subscription order."""
        self._deliver(topic, payload)

    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`."""
        subscription = _MemorySubscription(self, topic, listener)
        self._topics.setdefault(topic, []).append(subscription)
        return subscription

    async def close(self) -> None:
        """Drop every subscription; the stored data stays readable."""
        for subscriptions in self._topics.values():
            for subscription in subscriptions:
                subscription.closed = True
        self._topics.clear()

    def _detach(self, subscription: _MemorySubscription) -> None:
        subscriptions = self._topics.get(subscription.topic, [])
        if subscription in subscriptions:
            subscriptions.remove(subscription)
            if not subscriptions:
                del self._topics[subscription.topic]

    def _deliver(self, topic: str, payload: bytes) -> None:
        for subscription in tuple(self._topics.get(topic, ())):
            if subscription.closed:
                continue
            try:
                subscription.listener(payload)
            except Exception:
                logger.exception("listener on topic %r failed", topic)
