"""Ports: what the domain services need from the outside world (stores, sockets, clocks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

Listener = Callable[[bytes], None]
"""Called with each payload published on a topic, in publish order, on the event loop."""


class Subscription(Protocol):
    """A live subscription to one topic."""

    async def close(self) -> None:
        """Stop receiving payloads; idempotent."""


class Store(Protocol):
    """Live state shared by every server process; every update is atomic.

    Matches are stored as opaque blobs with an integer version. A commit replaces the blob only
    when the stored version is the expected one, and publishes its announcement on the match's
    topic in the same atomic step, so subscribers see announcements in commit order.
    """

    async def create_match(self, match_id: str, version: int, blob: bytes) -> bool:
        """Store a match at `version` unless one with that id exists; True if stored."""

    async def load_match(self, match_id: str) -> tuple[int, bytes] | None:
        """The stored (version, blob) of a match, or None."""

    async def commit_match(
        self, match_id: str, expected_version: int, blob: bytes, announcement: bytes
    ) -> bool:
        """Store `blob` at expected_version + 1 and publish `announcement` on
        `match_topic(match_id)`, atomically; False (and nothing done) if the stored version is
        not `expected_version` or the match is missing."""

    async def delete_match(self, match_id: str) -> None:
        """Forget a match; idempotent."""

    async def adjust_presence(self, key: str, member: str, delta: int) -> int:
        """Add `delta` to a member's connection count under `key`; the new count (never < 0)."""

    async def presence(self, key: str) -> dict[str, int]:
        """Members with a positive connection count under `key`."""

    async def publish(self, topic: str, payload: bytes) -> None:
        """Deliver `payload` to every subscriber of `topic` in every process."""

    async def subscribe(self, topic: str, listener: Listener) -> Subscription:
        """Call `listener` with every payload later published on `topic`."""

    async def close(self) -> None:
        """Release connections and background tasks."""


def match_topic(match_id: str) -> str:
    """The pub/sub topic on which a match's announcements travel."""
    return f"match:{match_id}"


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


class Journal(Protocol):
    """Durable record of matches and their actions (the database)."""

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
