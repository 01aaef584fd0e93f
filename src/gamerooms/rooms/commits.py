"""Optimistic commits: read a document, work out its next version, commit it at the version
read, and try again from a fresh read when another writer got there first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from gamerooms.rooms.ports import Publication, Store

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """One try: the version it read, the blob to commit (None deletes), what the commit
    publishes, and what the caller gets back if it lands; `rebuildable` as `Store.commit`."""

    version: int
    blob: bytes | None
    publish: Sequence[Publication]
    outcome: T
    rebuildable: bool = False


async def commit_retrying(
    store: Store,
    key: str,
    attempt: Callable[[], Awaitable[Attempt[T]]],
    attempts: int,
    ttl: float | None = None,
) -> T | None:
    """Commit what `attempt` (a fresh read each time) returns, up to `attempts` tries; the
    outcome of the one that landed, or None if every commit lost to another writer."""
    for _ in range(attempts):
        tried = await attempt()
        committed = await store.commit(
            key, tried.version, tried.blob, tried.publish, ttl=ttl, rebuildable=tried.rebuildable
        )
        if committed:
            return tried.outcome
    return None
