"""Timers kept in the store fire exactly once, however many processes race to run them."""

from __future__ import annotations

import asyncio
from collections import Counter

from gamerooms.rooms.ports import Clock
from gamerooms.rooms.timers import Timers
from gamerooms.runtime import SystemClock
from gamerooms.store.memory import MemoryStore
from gamerooms.testing import FakeClock
from tests.unit.rooms.services import (
    BOT_DELAY,
    DECIDE,
    GRACE,
    Process,
    bot,
    human,
    process,
    start,
)


def counting(clock: Clock, store: MemoryStore, fired: Counter[str], name: str) -> Timers:
    """Timers on the shared store whose "ping" handler counts (name, key) firings."""
    timers = Timers(store, clock)

    async def ping(key: str, payload: bytes) -> None:
        await asyncio.sleep(0)  # let the other process run in between
        fired[key] += 1
        fired[f"{name}:{key}"] += 1
        assert payload == key.encode()

    timers.on("ping", ping)
    return timers


async def test_a_timer_fires_once_when_two_processes_race() -> None:
    clock, store, fired = FakeClock(), MemoryStore(), Counter[str]()
    first = counting(clock, store, fired, "first")
    second = counting(clock, store, fired, "second")
    await first.set("ping", "only", 60, b"only")
    clock.advance(60)
    counts = await asyncio.gather(first.run_due(), second.run_due(), first.run_due())
    assert sum(counts) == 1
    assert fired["only"] == 1
    assert await second.run_due() == 0


async def test_many_timers_each_fire_once_across_processes() -> None:
    clock, store, fired = FakeClock(), MemoryStore(), Counter[str]()
    processes = [counting(clock, store, fired, f"p{index}") for index in range(3)]
    keys = [f"t{index}" for index in range(150)]
    for index, key in enumerate(keys):
        await processes[index % 3].set("ping", key, 10 + index % 7, key.encode())
    clock.advance(9)
    assert sum(await asyncio.gather(*(timers.run_due() for timers in processes))) == 0
    clock.advance(10)
    counts = await asyncio.gather(*(timers.run_due() for timers in processes))
    assert sum(counts) == len(keys)
    assert [fired[key] for key in keys] == [1] * len(keys)
    assert sum(1 for count in counts if count) >= 2, counts  # the work was shared


async def test_a_rescheduled_or_cancelled_timer_fires_as_last_told() -> None:
    clock, store, fired = FakeClock(), MemoryStore(), Counter[str]()
    timers = counting(clock, store, fired, "one")
    await timers.set("ping", "moved", 10, b"moved")
    await timers.set("ping", "moved", 30, b"moved")
    await timers.set("ping", "gone", 10, b"gone")
    assert await timers.cancel("ping", "gone") is True
    assert await timers.cancel("ping", "gone") is False
    clock.advance(20)
    assert await timers.run_due() == 0
    clock.advance(10)
    assert await timers.run_due() == 1
    assert fired == Counter({"moved": 1, "one:moved": 1})


def pair() -> tuple[Process, Process]:
    """Two processes' services on one store, one journal and one clock."""
    first = process()
    return first, process(first.clock, first.store, first.journal)


async def test_a_decision_timer_resumes_once_with_two_processes() -> None:
    first, second = pair()
    match_id, heard = await start(first, "tictactoe", [human(0), human(1)])
    await second.pauses.lose_seat(match_id, 1, "left")
    first.clock.advance(DECIDE)
    await asyncio.gather(first.timers.run_due(), second.timers.run_due())
    assert heard.types() == ["match.paused", "match.resumed"]
    match = await second.matches.get(match_id)
    assert match.is_bot(1) and match.status == "active"


async def test_a_grace_timer_pauses_once_with_two_processes() -> None:
    first, second = pair()
    match_id, heard = await start(first, "tictactoe", [human(0), human(1)])
    await first.presence.connected(match_id, 0)
    await second.presence.connected(match_id, 1)
    await second.presence.disconnected(match_id, 1, gone=False)
    first.clock.advance(GRACE)
    await asyncio.gather(first.timers.run_due(), second.timers.run_due())
    first.clock.advance(DECIDE)
    await asyncio.gather(second.timers.run_due(), first.timers.run_due())
    assert heard.types() == ["match.player_disconnected", "match.paused", "match.resumed"]


async def test_bot_moves_happen_once_with_two_processes() -> None:
    first, second = pair()
    match_id, heard = await start(first, "tictactoe", [bot("easy", 1), bot("easy", 2)])
    for _ in range(9):
        first.clock.advance(BOT_DELAY)
        await asyncio.gather(first.timers.run_due(), second.timers.run_due())
    match = await first.matches.get(match_id)
    assert match.finished
    versions = [update["version"] for update in heard.frames()]
    assert versions == list(range(1, match.version + 1))
    assert [entry[0] for entry in first.journal.log(match_id)] == versions


class CountedStore(MemoryStore):
    """A memory store that counts the claims of due timers (each wake-up asks once, or more)."""

    def __init__(self) -> None:
        super().__init__()
        self.claims = 0

    async def timers_due(self, now: float, limit: int = 100) -> list[tuple[str, bytes]]:
        """Count, then claim."""
        self.claims += 1
        return await super().timers_due(now, limit)


async def test_a_process_wakes_once_for_a_timer_it_moved_and_never_for_one_it_cancelled() -> None:
    store, fired = CountedStore(), Counter[str]()
    timers = counting(SystemClock(), store, fired, "one")
    await timers.set("ping", "moved", 0.01, b"moved")
    await timers.set("ping", "moved", 0.02, b"moved")
    await timers.set("ping", "gone", 0.01, b"gone")
    await timers.cancel("ping", "gone")
    await asyncio.sleep(0.1)
    assert fired == Counter({"moved": 1, "one:moved": 1})
    assert store.claims == 2  # one wake-up: a claim that fires "moved", then one that finds none
