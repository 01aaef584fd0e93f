"""Every key name of a Redis store, standalone or on a Redis Cluster, in one table.

Standalone, a name is the store's prefix, a type word and the caller's key (``{prefix}doc:{key}``,
see `gamerooms.store.redis`). On a Redis Cluster the names carry hash tags (the part in braces
decides the slot; doubled braces below are literal ones, as in an f-string), so that the keys each
script touches share one slot:

- a document, set or counter is tagged with its own key (``{prefix}doc:{{key}}``), so rooms and
  matches spread over the masters, each commit on the master of its slot;
- the coordination slot, tagged ``{{prefix}}``, holds what scripts touch together: the owners'
  documents (process heartbeats, `rooms.keys.process_key`), presence hashes, leases and queues
  (``{{prefix}}doc:process:…``, ``{{prefix}}presence:{key}``, ``{{prefix}}leases:{owner}``,
  ``{{prefix}}queue:{key}``…);
- the timers pair has a slot of its own, tagged ``{{prefix}timers}``.
"""

from __future__ import annotations

from gamerooms.rooms.keys import process_key

__all__ = ["OWNERS", "RedisKeys"]

OWNERS = process_key("")
"""The start of every owner's document key: on a cluster, these documents share the
coordination slot with the presence and queues they own."""


class RedisKeys:
    """The key names of one store prefix, with hash tags when `cluster`."""

    def __init__(self, prefix: str, *, cluster: bool) -> None:
        if cluster and ("{" in prefix or "}" in prefix):
            raise ValueError(f"a Redis Cluster store's prefix holds no braces: {prefix!r}")
        self.prefix = prefix
        self.cluster = cluster
        self.coordination = f"{{{prefix}}}" if cluster else prefix
        """The start of every coordination key (the hash tag of its slot on a cluster)."""
        self.owner_documents = f"{self.coordination}doc:"
        """The start of every owner's document key (see `owner`)."""
        self._timers = f"{{{prefix}timers}}" if cluster else f"{prefix}timers"

    def owner(self, owner: str) -> str:
        """`owner`, checked: on a cluster an owner is a process (`rooms.keys.process_key`), whose
        document shares the coordination slot with what it holds."""
        if self.cluster and not owner.startswith(OWNERS):
            raise ValueError(f"an owner on a Redis Cluster is a {OWNERS!r} key, not {owner!r}")
        return owner

    def document(self, key: str) -> str:
        """The hash of a document."""
        if not self.cluster:
            return f"{self.prefix}doc:{key}"
        if key.startswith(OWNERS):
            return f"{self.owner_documents}{key}"
        return f"{self.prefix}doc:{{{key}}}"

    def document_patterns(self, start: str) -> list[str]:
        """SCAN patterns matching every document whose key begins with `start`."""
        escaped = start.replace("[", "\\[")
        if not self.cluster:
            return [f"{self.prefix}doc:{escaped}*"]
        return [f"{self.prefix}doc:{{{escaped}*}}", f"{self.owner_documents}{escaped}*"]

    def document_key(self, name: str) -> str:
        """The caller's key of a document's hash `name` (the inverse of `document`)."""
        if self.cluster and name.startswith(self.owner_documents):
            return name[len(self.owner_documents) :]
        if not self.cluster:
            return name[len(f"{self.prefix}doc:") :]
        return name[len(f"{self.prefix}doc:{{") : -1]

    def set(self, key: str) -> str:
        """The set of members."""
        return self._own(f"{self.prefix}set:", key)

    def counter(self, key: str) -> str:
        """The string of a counter."""
        return self._own(f"{self.prefix}counter:", key)

    def queue(self, key: str) -> list[str]:
        """A queue's order, payloads and owners."""
        start = self.coordination
        return [f"{start}queue:{key}", f"{start}queue-payloads:{key}", f"{start}queue-owners:{key}"]

    def timers(self) -> list[str]:
        """The timers' order and payloads."""
        if self.cluster:
            return [self._timers, f"{self._timers}payloads"]
        return [self._timers, f"{self.prefix}timer-payloads"]

    def presence(self, key: str) -> str:
        """The hash of a presence key's connection counts."""
        return f"{self.coordination}presence:{key}"

    def leases(self, owner: str) -> str:
        """The hash of an owner's leases."""
        return f"{self.coordination}leases:{owner}"

    def channel(self, topic: str) -> bytes:
        """The pub/sub channel of a topic (channels have no slots: PUBLISH reaches every node)."""
        return f"{self.prefix}{topic}".encode()

    def _own(self, start: str, key: str) -> str:
        return f"{start}{{{key}}}" if self.cluster else f"{start}{key}"
