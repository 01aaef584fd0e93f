"""What the contract can't see of MemoryStore: TTLs on a fake clock, and methods that never
yield to the event loop (which is what makes each of them atomic)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import pytest

from gamerooms.store.memory import MemoryStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> MemoryStore:
    return MemoryStore(clock=clock)


async def test_document_expires_after_its_ttl(store: MemoryStore, clock: FakeClock) -> None:
    await store.create("d1", b"s0", ttl=10)
    await store.create("forever", b"f0")
    clock.now += 9.999
    assert await store.load("d1") == (0, b"s0")
    clock.now += 0.001
    assert await store.load("d1") is None
    assert await store.load_many(["d1", "forever"]) == [None, (0, b"f0")]
    assert not await store.commit("d1", 0, b"s1")
    assert await store.create("d1", b"new")  # without a ttl this time
    clock.now += 1e9
    assert await store.load("d1") == (0, b"new")
    assert await store.load("forever") == (0, b"f0")


async def test_commit_refreshes_the_ttl_only_when_given(
    store: MemoryStore, clock: FakeClock
) -> None:
    await store.create("d1", b"s0", ttl=10)
    clock.now += 8
    assert await store.commit("d1", 0, b"s1", ttl=10)  # now due at +18
    clock.now += 8
    assert await store.commit("d1", 1, b"s2")  # keeps +18
    assert not await store.commit("d1", 1, b"stale", ttl=100)  # a failed commit changes nothing
    clock.now += 1.5
    assert await store.load("d1") == (2, b"s2")
    clock.now += 0.5
    assert await store.load("d1") is None


async def test_recreated_document_does_not_inherit_the_old_deadline(
    store: MemoryStore, clock: FakeClock
) -> None:
    await store.create("d1", b"old", ttl=5)
    assert await store.commit("d1", 0, None)
    await store.create("d1", b"new", ttl=50)
    clock.now += 10
    assert await store.load("d1") == (0, b"new")
    await store.delete("d1")
    await store.create("d1", b"newer")
    clock.now += 100
    assert await store.load("d1") == (0, b"newer")


async def test_many_refreshes_keep_the_deadline_heap_small(store: MemoryStore) -> None:
    await store.create("d1", b"s", ttl=3600)
    for version in range(10_000):
        assert await store.commit("d1", version, b"s", ttl=3600)
    assert len(store._deadline_heap) <= 2 * 1 + 65
    for i in range(10_000):
        await store.timer_set("t", float(i), b"p")
    assert len(store._timer_heap) <= 2 * 1 + 65
    assert await store.timers_due(1e9) == [("t", b"p")]


def _finishes_at_once(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine one step: it must return without ever suspending."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    pytest.fail("the coroutine suspended: not atomic")


def test_no_method_yields_to_the_event_loop() -> None:
    store = MemoryStore()
    heard: list[bytes] = []
    run = _finishes_at_once
    subscription = run(store.subscribe("t", heard.append))
    assert run(store.create("d", b"s0", ttl=60))
    assert run(store.load("d")) == (0, b"s0")
    assert run(store.load_many(["d"])) == [(0, b"s0")]
    assert run(store.commit("d", 0, b"s1", [("t", b"a"), ("t", b"b")], ttl=60))
    assert heard == [b"a", b"b"]  # listeners ran inside the commit
    assert run(store.commit("d", 1, None, [("t", b"c")]))
    run(store.delete("d"))
    assert run(store.set_add("s", "m"))
    assert run(store.set_members("s")) == {"m"}
    assert run(store.set_remove("s", "m"))
    assert run(store.queue_join("q", "m", b"p", 2)) == []
    assert run(store.queue_length("q")) == 1
    assert run(store.queue_leave("q", "m"))
    run(store.timer_set("t", 1.0, b"p"))
    assert run(store.timers_due(1.0)) == [("t", b"p")]
    assert run(store.timers_cancel(["t"])) == [False]
    assert run(store.adjust_presence("k", "m", 1)) == 1
    assert run(store.presence("k")) == {"m": 1}
    run(store.publish("t", b"d"))
    assert heard == [b"a", b"b", b"c", b"d"]
    run(subscription.close())
    run(store.close())
