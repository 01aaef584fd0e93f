"""A SQLite file that keeps the embedded store's documents, sets and timers across restarts.

Each change is written as it happens, in its own autocommit statement, on the caller's thread:
a small write in WAL mode costs tens of microseconds, less than a hop to a database thread, and
it is on disk (in the OS's page cache, which outlives a killed process) before the store call
returns. A document written `later` (a change its owner can rebuild after a crash, such as a
match's move, which the journal holds already) waits up to BATCH_SECONDS and is written with the
others of that time in one transaction, once however often it changed. Queues, presence and
pub/sub are not kept: they belong to sockets, which a restart closes anyway.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

BATCH_SECONDS: Final = 0.05
"""How long a document written `later` may wait to be written with the others."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, blob BLOB NOT NULL, expires REAL
);
CREATE TABLE IF NOT EXISTS members (
    key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member)
);
CREATE TABLE IF NOT EXISTS timers (
    name TEXT PRIMARY KEY, due REAL NOT NULL, payload BLOB NOT NULL
);
"""

# Upserts change a kept row in place; INSERT OR REPLACE would delete it and insert it again (more
# than twice the work for a document of a few kilobytes).
_PUT_DOCUMENT = """
INSERT INTO documents VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE
SET version = excluded.version, blob = excluded.blob, expires = excluded.expires
"""
_PUT_TIMER = """
INSERT INTO timers VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE
SET due = excluded.due, payload = excluded.payload
"""
Kept = tuple[int, bytes, float | None]
"""A document's version, blob and expiry (epoch seconds, or None)."""


class StateFile:
    """Durable copy of a MemoryStore's documents, set members and timers."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._later: dict[str, Kept] = {}
        self._batch: asyncio.TimerHandle | None = None

    def put_document(
        self, key: str, version: int, blob: bytes, expires: float | None, later: bool = False
    ) -> None:
        """Keep a document at this version (`expires`: epoch seconds, or None); `later`: with
        the others of the next BATCH_SECONDS (at once outside an event loop)."""
        if later:
            self._later[key] = (version, blob, expires)
            self._schedule_batch()
            return
        self._later.pop(key, None)
        self._db.execute(_PUT_DOCUMENT, (key, version, blob, expires))

    def drop_document(self, key: str) -> None:
        """Forget a document."""
        self._later.pop(key, None)
        self._db.execute("DELETE FROM documents WHERE key = ?", (key,))

    def write_batch(self) -> None:
        """Write the documents waiting to be written, in one transaction."""
        if self._batch is not None:
            self._batch.cancel()
            self._batch = None
        waiting, self._later = self._later, {}
        if not waiting:
            return
        self._db.execute("BEGIN")
        try:
            self._db.executemany(_PUT_DOCUMENT, [(key, *kept) for key, kept in waiting.items()])
            self._db.execute("COMMIT")
        except sqlite3.Error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            log.exception("writing %d documents to the state file failed", len(waiting))

    def _schedule_batch(self) -> None:
        if self._batch is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.write_batch()
            return
        self._batch = loop.call_later(BATCH_SECONDS, self.write_batch)

    def add_member(self, key: str, member: str) -> None:
        """Keep a set member."""
        self._db.execute("INSERT OR IGNORE INTO members VALUES (?, ?)", (key, member))

    def remove_member(self, key: str, member: str) -> None:
        """Forget a set member."""
        self._db.execute("DELETE FROM members WHERE key = ? AND member = ?", (key, member))

    def put_timer(self, name: str, due: float, payload: bytes) -> None:
        """Keep a pending timer."""
        self._db.execute(_PUT_TIMER, (name, due, payload))

    def drop_timer(self, name: str) -> None:
        """Forget a timer (fired or cancelled)."""
        self._db.execute("DELETE FROM timers WHERE name = ?", (name,))

    def documents(self, now: float) -> Iterator[tuple[str, int, bytes, float | None]]:
        """Every kept document that has not expired by `now`: key, version, blob, expiry."""
        self.write_batch()
        query = "SELECT key, version, blob, expires FROM documents"
        for key, version, blob, expires in self._db.execute(query).fetchall():
            if expires is None or expires > now:
                yield key, version, bytes(blob), expires

    def members(self) -> Iterator[tuple[str, str]]:
        """Every kept (set key, member)."""
        yield from self._db.execute("SELECT key, member FROM members").fetchall()

    def timers(self) -> Iterator[tuple[str, float, bytes]]:
        """Every kept timer: name, due, payload."""
        for name, due, payload in self._db.execute("SELECT name, due, payload FROM timers"):
            yield name, due, bytes(payload)

    def close(self) -> None:
        """Write what waits, then close the file."""
        self.write_batch()
        self._db.close()
