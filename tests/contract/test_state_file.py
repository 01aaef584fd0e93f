"""The embedded store kept in a state file: what a restart (a new store on the same file) finds."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from gamerooms.store.memory import MemoryStore
from gamerooms.store.state_file import BATCH_SECONDS, StateFile


def reopened(path: Path) -> MemoryStore:
    """A new store on the same file, as after a restart."""
    return MemoryStore(state=StateFile(path))


async def test_documents_sets_and_timers_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = reopened(path)
    await store.create("room:R1", b"r0", ttl=3600)
    assert await store.commit("room:R1", 0, b"r1")
    await store.create("match:m1", b"m0", version=4)
    assert await store.commit("match:m1", 4, b"m5", ttl=3600)
    await store.create("gone", b"g0")
    assert await store.commit("gone", 0, None)
    await store.set_add("rooms", "R1")
    await store.set_add("rooms", "R2")
    await store.set_remove("rooms", "R2")
    await store.timer_set("bot:m1/0/5", 100.0, b"p")
    await store.timer_set("turn:m1/5", 200.0, b"")
    await store.timer_set("cancelled", 50.0, b"")
    assert await store.timers_cancel(["cancelled"]) == [True]
    await store.timer_set("fired", 10.0, b"")
    assert await store.timers_due(10.0) == [("fired", b"")]
    await store.queue_join("queue:tictactoe", "ann", b"ann", 2)
    await store.adjust_presence("match:m1", "0", 1)
    await store.close()

    after = reopened(path)
    assert await after.load("room:R1") == (1, b"r1")
    assert await after.load("match:m1") == (5, b"m5")
    assert await after.load("gone") is None
    assert await after.set_members("rooms") == {"R1"}
    assert await after.timers_due(1e12) == [("bot:m1/0/5", b"p"), ("turn:m1/5", b"")]
    assert await after.queue_length("queue:tictactoe") == 0
    assert await after.presence("match:m1") == {}
    assert await after.commit("match:m1", 5, b"m6")
    await after.close()
    assert await reopened(path).load("match:m1") == (6, b"m6")


async def test_ttls_are_kept_as_wall_clock_time(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    clock = [1000.0]  # the store's own (monotonic) clock means nothing after a restart
    store = MemoryStore(clock=lambda: clock[0], state=StateFile(path))
    await store.create("long", b"l", ttl=3600)
    await store.close()
    state = StateFile(path)
    [(_, _, _, expires)] = list(state.documents(time.time()))
    assert expires is not None and 3590 < expires - time.time() <= 3600
    state.put_document("expired", 0, b"e", time.time() - 1)
    state.close()
    after = reopened(path)
    assert await after.load("expired") is None
    assert await after.load("long") == (0, b"l")


def killed_after(path: Path, steps: str) -> None:
    """Run `steps` (awaited in order, with `store` a MemoryStore on the file at `path`) in a
    process of its own, which then kills itself (SIGKILL) right after the last one returns."""
    body = textwrap.indent(textwrap.dedent(steps).strip(), " " * 4)
    script = f"""
import asyncio, os, signal
from gamerooms.store.memory import MemoryStore
from gamerooms.store.state_file import StateFile

async def main():
    store = MemoryStore(state=StateFile({str(path)!r}))
{body}
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""
    process = subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=60)
    assert process.returncode == -signal.SIGKILL


async def test_a_killed_process_loses_nothing_it_stored(tmp_path: Path) -> None:
    """kill -9 right after the store returns: the change is on file."""
    path = tmp_path / "state.sqlite3"
    killed_after(
        path,
        """
        await store.create("match:m1", b"m0")
        for version in range(200):
            assert await store.commit("match:m1", version, b"m%d" % (version + 1))
        await store.timer_set("bot:m1", 5.0, b"")
        """,
    )
    after = reopened(path)
    assert await after.load("match:m1") == (200, b"m200")
    assert await after.timers_due(4.9) == []
    assert await after.timers_due(5.0) == [("bot:m1", b"")]


def on_file(path: Path) -> tuple[int, bytes] | None:
    """What the file itself holds of "match:m1" now (read on a connection of its own)."""
    reader = StateFile(path)
    try:
        kept = {key: (version, blob) for key, version, blob, _ in reader.documents(time.time())}
    finally:
        reader.close()
    return kept.get("match:m1")


async def test_rebuildable_changes_reach_the_file_together_with_the_next_batch(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    store = reopened(path)
    await store.create("match:m1", b"m0")
    for version in range(3):
        assert await store.commit("match:m1", version, b"m%d" % (version + 1), rebuildable=True)
    assert await store.load("match:m1") == (3, b"m3")  # in memory at once
    assert on_file(path) == (0, b"m0")  # on file with the batch

    # The batch was scheduled BATCH_SECONDS after the first change: its timer is due before
    # this sleep's, and the loop runs due timers in order.
    await asyncio.sleep(BATCH_SECONDS)
    assert on_file(path) == (3, b"m3")
    await store.close()


async def test_a_change_kept_at_once_is_not_overwritten_by_an_earlier_batched_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    state = StateFile(path)
    store = MemoryStore(state=state)
    await store.create("match:m1", b"m0")
    assert await store.commit("match:m1", 0, b"m1", rebuildable=True)
    assert await store.commit("match:m1", 1, b"m2")  # a pause, say: kept at once
    assert on_file(path) == (2, b"m2")
    state.write_batch()
    assert on_file(path) == (2, b"m2")
    assert await store.commit("match:m1", 2, b"m3", rebuildable=True)
    assert await store.commit("match:m1", 3, None)
    state.write_batch()
    assert on_file(path) is None
    await store.close()


async def test_a_killed_process_loses_only_the_rebuildable_changes_of_its_last_batch(
    tmp_path: Path,
) -> None:
    """kill -9 before the batch is written: the moves are lost from the file (the journal holds
    them, and recovery applies them again); everything kept at once is there."""
    path = tmp_path / "state.sqlite3"
    killed_after(
        path,
        """
        await store.create("match:m1", b"m0")
        for version in range(200):
            assert await store.commit(
                "match:m1", version, b"m%d" % (version + 1), rebuildable=True
            )
        await store.create("room:R1", b"r0")
        """,
    )
    after = reopened(path)
    assert await after.load("match:m1") == (0, b"m0")
    assert await after.load("room:R1") == (0, b"r0")
