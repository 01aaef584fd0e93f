"""Write-ahead rows on SQLite, committed from the event loop: the rows of one loop turn share a
transaction, each call returns once its row is committed, a duplicate fails only its caller,
and the rows read back through the ORM exactly as the ORM would have written them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord
from gamerooms.persistence.journal import DatabaseJournal
from gamerooms.persistence.write_ahead import SqliteWriteAhead, sqlite_database_file
from gamerooms.persistence.writer import DatabaseWriter
from gamerooms.rooms.ports import ActionEntry
from tests.integration.persistence.test_journal_writer import entry, new_match, versions_committed


@pytest.fixture
async def ahead(database: None) -> AsyncIterator[SqliteWriteAhead]:
    """The loop's write-ahead on the test database file (SQLite only)."""
    path = sqlite_database_file()
    if path is None:
        pytest.skip("the loop's write-ahead is for SQLite on disk; this run uses another database")
    log = SqliteWriteAhead(path)
    yield log
    log.close()


@pytest.fixture
def fast_journal(writer: DatabaseWriter, ahead: SqliteWriteAhead) -> DatabaseJournal:
    """A write-ahead journal whose action rows go through `ahead`."""
    return DatabaseJournal(write_ahead=True, writer=writer, ahead=ahead)


def committed_elsewhere(path: Path, match_id: str) -> list[int]:
    """The versions another connection sees committed."""
    with sqlite3.connect(path) as other:
        query = f"SELECT version FROM {ActionRecord._meta.db_table} WHERE match_id = ? ORDER BY 1"
        return [version for (version,) in other.execute(query, (match_id,))]


async def test_the_rows_of_one_loop_turn_share_one_transaction(
    fast_journal: DatabaseJournal, ahead: SqliteWriteAhead
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
