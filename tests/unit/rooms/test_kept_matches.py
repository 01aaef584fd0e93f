"""Where the store is the durable copy, a process applies a move to the match as it kept it,
without reading the store first; a change made meanwhile by another process is found by the
commit (or by the refusal), and the move is then decided on a fresh read. Where the journal
writes actions ahead, the match is always read first."""

from __future__ import annotations

import pytest

from gamerooms.engine import NotYourTurn
from gamerooms.store.memory import MemoryStore
from gamerooms.testing import FakeClock
from tests.unit.rooms.services import MemoryJournal, arrive, human, process, start


class CountingStore(MemoryStore):
    """The in-process store, counting the documents read."""

    loads = 0

    async def load(self, key: str) -> tuple[int, bytes] | None:
        """Count the read, then read."""
        self.loads += 1
        return await super().load(key)


class WritingAheadJournal(MemoryJournal):
    """A journal that is the durable copy of the actions."""

    writes_ahead = True


async def test_the_only_writer_of_a_match_commits_moves_without_reading_it() -> None:
    clock = FakeClock()
    store = CountingStore(clock=clock.now)
    proc = process(clock, store)
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    before = store.loads
    for seat, cell in [(0, 4), (1, 0), (0, 8)]:
        after = await proc.matches.act(match_id, seat, "place", {"cell": cell})
    assert store.loads == before
    assert after.version == 3 and (await proc.matches.get(match_id)).version == 3


async def test_a_move_on_a_match_another_process_changed_is_decided_on_a_fresh_read() -> None:
    first = process()
    second = process(first.clock, first.store, first.journal)
    match_id, _ = await start(first, "tictactoe", [human(0), human(1)])
    await arrive(first, match_id, 0, 1)
    await first.matches.act(match_id, 0, "place", {"cell": 4})  # `first` keeps version 1
    await second.matches.act(match_id, 1, "place", {"cell": 0})  # version 2: seat 0's turn

    # Refused on what `first` kept (seat 1's turn there), accepted on a fresh read.
    after = await first.matches.act(match_id, 0, "place", {"cell": 8})
    assert after.version == 3

    await second.matches.act(match_id, 1, "place", {"cell": 2})  # version 4: seat 0's turn
    with pytest.raises(NotYourTurn):  # legal on what `first` kept: its commit fails, and the
        await first.matches.act(match_id, 1, "place", {"cell": 1})  # fresh read refuses it
    now = await second.matches.get(match_id)
    assert now.version == 4
    assert now.core.data.cells == [1, None, 1, None, 0, None, None, None, 0]  # type: ignore[attr-defined]


async def test_a_match_another_process_resumed_takes_the_move_its_pause_would_refuse() -> None:
    first = process()
    second = process(first.clock, first.store, first.journal)
    match_id, _ = await start(first, "tictactoe", [human(0), human(1)])
    await arrive(first, match_id, 0, 1)
    await first.pauses.lose_seat(match_id, 1, "left")  # `first` keeps it paused
    await second.pauses.welcome_back(match_id, 1)  # active again, unseen by `first`

    after = await first.matches.act(match_id, 0, "place", {"cell": 4})
    assert after.version == 1 and after.status == "active"


async def test_a_move_at_the_expected_version_lands_though_the_kept_match_is_behind() -> None:
    """Another process paused and resumed the match: same version, a later revision. The
    move's commit on the kept match fails; the try on a fresh read lands."""
    first = process()
    second = process(first.clock, first.store, first.journal)
    match_id, _ = await start(first, "tictactoe", [human(0), human(1)])
    await arrive(first, match_id, 0, 1)
    kept = await first.matches.get(match_id)
    await second.pauses.lose_seat(match_id, 1, "left")
    await second.pauses.welcome_back(match_id, 1)

    after = await first.matches.act(match_id, 0, "place", {"cell": 4}, expected_version=0)
    assert after.version == 1 and after.revision == kept.revision + 3


async def test_with_a_journal_that_writes_ahead_every_move_reads_the_match_first() -> None:
    clock = FakeClock()
    store = CountingStore(clock=clock.now)
    proc = process(clock, store, WritingAheadJournal())
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    before = store.loads
    await proc.matches.act(match_id, 0, "place", {"cell": 4})
    await proc.matches.act(match_id, 1, "place", {"cell": 0})
    assert store.loads - before >= 2
