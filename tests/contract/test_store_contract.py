"""The Store contract: every implementation must pass every test here (see conftest `store`)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from typing import Any

import pytest

from gamerooms.rooms.ports import OwnerGone, Reaped, Store, Subscription
from gamerooms.store import MemoryStore, build_store

TIMEOUT = 10.0
CONTENDERS = 50
ROUNDS = 5

Collect = Any  # the conftest `collect` fixture: a Collector class


async def _interleave(rng: random.Random) -> None:
    """Yield to the event loop 0-2 times: shuffles task interleavings, even in memory."""
    for _ in range(rng.randrange(3)):
        await asyncio.sleep(0)


# -- documents --------------------------------------------------------------------------------


async def test_create_stores_once(store: Store) -> None:
    assert await store.create("d1", b"first")
    assert not await store.create("d1", b"second", version=5)
    assert await store.load("d1") == (0, b"first")


async def test_create_at_any_version_with_any_bytes(store: Store) -> None:
    blob = bytes(range(256)) * 8
    assert await store.create("ünïcode/key:1", blob, version=41)
    assert await store.create("empty", b"")
    assert await store.load("ünïcode/key:1") == (41, blob)
    assert await store.load("empty") == (0, b"")


async def test_create_with_ttl_is_readable_and_committable(store: Store) -> None:
    assert await store.create("d1", b"s7", version=7, ttl=3600)
    assert await store.load("d1") == (7, b"s7")
    assert await store.commit("d1", 7, b"s8", ttl=0.5 * 3600)
    assert await store.commit("d1", 8, b"s9")  # no ttl: the current one stays
    assert await store.load("d1") == (9, b"s9")


@pytest.mark.parametrize("ttl", [0, -1.5])
async def test_ttl_must_be_positive(store: Store, ttl: float) -> None:
    with pytest.raises(ValueError):
        await store.create("d1", b"s0", ttl=ttl)
    assert await store.load("d1") is None
    assert await store.create("d1", b"s0")
    with pytest.raises(ValueError):
        await store.commit("d1", 0, b"s1", ttl=ttl)
    assert await store.load("d1") == (0, b"s0")


async def test_load_missing_is_none(store: Store) -> None:
    assert await store.load("nobody") is None


async def test_load_many_keeps_order_and_misses(store: Store) -> None:
    assert await store.load_many([]) == []
    await store.create("a", b"a0")
    await store.create("b", b"b3", version=3)
    assert await store.load_many(["b", "missing", "a", "b", "also missing"]) == [
        (3, b"b3"),
        None,
        (0, b"a0"),
        (3, b"b3"),
        None,
    ]
    assert await store.load_many(("nothing",)) == [None]


async def test_commit_bumps_version_and_stores_blob(store: Store) -> None:
    await store.create("d1", b"s0")
    assert await store.commit("d1", 0, b"s1")
    assert await store.load("d1") == (1, b"s1")
    assert await store.commit("d1", 1, b"s2", [("t", b"a2")])
    assert await store.load("d1") == (2, b"s2")


async def test_a_rebuildable_commit_reads_back_and_conflicts_like_any_other(store: Store) -> None:
    await store.create("d1", b"s0")
    assert await store.commit("d1", 0, b"s1", rebuildable=True)
    assert await store.load("d1") == (1, b"s1")
    assert not await store.commit("d1", 0, b"stale", rebuildable=True)
    assert await store.commit("d1", 1, b"s2")
    assert await store.load("d1") == (2, b"s2")


async def test_stale_commit_changes_and_announces_nothing(store: Store, collect: Collect) -> None:
    await store.create("d1", b"s0")
    assert await store.commit("d1", 0, b"s1", [("t", b"a1")])
    heard = collect()
    await store.subscribe("t", heard)

    assert not await store.commit("d1", 0, b"stale", [("t", b"stale")])
    assert not await store.commit("d1", 2, b"future", [("t", b"future")])
    assert not await store.commit("d1", 0, None, [("t", b"stale delete")])
    assert await store.load("d1") == (1, b"s1")

    # Announcements arrive in commit order, so the marker is the first thing heard.
    assert await store.commit("d1", 1, b"s2", [("t", b"marker")])
    assert await heard.wait_for_count(1) == [b"marker"]


async def test_commit_on_missing_document_fails(store: Store, collect: Collect) -> None:
    heard = collect()
    await store.subscribe("t", heard)
    assert not await store.commit("ghost", 0, b"s1", [("t", b"a1")])
    assert not await store.commit("ghost", 0, None, [("t", b"deleted")])
    assert await store.load("ghost") is None
    await store.publish("t", b"marker")
    assert await heard.wait_for_count(1) == [b"marker"]


async def test_commit_publishes_every_publication_in_order(
    store: Store, peer: Store, collect: Collect
) -> None:
    log: list[tuple[str, bytes]] = []
    here_a, here_b = collect("a", log), collect("b", log)
    await store.subscribe("topic:a", here_a)
    await store.subscribe("topic:b", here_b)
    there_a, there_b = collect("a"), collect("b")
    await peer.subscribe("topic:a", there_a)
    await peer.subscribe("topic:b", there_b)
    await store.create("d1", b"s0")

    expected: list[tuple[str, bytes]] = []
    for version in range(10):
        publications = [
            ("topic:a", b"%d.1" % version),
            ("topic:b", b"%d.2" % version),
            ("topic:a", b"%d.3" % version),
        ]
        if version % 3 == 0:
            publications.append(("topic:b", b"%d.4" % version))
        handle = store if version % 2 else peer
        assert await handle.commit("d1", version, b"s", publications)
        expected += [(topic.removeprefix("topic:"), payload) for topic, payload in publications]

    only = {name: [p for n, p in expected if n == name] for name in ("a", "b")}
    assert await here_a.wait_for_count(len(only["a"])) == only["a"]
    assert await here_b.wait_for_count(len(only["b"])) == only["b"]
    assert await there_a.wait_for_count(len(only["a"])) == only["a"]
    assert await there_b.wait_for_count(len(only["b"])) == only["b"]
    assert log == expected  # one process sees the publications interleaved as committed


async def test_commit_delete_publishes_and_removes(store: Store, collect: Collect) -> None:
    heard = collect()
    await store.subscribe("t", heard)
    await store.create("d1", b"s0", ttl=3600)
    assert await store.commit("d1", 0, b"s1", [("t", b"updated")])
    assert await store.commit("d1", 1, None, [("t", b"deleted"), ("t", b"really")], ttl=60)
    assert await store.load("d1") is None
    assert await store.load_many(["d1"]) == [None]
    assert await heard.wait_for_count(3) == [b"updated", b"deleted", b"really"]

    assert not await store.commit("d1", 1, b"s2")
    assert not await store.commit("d1", 2, None)
    assert await store.create("d1", b"again")  # the key is free again
    assert await store.load("d1") == (0, b"again")


async def test_commit_delete_without_publications(store: Store) -> None:
    await store.create("d1", b"s0", version=4)
    assert await store.commit("d1", 4, None)
    assert await store.load("d1") is None


async def test_delete_forgets_and_is_idempotent(store: Store) -> None:
    await store.create("d1", b"s3", version=3)
    await store.delete("d1")
    assert await store.load("d1") is None
    assert not await store.commit("d1", 3, b"s4", [("t", b"a4")])
    await store.delete("d1")
    await store.delete("never-there")
    assert await store.create("d1", b"again")
    assert await store.load("d1") == (0, b"again")


async def test_documents_are_independent(store: Store) -> None:
    await store.create("a", b"a0")
    await store.create("b", b"b0")
    assert await store.commit("a", 0, b"a1")
    assert await store.load("b") == (0, b"b0")
    await store.delete("a")
    assert await store.load("b") == (0, b"b0")
    assert await store.commit("b", 0, None)
    assert await store.load_many(["a", "b"]) == [None, None]


async def test_document_keys_lists_live_documents_by_prefix(store: Store) -> None:
    await store.create("match:m1", b"a")
    await store.create("match:m2", b"b", ttl=3600)
    await store.create("room:R1", b"c")
    await store.create("match:gone", b"d")
    await store.delete("match:gone")
    assert await store.commit("match:m1", 0, b"a1")
    await store.set_add("match:set-not-a-document", "x")
    assert sorted(await store.document_keys("match:")) == ["match:m1", "match:m2"]
    assert await store.document_keys("room:") == ["room:R1"]
    assert await store.document_keys("nothing:") == []


async def test_namespaces_do_not_collide(store: Store) -> None:
    """Documents, sets, queues, timers and presence may all use the same key."""
    await store.create("k", b"doc")
    await store.set_add("k", "member")
    assert await store.queue_join("k", "member", b"queued", 2) == []
    await store.timer_set("k", 1.0, b"timer")
    await store.adjust_presence("k", "member", 1)
    assert await store.load("k") == (0, b"doc")
    assert await store.set_members("k") == {"member"}
    assert await store.queue_length("k") == 1
    assert await store.presence("k") == {"member": 1}
    assert await store.timers_due(1.0) == [("k", b"timer")]


# -- sets -------------------------------------------------------------------------------------


async def test_set_add_remove_members(store: Store) -> None:
    assert await store.set_members("rooms") == set()
    assert await store.set_add("rooms", "r1")
    assert not await store.set_add("rooms", "r1")
    assert await store.set_add("rooms", "ünï 2")
    assert await store.set_add("other", "r1")
    assert await store.set_members("rooms") == {"r1", "ünï 2"}

    assert await store.set_remove("rooms", "r1")
    assert not await store.set_remove("rooms", "r1")
    assert not await store.set_remove("rooms", "never")
    assert not await store.set_remove("nothing", "r1")
    assert await store.set_members("rooms") == {"ünï 2"}
    assert await store.set_members("other") == {"r1"}

    assert await store.set_remove("rooms", "ünï 2")
    assert await store.set_members("rooms") == set()
    assert await store.set_add("rooms", "r1")  # an emptied set works as a new one
    assert await store.set_members("rooms") == {"r1"}


async def test_set_add_and_remove_under_concurrency(store: Store, peer: Store) -> None:
    handles = [store, peer]
    adds = [handles[i % 2].set_add("s", f"m{i % 10}") for i in range(100)]
    added = await asyncio.wait_for(asyncio.gather(*adds), TIMEOUT)
    assert added.count(True) == 10
    assert await peer.set_members("s") == {f"m{i}" for i in range(10)}
    removes = [handles[i % 2].set_remove("s", f"m{i % 10}") for i in range(100)]
    removed = await asyncio.wait_for(asyncio.gather(*removes), TIMEOUT)
    assert removed.count(True) == 10
    assert await store.set_members("s") == set()


# -- queues -----------------------------------------------------------------------------------


async def test_queue_pops_a_group_once_size_is_reached(store: Store) -> None:
    assert await store.queue_length("q") == 0
    assert await store.queue_join("q", "ann", b"A", 3) == []
    assert await store.queue_join("q", "bob", b"B", 3) == []
    assert await store.queue_length("q") == 2
    assert await store.queue_join("q", "cat", b"C", 3) == [b"A", b"B", b"C"]
    assert await store.queue_length("q") == 0
    assert await store.queue_join("q", "ann", b"A again", 2) == []  # popped: may join again
    assert await store.queue_length("q") == 1


async def test_queue_returns_the_oldest_size_in_order(store: Store) -> None:
    for i in range(5):
        assert await store.queue_join("q", f"m{i}", b"p%d" % i, 10) == []
    assert await store.queue_length("q") == 5
    # A smaller size than waits: the oldest 2 go, in queue order; the rest keep their place.
    assert await store.queue_join("q", "m5", b"p5", 2) == [b"p0", b"p1"]
    assert await store.queue_length("q") == 4
    assert await store.queue_join("q", "m6", b"p6", 3) == [b"p2", b"p3", b"p4"]
    assert await store.queue_join("q", "m7", b"p7", 3) == [b"p5", b"p6", b"p7"]
    assert await store.queue_length("q") == 0


async def test_queue_size_one_returns_the_joiner(store: Store) -> None:
    assert await store.queue_join("q", "solo", b"S", 1) == [b"S"]
    assert await store.queue_length("q") == 0


async def test_duplicate_join_changes_nothing(store: Store) -> None:
    assert await store.queue_join("q", "ann", b"first", 3) == []
    assert await store.queue_join("q", "bob", b"B", 3) == []
    assert await store.queue_join("q", "ann", b"second", 3) == []  # no change: still 2
    assert await store.queue_length("q") == 2
    # ann keeps her place and her payload.
    assert await store.queue_join("q", "cat", b"C", 3) == [b"first", b"B", b"C"]


async def test_duplicate_join_still_checks_the_size(store: Store) -> None:
    assert await store.queue_join("q", "ann", b"A", 3) == []
    assert await store.queue_join("q", "bob", b"B", 3) == []
    assert await store.queue_join("q", "bob", b"ignored", 2) == [b"A", b"B"]
    assert await store.queue_length("q") == 0


async def test_queue_leave(store: Store) -> None:
    await store.queue_join("q", "ann", b"A", 3)
    await store.queue_join("q", "bob", b"B", 3)
    await store.queue_join("q", "cat", b"C", 4)
    assert await store.queue_leave("q", "bob")
    assert not await store.queue_leave("q", "bob")
    assert not await store.queue_leave("q", "never")
    assert not await store.queue_leave("elsewhere", "ann")
    assert await store.queue_length("q") == 2
    assert await store.queue_join("q", "bob", b"B2", 3) == [b"A", b"C", b"B2"]  # back of the line
    assert not await store.queue_leave("q", "ann")  # already matched
    assert await store.queue_join("q", "dan", b"D", 2) == []
    assert await store.queue_leave("q", "dan")  # the last one: the queue is empty again
    assert await store.queue_length("q") == 0
    assert await store.queue_join("q", "eve", b"E", 2) == []
    assert await store.queue_join("q", "fay", b"F", 2) == [b"E", b"F"]


async def test_queues_are_independent(store: Store) -> None:
    assert await store.queue_join("q1", "ann", b"A1", 2) == []
    assert await store.queue_join("q2", "ann", b"A2", 2) == []
    assert await store.queue_join("q2", "bob", b"B2", 2) == [b"A2", b"B2"]
    assert await store.queue_length("q1") == 1
    assert await store.queue_leave("q1", "ann")


@pytest.mark.parametrize("size", [0, -1])
async def test_queue_size_must_be_positive(store: Store, size: int) -> None:
    with pytest.raises(ValueError):
        await store.queue_join("q", "ann", b"A", size)
    assert await store.queue_length("q") == 0


async def test_concurrent_joins_form_each_group_once(store: Store, peer: Store) -> None:
    """200 members join at once through two stores (two processes), in pairs."""
    handles = [store, peer]
    rng = random.Random(7)
    members = [f"player-{i}" for i in range(200)]

    async def join(i: int) -> list[bytes]:
        await _interleave(rng)
        return await handles[i % 2].queue_join("ranked", members[i], members[i].encode(), 2)

    results = await asyncio.wait_for(
        asyncio.gather(*(join(i) for i in range(len(members)))), TIMEOUT
    )
    groups = [group for group in results if group]
    assert len(groups) == 100
    assert all(len(group) == 2 and group[0] != group[1] for group in groups)
    placed = Counter(payload.decode() for group in groups for payload in group)
    assert placed == Counter(members)  # everybody in exactly one group
    assert await store.queue_length("ranked") == 0
    assert await peer.queue_length("ranked") == 0


async def test_concurrent_duplicate_joins_queue_a_member_once(store: Store, peer: Store) -> None:
    handles = [store, peer]
    joins = [handles[i % 2].queue_join("q", f"m{i % 5}", b"%d" % (i % 5), 10) for i in range(100)]
    assert await asyncio.wait_for(asyncio.gather(*joins), TIMEOUT) == [[]] * 100
    assert await store.queue_length("q") == 5
    leaves = [handles[i % 2].queue_leave("q", f"m{i % 5}") for i in range(100)]
    left = await asyncio.wait_for(asyncio.gather(*leaves), TIMEOUT)
    assert left.count(True) == 5
    assert await store.queue_length("q") == 0


async def test_leave_racing_a_completing_join(store: Store, peer: Store) -> None:
    """A member leaves just as a join completes its group: matched or left, never both/neither."""
    rng = random.Random(42)
    outcomes: Counter[str] = Counter()
    for round_ in range(100):
        assert await store.queue_join("q", "waiting", b"W%d" % round_, 2) == []
        leaver, joiner = rng.sample([store, peer], 2)

        async def leave(leaver: Store = leaver) -> bool:
            await _interleave(rng)
            return await leaver.queue_leave("q", "waiting")

        async def join(joiner: Store = joiner, round_: int = round_) -> list[bytes]:
            await _interleave(rng)
            return await joiner.queue_join("q", "joiner", b"J%d" % round_, 2)

        left, group = await asyncio.wait_for(asyncio.gather(leave(), join()), TIMEOUT)
        if left:
            assert group == [], f"round {round_}: left and matched"
            assert await store.queue_length("q") == 1  # the joiner waits alone
            assert await store.queue_leave("q", "joiner")
            outcomes["left"] += 1
        else:
            assert group == [b"W%d" % round_, b"J%d" % round_], f"round {round_}: neither"
            outcomes["matched"] += 1
        assert await store.queue_length("q") == 0
    assert sum(outcomes.values()) == 100


async def live_owner(store: Store, owner: str) -> Subscription:
    """Make `owner` live: its document exists and its topic has a subscriber."""
    await store.create(owner, b"")
    return await store.subscribe(owner, lambda payload: None)


async def test_queue_drops_members_whose_owner_is_gone(store: Store) -> None:
    """A member queued with an owner is matched only while that owner is live."""
    await live_owner(store, "process:live")
    dead = await live_owner(store, "process:dead")
    assert await store.queue_join("q", "ann", b"A", 2, owner="process:dead") == []
    assert await store.queue_join("q", "bot", b"R", 3) == []  # no owner: always counts
    await dead.close()  # its process died: the document is left, the subscription is not
    assert await store.queue_join("q", "bob", b"B", 2, owner="process:live") == [b"R", b"B"]
    assert await store.queue_length("q") == 0  # ann was dropped, not put back
    assert not await store.queue_leave("q", "ann")


async def test_queue_keeps_live_members_in_order_past_ghosts(store: Store) -> None:
    await live_owner(store, "process:live")
    await live_owner(store, "process:dead")
    for name in ("g1", "ann", "g2", "g3", "bob"):
        owner = "process:dead" if name.startswith("g") else "process:live"
        assert await store.queue_join("q", name, name.encode(), 9, owner=owner) == []
    await store.delete("process:dead")  # its document lapsed
    assert await store.queue_join("q", "cat", b"cat", 3, owner="process:live") == [
        b"ann",
        b"bob",
        b"cat",
    ]
    assert await store.queue_length("q") == 0
    assert await store.queue_join("q", "dan", b"dan", 2) == []  # nothing of the ghosts is left


async def test_queue_with_too_few_live_members_waits(store: Store) -> None:
    dead = await live_owner(store, "process:dead")
    assert await store.queue_join("q", "ann", b"A", 2, owner="process:dead") == []
    await dead.close()
    assert await store.queue_join("q", "bob", b"B", 2) == []
    assert await store.queue_length("q") == 1
    assert await store.queue_leave("q", "bob")


# -- timers -----------------------------------------------------------------------------------


async def test_timer_fires_once_when_due(store: Store) -> None:
    await store.timer_set("turn:m1", 100.0, b"p")
    assert await store.timers_due(99.999) == []
    assert await store.timers_due(100.0) == [("turn:m1", b"p")]  # due at exactly `now`
    assert await store.timers_due(1000.0) == []  # claimed: gone


async def test_timer_set_replaces(store: Store) -> None:
    await store.timer_set("t", 10.0, b"first")
    await store.timer_set("t", 20.0, b"second")
    assert await store.timers_due(15.0) == []
    assert await store.timers_due(20.0) == [("t", b"second")]
    await store.timer_set("t", 50.0, b"late")
    await store.timer_set("t", 5.0, b"early")  # rescheduling earlier works too
    assert await store.timers_due(5.0) == [("t", b"early")]
    assert await store.timers_due(100.0) == []


async def test_timers_cancel(store: Store) -> None:
    await store.timer_set("a", 10.0, b"A")
    await store.timer_set("b", 10.0, b"B")
    await store.timer_set("c", 10.0, b"C")
    assert await store.timers_cancel(["a", "never", "c"]) == [True, False, True]
    assert await store.timers_cancel(["a"]) == [False]
    assert await store.timers_cancel([]) == []
    assert await store.timers_due(10.0) == [("b", b"B")]
    assert await store.timers_cancel(["b"]) == [False]  # already fired
    await store.timer_set("a", 30.0, b"A again")  # a cancelled name can be set again
    assert await store.timers_due(30.0) == [("a", b"A again")]


async def test_timers_due_earliest_first(store: Store) -> None:
    dues = {f"t{i}": float(i) for i in range(20)}
    names = list(dues)
    random.Random(3).shuffle(names)
    for name in names:
        await store.timer_set(name, dues[name], name.encode())
    await store.timer_set("late", 1e9, b"later")
    claimed = await store.timers_due(19.0)
    assert claimed == [(f"t{i}", b"t%d" % i) for i in range(20)]
    assert await store.timers_due(1e9 - 1) == []
    assert await store.timers_due(1e9) == [("late", b"later")]


async def test_timers_due_ties_in_name_order(store: Store) -> None:
    for name in ["c", "a", "b"]:
        await store.timer_set(name, 7.0, name.encode())
    assert await store.timers_due(7.0) == [("a", b"a"), ("b", b"b"), ("c", b"c")]


async def test_timers_due_respects_limit(store: Store) -> None:
    for i in range(10):
        await store.timer_set(f"t{i}", float(i), b"%d" % i)
    assert await store.timers_due(100.0, limit=0) == []
    assert await store.timers_due(100.0, limit=3) == [("t0", b"0"), ("t1", b"1"), ("t2", b"2")]
    assert await store.timers_due(100.0, limit=3) == [("t3", b"3"), ("t4", b"4"), ("t5", b"5")]
    assert await store.timers_due(100.0) == [(f"t{i}", b"%d" % i) for i in range(6, 10)]
    assert await store.timers_due(100.0) == []


async def test_timers_not_yet_due_stay(store: Store) -> None:
    due = 1_700_000_000.123456  # an epoch time, to the microsecond
    await store.timer_set("soon", due, b"S")
    await store.timer_set("now", due - 1.0, b"N")
    assert await store.timers_due(due - 0.000001) == [("now", b"N")]
    assert await store.timers_due(due - 0.000001) == []
    assert await store.timers_due(due) == [("soon", b"S")]


async def test_timer_names_and_payloads_are_opaque(store: Store) -> None:
    payload = bytes(range(256))
    await store.timer_set("ünï:code/timer", 1.0, payload)
    await store.timer_set("empty", 2.0, b"")
    assert await store.timers_due(2.0) == [("ünï:code/timer", payload), ("empty", b"")]


async def test_concurrent_claims_take_each_timer_once(store: Store, peer: Store) -> None:
    """100 due timers, 20 claimers per store (process) polling at once: each claimed once."""
    names = [f"timer-{i}" for i in range(100)]
    for i, name in enumerate(names):
        await store.timer_set(name, 1000.0 + i % 7, name.encode())
    await store.timer_set("not yet", 2000.0, b"later")
    handles = [store, peer]
    rng = random.Random(5)

    async def claimer(i: int) -> list[tuple[str, bytes]]:
        claimed: list[tuple[str, bytes]] = []
        while batch := await handles[i % 2].timers_due(1500.0, limit=3):
            claimed += batch
            await _interleave(rng)
            await asyncio.sleep(0)  # let the other claimers in, even in memory
        return claimed

    results = await asyncio.wait_for(asyncio.gather(*(claimer(i) for i in range(40))), TIMEOUT)
    claimed = [entry for batch in results for entry in batch]
    assert Counter(name for name, _ in claimed) == Counter(names)  # each exactly once
    assert all(payload == name.encode() for name, payload in claimed)
    assert sum(1 for batch in results if batch) > 1  # the claimers really did share the work
    for batch in results:  # each claimer saw its timers earliest first
        assert [1000.0 + int(name[6:]) % 7 for name, _ in batch] == sorted(
            1000.0 + int(name[6:]) % 7 for name, _ in batch
        )
    assert await peer.timers_due(1500.0) == []
    assert await store.timers_due(2000.0) == [("not yet", b"later")]


# -- publish / subscribe ----------------------------------------------------------------------


async def test_publish_order_is_kept(store: Store, peer: Store, collect: Collect) -> None:
    heard = collect()
    await store.subscribe("chat:lobby", heard)
    payloads = [b"%d" % i for i in range(1000)]
    for payload in payloads:
        await peer.publish("chat:lobby", payload)
    assert await heard.wait_for_count(1000) == payloads


async def test_publish_right_after_subscribe_arrives(
    store: Store, peer: Store, collect: Collect
) -> None:
    for i in range(20):
        heard = collect()
        await store.subscribe(f"fresh:{i}", heard)
        await peer.publish(f"fresh:{i}", b"hello")
        assert await heard.wait_for_count(1) == [b"hello"]


async def test_every_listener_hears_every_payload_in_order(store: Store, collect: Collect) -> None:
    log: list[tuple[str, bytes]] = []
    names = ["a", "b", "c"]
    for name in names:
        await store.subscribe("room:1", collect(name, log))
    elsewhere = collect("elsewhere")
    await store.subscribe("room:2", elsewhere)
    last = collect("last")
    await store.subscribe("room:1", last)

    payloads = [b"p%d" % i for i in range(10)]
    for payload in payloads:
        await store.publish("room:1", payload)
    await last.wait_for_count(len(payloads))

    assert log == [(name, payload) for payload in payloads for name in names]
    assert elsewhere.payloads == []


async def test_closed_subscription_hears_nothing(
    store: Store, peer: Store, collect: Collect
) -> None:
    first, second = collect("first"), collect("second")
    sub_first = await store.subscribe("t", first)
    sub_second = await store.subscribe("t", second)
    await peer.publish("t", b"1")
    await second.wait_for_count(1)

    await sub_first.close()
    await sub_first.close()  # idempotent
    await peer.publish("t", b"2")
    assert await second.wait_for_count(2) == [b"1", b"2"]
    assert first.payloads == [b"1"]

    await sub_second.close()  # the topic's last listener: Redis UNSUBSCRIBEs
    third = collect("third")
    sub_third = await store.subscribe("t", third)
    await peer.publish("t", b"3")
    assert await third.wait_for_count(1) == [b"3"]
    assert first.payloads == [b"1"]
    assert second.payloads == [b"1", b"2"]
    await sub_third.close()
    await sub_second.close()


async def test_resubscribing_while_unsubscribing(
    store: Store, peer: Store, collect: Collect
) -> None:
    for i in range(10):
        old = await store.subscribe("churn", collect())
        closing = asyncio.create_task(old.close())
        await asyncio.sleep(0)  # let the close start: it is now unsubscribing the topic
        heard = collect()
        new = await store.subscribe("churn", heard)
        await asyncio.wait_for(closing, TIMEOUT)
        await peer.publish("churn", b"%d" % i)
        assert await heard.wait_for_count(1) == [b"%d" % i]
        await new.close()


async def test_failing_listener_does_not_stop_the_others(
    store: Store, collect: Collect, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(payload: bytes) -> None:
        raise ValueError(f"boom on {payload!r}")

    before, after = collect(), collect()
    await store.subscribe("t", before)
    await store.subscribe("t", explode)
    await store.subscribe("t", after)
    with caplog.at_level(logging.ERROR):
        await store.publish("t", b"1")
        await store.commit("missing", 0, b"x", [("t", b"never")])
        await store.create("d", b"s0")
        await store.commit("d", 0, b"s1", [("t", b"2")])
        assert await after.wait_for_count(2) == [b"1", b"2"]
    assert before.payloads == [b"1", b"2"]
    assert any("boom on b'1'" in (r.exc_text or "") for r in caplog.records)
    assert any("boom on b'2'" in (r.exc_text or "") for r in caplog.records)


async def test_commit_announcements_arrive_in_commit_order(
    store: Store, peer: Store, collect: Collect
) -> None:
    heard_here, heard_there = collect(), collect()
    await store.subscribe("match:m1", heard_here)
    await peer.subscribe("match:m1", heard_there)
    await store.create("match:m1", b"s0")
    for version in range(100):
        handle = store if version % 2 else peer
        announcement = [("match:m1", b"v%d" % (version + 1))]
        assert await handle.commit("match:m1", version, b"s", announcement)
    expected = [b"v%d" % version for version in range(1, 101)]
    assert await heard_here.wait_for_count(100) == expected
    assert await heard_there.wait_for_count(100) == expected


# -- presence ---------------------------------------------------------------------------------


async def test_presence_counts_and_clamps(store: Store) -> None:
    assert await store.presence("lobby") == {}
    assert await store.adjust_presence("lobby", "ann", 1) == 1
    assert await store.adjust_presence("lobby", "ann", 1) == 2
    assert await store.adjust_presence("lobby", "bob", 1) == 1
    assert await store.presence("lobby") == {"ann": 2, "bob": 1}

    assert await store.adjust_presence("lobby", "ann", -1) == 1
    assert await store.adjust_presence("lobby", "bob", -5) == 0  # clamped
    assert await store.adjust_presence("lobby", "carl", -1) == 0  # never there
    assert await store.adjust_presence("lobby", "ann", 0) == 1
    assert await store.presence("lobby") == {"ann": 1}
    assert await store.presence("room:1") == {}

    assert await store.adjust_presence("lobby", "ann", -1) == 0
    assert await store.presence("lobby") == {}
    assert await store.adjust_presence("lobby", "bob", 1) == 1  # counts restart at 0
    assert await store.presence("lobby") == {"bob": 1}


async def test_presence_under_concurrency(store: Store, peer: Store) -> None:
    handles = [store, peer]
    joins = [handles[i % 2].adjust_presence("room:1", "ann", 1) for i in range(100)]
    await asyncio.wait_for(asyncio.gather(*joins), TIMEOUT)
    assert await store.presence("room:1") == {"ann": 100}
    leaves = [handles[i % 2].adjust_presence("room:1", "ann", -1) for i in range(100)]
    counts = await asyncio.wait_for(asyncio.gather(*leaves), TIMEOUT)
    assert sorted(counts) == list(range(100))
    assert await peer.presence("room:1") == {}


async def test_leases_count_like_connections(store: Store) -> None:
    await store.create("process:a", b"")
    assert await store.hold_presence("match:m1", "0", "process:a", "1") == 1
    assert await store.hold_presence("match:m1", "0", "process:a", "2") == 2
    assert await store.hold_presence("match:m1", "0", "process:a", "2") == 2  # held already
    assert await store.adjust_presence("match:m1", "0", 1) == 3  # counts with the rest
    assert await store.presence("match:m1") == {"0": 3}
    assert await store.release_presence("match:m1", "0", "process:a", "1") == 2
    assert await store.release_presence("match:m1", "0", "process:a", "1") is None  # given back
    assert await store.release_presence("match:m1", "0", "process:a", "never") is None
    assert await store.release_presence("match:m1", "0", "process:a", "2") == 1
    assert await store.presence("match:m1") == {"0": 1}


async def test_no_lease_is_held_for_a_gone_owner(store: Store) -> None:
    with pytest.raises(OwnerGone):
        await store.hold_presence("match:m1", "0", "process:never", "1")
    assert await store.presence("match:m1") == {}


async def test_reap_gives_back_what_a_gone_owner_held_once(store: Store, peer: Store) -> None:
    dead = await live_owner(store, "process:dead")
    await live_owner(store, "process:live")
    await store.hold_presence("match:m1", "0", "process:dead", "1")
    await store.hold_presence("match:m1", "0", "process:dead", "2")
    await store.hold_presence("match:m1", "1", "process:dead", "3")
    await store.hold_presence("match:m1", "1", "process:live", "1")
    await store.hold_presence("queue:tictactoe:2", "ann", "process:dead", "4")
    assert await store.reap_presence("process:dead") is None  # live: nothing is taken

    await dead.close()  # its process died, its document not lapsed yet
    reaps = [handle.reap_presence("process:dead") for handle in (store, peer, store, peer)]
    results = await asyncio.wait_for(asyncio.gather(*reaps), TIMEOUT)
    [reaped] = [result for result in results if result]
    assert sorted(reaped) == [
        ("match:m1", "0", 0),
        ("match:m1", "1", 1),
        ("queue:tictactoe:2", "ann", 0),
    ]
    assert results.count([]) == 3  # the others found it reaped already
    assert await store.load("process:dead") is None  # its document goes with it
    assert await store.presence("match:m1") == {"1": 1}
    assert await store.presence("queue:tictactoe:2") == {}
    assert await store.release_presence("match:m1", "0", "process:dead", "1") is None
    assert await store.release_presence("match:m1", "1", "process:live", "1") == 0
    with pytest.raises(OwnerGone):
        await store.hold_presence("match:m1", "0", "process:dead", "5")


async def test_an_owner_whose_document_lapsed_is_reaped(store: Store) -> None:
    await live_owner(store, "process:stalled")  # still subscribed: it hangs
    await store.hold_presence("room:r", "ann", "process:stalled", "1")
    await store.delete("process:stalled")
    assert await store.reap_presence("process:stalled") == [("room:r", "ann", 0)]
    assert await store.reap_presence("process:never-registered") == []


async def test_a_hold_never_outlives_its_owners_reap(store: Store, peer: Store) -> None:
    """Holds racing the reap of their owner: each is either taken back by the reap or refused."""
    subscription = await live_owner(store, "process:p")
    handles = [store, peer]

    async def hold(i: int) -> bool:
        try:
            await handles[i % 2].hold_presence("room:r", f"m{i}", "process:p", str(i))
        except OwnerGone:
            return False
        return True

    async def reap() -> list[Reaped] | None:
        await subscription.close()
        return await peer.reap_presence("process:p")

    *held, reaped = await asyncio.wait_for(
        asyncio.gather(*(hold(i) for i in range(20)), reap()), TIMEOUT
    )
    assert reaped is not None
    assert {member for _, member, _ in reaped} == {f"m{i}" for i, ok in enumerate(held) if ok}
    assert await store.presence("room:r") == {}


# -- counters ---------------------------------------------------------------------------------


async def test_count_adds_clamps_and_starts_only_on_a_positive_amount(store: Store) -> None:
    assert await store.count("tries", 0, 60) == 0
    assert await store.count("tries", -1, 60) == 0  # no counter started
    assert await store.count("tries", 1, 60) == 1
    assert await store.count("tries", 2, 60) == 3
    assert await store.count("tries", -1, 60) == 2
    assert await store.count("tries", -5, 60) == 0  # clamped
    assert await store.count("tries", 0, 60) == 0
    assert await store.count("other", 1, 60) == 1  # counters are independent


async def test_count_expires_a_window_after_it_started(store: Store) -> None:
    assert await store.count("tries", 1, 0.3) == 1
    assert await store.count("tries", 1, 60) == 2  # a later window does not extend it
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while await store.count("tries", 0, 60) != 0:
        assert asyncio.get_running_loop().time() < deadline, "the counter never expired"
        await asyncio.sleep(0.05)
    assert await store.count("tries", 1, 60) == 1  # a new window


async def test_count_under_concurrency(store: Store, peer: Store) -> None:
    handles = [store, peer]
    adds = [handles[i % 2].count("tries", 1, 60) for i in range(100)]
    counts = await asyncio.wait_for(asyncio.gather(*adds), TIMEOUT)
    assert sorted(counts) == list(range(1, 101))


# -- racing commits ---------------------------------------------------------------------------


async def _subscribe_both(
    store: Store, peer: Store, topic: str, collect: Collect
) -> tuple[Any, Any]:
    heard_here, heard_there = collect("here"), collect("there")
    await store.subscribe(topic, heard_here)
    await peer.subscribe(topic, heard_there)
    return heard_here, heard_there


async def _assert_heard_exactly(
    store: Store, topic: str, listeners: tuple[Any, ...], expected: list[bytes]
) -> None:
    """Each listener heard `expected`, in order, and nothing else (checked with a marker)."""
    await store.publish(topic, b"end")
    for listener in listeners:
        assert await listener.wait_for_payload(b"end") == [*expected, b"end"]


async def test_conflicting_commits_have_one_winner(
    store: Store, peer: Store, collect: Collect
) -> None:
    """Every round, 50 contenders read the same version, then all commit at once."""
    await store.create("race", b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]  # two connection pools, as two processes would have
    announcements: list[bytes] = []

    for round_ in range(ROUNDS):
        barrier = asyncio.Barrier(CONTENDERS)

        async def contend(i: int, barrier: asyncio.Barrier = barrier) -> bool:
            handle = handles[i % 2]
            loaded = await handle.load("race")
            assert loaded is not None
            version = loaded[0]
            await barrier.wait()
            announcement = b"%d:%d" % (version + 1, i)
            return await handle.commit("race", version, b"blob %d" % i, [("race", announcement)])

        results = await asyncio.wait_for(
            asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT
        )
        winners = [i for i, won in enumerate(results) if won]
        assert len(winners) == 1, f"round {round_}: winners {winners}"
        announcements.append(b"%d:%d" % (round_ + 1, winners[0]))
        assert await store.load("race") == (round_ + 1, b"blob %d" % winners[0])

    await _assert_heard_exactly(store, "race", listeners, announcements)


async def test_conflicting_deletes_have_one_winner(
    store: Store, peer: Store, collect: Collect
) -> None:
    """Every round, 50 contenders read the same version, then all delete (or update) at once."""
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]
    announcements: list[bytes] = []
    deletions = 0

    for round_ in range(ROUNDS * 2):
        await store.create("race", b"start", version=round_)
        barrier = asyncio.Barrier(CONTENDERS)
        # Round 0: every contender deletes. Later rounds: even contenders delete, odd update.
        deletes = [round_ == 0 or i % 2 == 0 for i in range(CONTENDERS)]

        async def contend(
            i: int, barrier: asyncio.Barrier = barrier, deletes: list[bool] = deletes
        ) -> bool:
            handle = handles[i % 2]
            loaded = await handle.load("race")
            assert loaded is not None
            await barrier.wait()
            blob = None if deletes[i] else b"kept by %d" % i
            return await handle.commit("race", loaded[0], blob, [("race", b"%d" % i)])

        results = await asyncio.wait_for(
            asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT
        )
        winners = [i for i, won in enumerate(results) if won]
        assert len(winners) == 1, f"round {round_}: winners {winners}"
        [winner] = winners
        announcements.append(b"%d" % winner)
        if deletes[winner]:
            deletions += 1
            assert await peer.load("race") is None
        else:
            assert await peer.load("race") == (round_ + 1, b"kept by %d" % winner)
            await store.delete("race")

    assert deletions >= 1
    await _assert_heard_exactly(store, "race", listeners, announcements)


async def test_free_for_all_commits_win_each_version_once(
    store: Store, peer: Store, collect: Collect
) -> None:
    """50 contenders load and commit whenever they get to, repeated over several rounds."""
    await store.create("race", b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]
    rng = random.Random(1234)
    won: list[tuple[int, int]] = []  # (version won, contender)

    for _round in range(ROUNDS):

        async def contend(i: int) -> tuple[int, bool]:
            handle = handles[i % 2]
            loaded = await handle.load("race")
            assert loaded is not None
            version = loaded[0]
            await _interleave(rng)
            announcement = [("race", b"%d:%d" % (version + 1, i))]
            return version, await handle.commit("race", version, b"%d" % i, announcement)

        results = await asyncio.wait_for(
            asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT
        )
        won += [(version + 1, i) for i, (version, ok) in enumerate(results) if ok]

    versions = sorted(version for version, _ in won)
    assert versions == list(range(1, len(won) + 1))  # one winner per version, no gaps
    final = await store.load("race")
    assert final is not None
    assert final[0] == len(won)
    _, last_winner = max(won)
    assert final[1] == b"%d" % last_winner
    expected = [b"%d:%d" % (version, i) for version, i in sorted(won)]
    await _assert_heard_exactly(store, "race", listeners, expected)


async def test_retrying_contenders_each_win_exactly_once(
    store: Store, peer: Store, collect: Collect
) -> None:
    """50 contenders retry until their commit lands: 50 versions, one per contender."""
    await store.create("race", b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]
    rng = random.Random(99)

    async def contend(i: int) -> int:
        handle = handles[i % 2]
        while True:
            loaded = await handle.load("race")
            assert loaded is not None
            version = loaded[0]
            await _interleave(rng)
            announcement = [("race", b"%d:%d" % (version + 1, i))]
            if await handle.commit("race", version, b"%d" % i, announcement):
                return version + 1

    won = await asyncio.wait_for(
        asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT * 3
    )
    assert sorted(won) == list(range(1, CONTENDERS + 1))
    final = await store.load("race")
    assert final is not None
    assert final[0] == CONTENDERS
    assert final[1] == b"%d" % won.index(CONTENDERS)
    by_version = sorted((version, i) for i, version in enumerate(won))
    expected = [b"%d:%d" % (version, i) for version, i in by_version]
    await _assert_heard_exactly(store, "race", listeners, expected)


# -- choosing a store -------------------------------------------------------------------------


async def test_build_store_picks_the_implementation() -> None:
    assert isinstance(build_store(None), MemoryStore)
    assert isinstance(build_store(""), MemoryStore)
    from gamerooms.store.redis import RedisStore

    redis_store = build_store("redis://127.0.0.1:6379/0")  # connects lazily
    assert isinstance(redis_store, RedisStore)
    await redis_store.close()
