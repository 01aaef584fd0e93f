"""The journal's writes on a SQLite database, committed from the event loop on a connection of
their own: no thread hop (whose GIL hand-overs stall the loop) and no ORM query on the hot path,
one transaction per loop turn for every write that arrived in it (group commit), WAL so that
readers never wait. Inserts (action rows, match records, seats) are built here from the
models' tables and columns, with values as Django keeps them on SQLite; updates are statements
that Django's own SQL compiler makes from querysets, so that they match what the ORM writes."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import sql

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord
from gamerooms.persistence.writer import settle
from gamerooms.rooms.ports import ActionEntry

BUSY_TIMEOUT_SECONDS = 5.0
"""How long an insert waits for another writer of the database (the journal's own thread)."""


Statement = tuple[str, Sequence[Any]]
"""SQL with `?` placeholders, and its parameters."""

_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _statement(compiled: str, params: Sequence[Any]) -> Statement:
    """Django's compiled SQL (`%s` placeholders) as sqlite3 takes it."""
    return _statement_of(_FORMAT_PLACEHOLDER.sub("?", compiled).replace("%%", "%"), params)


def _statement_of(text: str, params: Sequence[Any]) -> Statement:
    """SQL with `?` placeholders and its parameters (str subclasses, such as choices, as str)."""
    return text, tuple(str(value) if isinstance(value, str) else value for value in params)


_compiled: dict[tuple[Any, ...], str] = {}
"""SQL text compiled once per statement shape: only the parameters change between calls."""


def _insert_head(model: type[models.Model], names: Sequence[str]) -> str:
    """`INSERT INTO "table" ("column", ...)` for these fields of `model`."""
    meta = model._meta
    columns = ", ".join(f'"{meta.get_field(name).column}"' for name in names)  # type: ignore[union-attr]
    return f'INSERT INTO "{meta.db_table}" ({columns})'


def insert(model: type[models.Model], row: dict[str, Any]) -> Statement:
    """An INSERT of one row of `model`: field names to values as the database keeps them."""
    key = ("insert", model, tuple(row))
    if key not in _compiled:
        _compiled[key] = f"{_insert_head(model, tuple(row))} VALUES ({', '.join('?' * len(row))})"
    return _statement_of(_compiled[key], tuple(row.values()))


def insert_if_known(model: type[models.Model], row: dict[str, Any], parent: str) -> Statement:
    """An INSERT of one row of `model` that inserts nothing unless the row that its foreign key
    `parent` (a field name) points to exists."""
    key = ("insert-if-known", model, tuple(row), parent)
    if key not in _compiled:
        target = model._meta.get_field(parent).related_model._meta  # type: ignore[union-attr]
        exists = f'SELECT 1 FROM "{target.db_table}" WHERE "{target.pk.column}" = ?'
        marks = ", ".join("?" * len(row))
        _compiled[key] = f"{_insert_head(model, tuple(row))} SELECT {marks} WHERE EXISTS ({exists})"
    return _statement_of(_compiled[key], (*row.values(), row[parent]))


def database_json(value: Any) -> str:
    """A JSON field's value as Django keeps it on SQLite (JSON text)."""
    return orjson.dumps(value).decode()


def database_time(at: datetime) -> str:
    """A datetime as Django keeps it on SQLite: naive UTC text."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def update(model: type[models.Model], pk: Any, values: dict[str, Any]) -> Statement:
    """The UPDATE the ORM's `model.objects.filter(pk=pk).update(**values)` would run."""
    connection, meta = connections[DEFAULT_DB_ALIAS], model._meta
    names = tuple(values)
    params = [
        meta.get_field(name).get_db_prep_save(values[name], connection=connection)  # type: ignore[union-attr]
        for name in names
        if values[name] is not None
    ]
    params.append(meta.pk.get_db_prep_value(pk, connection))
    key = ("update", model, tuple((name, values[name] is None) for name in names))
    if key not in _compiled:
        queryset = model._default_manager.filter(pk=pk)
        query: sql.UpdateQuery = queryset.query.chain(sql.UpdateQuery)  # type: ignore[assignment]
        query.add_update_values(values)
        text, _ = query.get_compiler(connection=connection).as_sql()
        _compiled[key] = _statement(text, ())[0]
    return _statement_of(_compiled[key], params)


def _insert_statement() -> str:
    """The INSERT for one action row, with the columns Django gave the model."""
    names = ("match", "version", "seat", "name", "data", "at")
    return f"{_insert_head(ActionRecord, names)} VALUES ({', '.join('?' * len(names))})"


def _values(match_id: str, entry: ActionEntry) -> tuple[object, ...]:
    """A row's values as Django stores them on SQLite (JSON text, naive UTC datetime text)."""
    at = database_time(datetime.fromtimestamp(entry.at, tz=UTC))
    return (match_id, entry.version, entry.seat, entry.name, database_json(entry.data), at)


def sqlite_database_file() -> Path | None:
    """The default database's file when it is SQLite on disk (not in memory), else None."""
    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if not database["ENGINE"].endswith("sqlite3") or not name or "memory" in name:
        return None
    return Path(name)


class LoopSqliteWriter:
    """Commits journal writes from the event loop; each call returns once its writes are durable
    (WAL: they survive the process being killed). A write that fails fails its own caller, and
    no one else's (an action row whose (match, version) is recorded already: StaleVersion)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._insert = _insert_statement()
        self._waiting: list[tuple[list[Statement], asyncio.Future[None]]] = []
        self._failure: sqlite3.Error | None = None

    async def write(self, match_id: str, entry: ActionEntry) -> None:
        """Commit one action row with the others of this loop turn; return once it is."""
        try:
            await self.run([(self._insert, _values(match_id, entry))])
        except sqlite3.IntegrityError as error:
            raise StaleVersion(f"version {entry.version} is already recorded") from error

    async def run(self, statements: list[Statement]) -> None:
        """Commit these statements, together, in this loop turn's transaction; return once they
        are committed. If any fails (sqlite3.Error), none of them is."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._commit)
        self._waiting.append((statements, future))
        await future

    def select(self, statement: Statement) -> list[tuple[Any, ...]]:
        """The rows of a query, read at once (WAL: it waits for no writer)."""
        return self._db.execute(*statement).fetchall()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _commit(self) -> None:
        group, self._waiting = self._waiting, []
        if len(group) > 1 and self._together([statements for statements, _ in group]):
            for _, future in group:
                settle(future)
            return
        for statements, future in group:
            settle(future, None if self._together([statements]) else self._failure)

    def _together(self, jobs: list[list[Statement]]) -> bool:
        """Run every job's statements in one transaction; False (all rolled back, the error in
        `_failure`) if any failed."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for statements in jobs:
                for text, params in statements:
                    self._db.execute(text, params)
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._failure = error
            return False
        return True
