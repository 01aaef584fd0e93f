"""The journal and the player directory on a real database: SQLite in a file, in WAL mode as
`gamerooms serve` has it (not pytest-django's shared in-memory database, whose table locks make
readers wait for writers), or PostgreSQL when DATABASE_URL names one."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from gamerooms.persistence.journal import DatabaseJournal
from gamerooms.persistence.writer import DatabaseWriter

TIMEOUT = 10.0
"""Seconds any single wait in these tests may take before it counts as a failure."""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite test databases live in a file of their own."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
async def database(transactional_db: None) -> AsyncIterator[None]:
    """Committed transactions, seen by every connection; afterwards the database thread's
    connection is closed (PostgreSQL drops a test database only once nobody is connected)."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
async def writer(database: None) -> AsyncIterator[DatabaseWriter]:
    """A writer of the test's own, closed afterwards."""
    writer = DatabaseWriter()
    yield writer
    await writer.close()


@pytest.fixture
def journal(writer: DatabaseWriter) -> DatabaseJournal:
    """A write-ahead journal (the embedded default's) on the test's writer."""
    return DatabaseJournal(write_ahead=True, writer=writer)


class Hold:
    """A write (of nothing) that keeps the writer busy, inside its transaction, until released."""

    def __init__(self) -> None:
        self._reached = threading.Event()
        self._released = threading.Event()

    def __call__(self, items: list[None]) -> None:
        self._reached.set()
        if not self._released.wait(TIMEOUT):
            raise TimeoutError("the writer was held too long")

    async def reached(self) -> None:
        """Return once the writer runs this job."""
        assert await asyncio.to_thread(self._reached.wait, TIMEOUT), "the writer never got here"

    def release(self) -> None:
        """Let the writer go on."""
        self._released.set()
