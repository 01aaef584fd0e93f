"""Journal writes on SQLite, committed from the event loop: the writes of one loop turn share a
transaction, each call returns once its write is committed, a duplicate fails only its caller,
and rows and match records read back through the ORM exactly as the ORM would write them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord, MatchRecord, MatchSeat
from gamerooms.persistence.journal import DatabaseJournal
from gamerooms.persistence.loop_writer import LoopSqliteWriter, sqlite_database_file
from gamerooms.persistence.players import create_guest
from gamerooms.persistence.writer import DatabaseWriter
from gamerooms.rooms.ports import ActionEntry
from tests.integration.persistence.test_journal_writer import entry, new_match, versions_committed


@pytest.fixture
async def ahead(database: None) -> AsyncIterator[LoopSqliteWriter]:
    """The loop's write-ahead on the test database file (SQLite only)."""
    path = sqlite_database_file()
    if path is None:
        pytest.skip("the loop's write-ahead is for SQLite on disk; this run uses another database")
    log = LoopSqliteWriter(path)
    yield log
    log.close()


@pytest.fixture
def fast_journal(writer: DatabaseWriter, ahead: LoopSqliteWriter) -> DatabaseJournal:
    """A write-ahead journal whose action rows go through `ahead`."""
    return DatabaseJournal(write_ahead=True, writer=writer, ahead=ahead)


def committed_elsewhere(path: Path, match_id: str) -> list[int]:
    """The versions another connection sees committed."""
    with sqlite3.connect(path) as other:
        query = f"SELECT version FROM {ActionRecord._meta.db_table} WHERE match_id = ? ORDER BY 1"
        return [version for (version,) in other.execute(query, (match_id,))]


async def test_the_rows_of_one_loop_turn_share_one_transaction(
    fast_journal: DatabaseJournal, ahead: LoopSqliteWriter
) -> None:
    match_id = await new_match(fast_journal)
    statements: list[str] = []
    ahead._db.set_trace_callback(statements.append)
    await asyncio.gather(*(fast_journal.write_ahead(match_id, entry(v)) for v in range(1, 21)))
    assert statements.count("COMMIT") == 1, statements
    assert await versions_committed(match_id) == list(range(1, 21))


async def test_a_row_is_committed_when_its_call_returns(fast_journal: DatabaseJournal) -> None:
    match_id = await new_match(fast_journal)
    path = sqlite_database_file()
    assert path is not None
    for version in (1, 2, 3):
        await fast_journal.write_ahead(match_id, entry(version))
        assert committed_elsewhere(path, match_id) == list(range(1, version + 1))


async def test_a_duplicate_fails_only_its_own_caller(fast_journal: DatabaseJournal) -> None:
    match_id = await new_match(fast_journal)
    await fast_journal.write_ahead(match_id, entry(1))
    outcomes = await asyncio.gather(
        fast_journal.write_ahead(match_id, entry(2)),
        fast_journal.write_ahead(match_id, entry(1)),
        fast_journal.write_ahead(match_id, entry(3)),
        return_exceptions=True,
    )
    assert outcomes[0] is None and outcomes[2] is None, outcomes
    assert isinstance(outcomes[1], StaleVersion), outcomes
    assert await versions_committed(match_id) == [1, 2, 3]


async def test_rows_read_back_through_the_orm_as_written(fast_journal: DatabaseJournal) -> None:
    match_id = await new_match(fast_journal)
    written = ActionEntry(1, 0, "place", {"cell": 4, "note": "é"}, 1_700_000_000.123456)
    await fast_journal.write_ahead(match_id, written)
    row = await sync_to_async(ActionRecord.objects.get)(match_id=match_id, version=1)
    assert (row.seat, row.name, row.data) == (written.seat, written.name, written.data)
    assert row.at == datetime.fromtimestamp(written.at, tz=UTC)
    history = await fast_journal.history(match_id)
    assert history is not None and history.actions == [(written.seat, written.name, written.data)]


async def test_match_records_are_written_as_the_orm_writes_them(
    fast_journal: DatabaseJournal, ahead: LoopSqliteWriter
) -> None:
    ann = await sync_to_async(create_guest)("Ann", None, None)
    players = [ann.to_wire(), {"id": "bot-1", "name": "Bot", "bot": True}]
    statements: list[str] = []
    ahead._db.set_trace_callback(statements.append)
    await fast_journal.match_created("m-loop-1", "tictactoe", {"clock": 30}, players, seed=11)
    await fast_journal.seats_changed("m-loop-1", [ann.to_wire(), ann.to_wire()])
    await fast_journal.match_finished("m-loop-1", {"winners": [0]}, 5)
    record = await sync_to_async(MatchRecord.objects.get)(id="m-loop-1")
    assert (record.game, record.settings, record.seed) == ("tictactoe", {"clock": 30}, 11)
    assert record.players == [ann.to_wire(), ann.to_wire()]
    assert (record.status, record.result, record.version) == ("finished", {"winners": [0]}, 5)
    assert record.created_at is not None and record.finished_at is not None
    seats = await sync_to_async(list)(MatchSeat.objects.filter(match_id="m-loop-1").values_list())
    assert [(seat, player) for _, _, seat, player in seats] == [(0, ann.id)]
    assert statements.count("COMMIT") == 3, statements
    await fast_journal.match_created("m-loop-2", "tictactoe", {}, players[::-1], seed=12)
    await fast_journal.match_finished("m-loop-2", {"winners": [1]}, 7)
    again = await sync_to_async(MatchRecord.objects.get)(id="m-loop-2")
    assert (again.players, again.seed, again.result) == (players[::-1], 12, {"winners": [1]})
    seats = await sync_to_async(list)(MatchSeat.objects.filter(match_id="m-loop-2").values_list())
    assert [(seat, player) for _, _, seat, player in seats] == [(1, ann.id)]
