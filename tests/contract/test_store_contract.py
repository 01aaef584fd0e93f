"""The Store contract: every implementation must pass every test here (see conftest `store`)."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import pytest

from gamerooms.rooms.ports import Store, match_topic
from gamerooms.store import MemoryStore, build_store

TIMEOUT = 10.0
CONTENDERS = 50
ROUNDS = 5

Collect = Any  # the conftest `collect` fixture: a Collector class


# -- matches ----------------------------------------------------------------------------------


async def test_create_stores_once(store: Store) -> None:
    assert await store.create_match("m1", 0, b"first")
    assert not await store.create_match("m1", 5, b"second")
    assert await store.load_match("m1") == (0, b"first")


async def test_create_at_any_version_with_any_bytes(store: Store) -> None:
    blob = bytes(range(256)) * 8
    assert await store.create_match("ünïcode/id:1", 41, blob)
    assert await store.create_match("empty", 0, b"")
    assert await store.load_match("ünïcode/id:1") == (41, blob)
    assert await store.load_match("empty") == (0, b"")


async def test_load_missing_is_none(store: Store) -> None:
    assert await store.load_match("nobody") is None


async def test_commit_bumps_version_and_stores_blob(store: Store) -> None:
    await store.create_match("m1", 0, b"s0")
    assert await store.commit_match("m1", 0, b"s1", b"a1")
    assert await store.load_match("m1") == (1, b"s1")
    assert await store.commit_match("m1", 1, b"s2", b"a2")
    assert await store.load_match("m1") == (2, b"s2")


async def test_stale_commit_changes_and_announces_nothing(store: Store, collect: Collect) -> None:
    await store.create_match("m1", 0, b"s0")
    assert await store.commit_match("m1", 0, b"s1", b"a1")
    heard = collect()
    await store.subscribe(match_topic("m1"), heard)

    assert not await store.commit_match("m1", 0, b"stale", b"stale")
    assert not await store.commit_match("m1", 2, b"future", b"future")
    assert await store.load_match("m1") == (1, b"s1")

    # Announcements arrive in commit order, so the marker is the first thing heard.
    assert await store.commit_match("m1", 1, b"s2", b"marker")
    assert await heard.wait_for_count(1) == [b"marker"]


async def test_commit_on_missing_match_fails(store: Store, collect: Collect) -> None:
    heard = collect()
    await store.subscribe(match_topic("ghost"), heard)
    assert not await store.commit_match("ghost", 0, b"s1", b"a1")
    assert await store.load_match("ghost") is None
    await store.publish(match_topic("ghost"), b"marker")
    assert await heard.wait_for_count(1) == [b"marker"]


async def test_delete_forgets_and_is_idempotent(store: Store) -> None:
    await store.create_match("m1", 3, b"s3")
    await store.delete_match("m1")
    assert await store.load_match("m1") is None
    assert not await store.commit_match("m1", 3, b"s4", b"a4")
    await store.delete_match("m1")
    await store.delete_match("never-there")
    assert await store.create_match("m1", 0, b"again")
    assert await store.load_match("m1") == (0, b"again")


async def test_matches_are_independent(store: Store) -> None:
    await store.create_match("a", 0, b"a0")
    await store.create_match("b", 0, b"b0")
    assert await store.commit_match("a", 0, b"a1", b"x")
    assert await store.load_match("b") == (0, b"b0")
    await store.delete_match("a")
    assert await store.load_match("b") == (0, b"b0")


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
        await store.publish("t", b"2")
        assert await after.wait_for_count(2) == [b"1", b"2"]
    assert before.payloads == [b"1", b"2"]
    assert any("boom on b'1'" in (r.exc_text or "") for r in caplog.records)


async def test_commit_announcements_arrive_in_commit_order(
    store: Store, peer: Store, collect: Collect
) -> None:
    heard_here, heard_there = collect(), collect()
    await store.subscribe(match_topic("m1"), heard_here)
    await peer.subscribe(match_topic("m1"), heard_there)
    await store.create_match("m1", 0, b"s0")
    for version in range(100):
        handle = store if version % 2 else peer
        assert await handle.commit_match("m1", version, b"s", b"v%d" % (version + 1))
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


# -- racing commits ---------------------------------------------------------------------------


async def _subscribe_both(
    store: Store, peer: Store, match_id: str, collect: Collect
) -> tuple[Any, Any]:
    heard_here, heard_there = collect("here"), collect("there")
    await store.subscribe(match_topic(match_id), heard_here)
    await peer.subscribe(match_topic(match_id), heard_there)
    return heard_here, heard_there


async def _assert_heard_exactly(
    store: Store, match_id: str, listeners: tuple[Any, ...], expected: list[bytes]
) -> None:
    """Each listener heard `expected`, in order, and nothing else (checked with a marker)."""
    await store.publish(match_topic(match_id), b"end")
    for listener in listeners:
        assert await listener.wait_for_payload(b"end") == [*expected, b"end"]


async def test_conflicting_commits_have_one_winner(
    store: Store, peer: Store, collect: Collect
) -> None:
    """Every round, 50 contenders read the same version, then all commit at once."""
    await store.create_match("race", 0, b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]  # two connection pools, as two processes would have
    announcements: list[bytes] = []

    for round_ in range(ROUNDS):
        barrier = asyncio.Barrier(CONTENDERS)

        async def contend(i: int, round_: int = round_, barrier: asyncio.Barrier = barrier) -> bool:
            handle = handles[i % 2]
            loaded = await handle.load_match("race")
            assert loaded is not None
            version = loaded[0]
            await barrier.wait()
            announcement = b"%d:%d" % (version + 1, i)
            return await handle.commit_match("race", version, b"blob %d" % i, announcement)

        results = await asyncio.wait_for(
            asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT
        )
        winners = [i for i, won in enumerate(results) if won]
        assert len(winners) == 1, f"round {round_}: winners {winners}"
        announcements.append(b"%d:%d" % (round_ + 1, winners[0]))
        assert await store.load_match("race") == (round_ + 1, b"blob %d" % winners[0])

    await _assert_heard_exactly(store, "race", listeners, announcements)


async def test_free_for_all_commits_win_each_version_once(
    store: Store, peer: Store, collect: Collect
) -> None:
    """50 contenders load and commit whenever they get to, repeated over several rounds."""
    await store.create_match("race", 0, b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]
    rng = random.Random(1234)
    won: list[tuple[int, int]] = []  # (version won, contender)

    for _round in range(ROUNDS):
        yields = [rng.randrange(3) for _ in range(CONTENDERS)]

        async def contend(i: int, yields: list[int] = yields) -> tuple[int, bool]:
            handle = handles[i % 2]
            loaded = await handle.load_match("race")
            assert loaded is not None
            version = loaded[0]
            for _ in range(yields[i]):
                await asyncio.sleep(0)  # shuffle the interleaving, even in memory
            announcement = b"%d:%d" % (version + 1, i)
            return version, await handle.commit_match("race", version, b"%d" % i, announcement)

        results = await asyncio.wait_for(
            asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT
        )
        won += [(version + 1, i) for i, (version, ok) in enumerate(results) if ok]

    versions = sorted(version for version, _ in won)
    assert versions == list(range(1, len(won) + 1))  # one winner per version, no gaps
    final = await store.load_match("race")
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
    await store.create_match("race", 0, b"start")
    listeners = await _subscribe_both(store, peer, "race", collect)
    handles = [store, peer]
    rng = random.Random(99)

    async def contend(i: int) -> int:
        handle = handles[i % 2]
        while True:
            loaded = await handle.load_match("race")
            assert loaded is not None
            version = loaded[0]
            for _ in range(rng.randrange(3)):
                await asyncio.sleep(0)
            if await handle.commit_match("race", version, b"%d" % i, b"%d:%d" % (version + 1, i)):
                return version + 1

    won = await asyncio.wait_for(
        asyncio.gather(*(contend(i) for i in range(CONTENDERS))), TIMEOUT * 3
    )
    assert sorted(won) == list(range(1, CONTENDERS + 1))
    final = await store.load_match("race")
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
