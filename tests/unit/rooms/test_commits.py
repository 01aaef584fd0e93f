"""commit_retrying: a commit that loses to another writer is tried again from a fresh read."""

from __future__ import annotations

from gamerooms.rooms.commits import Attempt, commit_retrying
from gamerooms.store.memory import MemoryStore


async def test_a_lost_commit_is_retried_from_a_fresh_read() -> None:
    store = MemoryStore()
    await store.create("doc", b"0")
    reads: list[bytes] = []

    async def attempt() -> Attempt[bytes]:
        stored = await store.load("doc")
        assert stored is not None
        version, blob = stored
        reads.append(blob)
        if len(reads) == 1:  # another writer commits between this read and its commit
            assert await store.commit("doc", version, b"other")
        return Attempt(version, blob + b"+", [("topic", b"payload")], blob)

    assert await commit_retrying(store, "doc", attempt, 3) == b"other"
    assert reads == [b"0", b"other"]
    assert await store.load("doc") == (2, b"other+")


async def test_none_when_every_attempt_loses() -> None:
    store = MemoryStore()
    await store.create("doc", b"0")
    tries = 0

    async def attempt() -> Attempt[int]:
        nonlocal tries
        tries += 1
        return Attempt(41, b"never", [], tries)

    assert await commit_retrying(store, "doc", attempt, 2) is None
    assert tries == 2
    assert await store.load("doc") == (0, b"0")
