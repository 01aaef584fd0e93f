"""Write-ahead rows on a SQLite database, committed from the event loop on a connection of their
own: no thread hop and no ORM on the hot path, one transaction per loop turn for every row that
arrived in it (group commit), WAL so that readers never wait."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import orjson
from django.conf import settings

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord
from gamerooms.rooms.ports import ActionEntry

BUSY_TIMEOUT_SECONDS = 5.0
"""How long an insert waits for another writer of the database (the journal's own thread)."""


def _insert_statement() -> str:
    """The INSERT for one action row, with the columns Django gave the model."""
    meta = ActionRecord._meta
    names = ("match", "version", "seat", "name", "data", "at")
    columns = ", ".join(f'"{meta.get_field(name).column}"' for name in names)  # type: ignore[union-attr]
    return f'INSERT INTO "{meta.db_table}" ({columns}) VALUES (?, ?, ?, ?, ?, ?)'


def _values(match_id: str, entry: ActionEntry) -> tuple[object, ...]:
    """A row's values as Django stores them on SQLite (JSON text, naive UTC datetime text)."""
    at = datetime.fromtimestamp(entry.at, tz=UTC).replace(tzinfo=None)
    data = orjson.dumps(entry.data).decode()
    return (match_id, entry.version, entry.seat, entry.name, data, at.isoformat(" "))


def sqlite_database_file() -> Path | None:
    """The default database's file when it is SQLite on disk (not in memory), else None."""
    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if not database["ENGINE"].endswith("sqlite3") or not name or "memory" in name:
        return None
    return Path(name)


class SqliteWriteAhead:
    """Commits action rows before their update is announced; `write` returns once its row is
    durable (WAL: it survives the process being killed). A row whose (match, version) is
    recorded already fails its own caller with StaleVersion, and no one else's."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._insert = _insert_statement()
        self._waiting: list[tuple[tuple[object, ...], asyncio.Future[None]]] = []

    async def write(self, match_id: str, entry: ActionEntry) -> None:
        """Commit one action row with the others of this loop turn; return once it is."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._commit)
        self._waiting.append((_values(match_id, entry), future))
        await future

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _commit(self) -> None:
        group, self._waiting = self._waiting, []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(self._insert, [values for values, _ in group])
            self._db.execute("COMMIT")
        except sqlite3.Error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            for values, future in group:
                self._commit_alone(values, future)
            return
        for _, future in group:
            if not future.done():
                future.set_result(None)

    def _commit_alone(self, values: tuple[object, ...], future: asyncio.Future[None]) -> None:
        error: Exception | None = None
        try:
            self._db.execute(self._insert, values)
        except sqlite3.IntegrityError:
            error = StaleVersion(f"version {values[1]} is already recorded")
        except sqlite3.Error as failure:
            error = failure
        if future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
