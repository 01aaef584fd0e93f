"""The journal's writer: a thread and a database connection of its own, committing in groups."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, TypeVar

from django.db import close_old_connections, connections, transaction

Item = TypeVar("Item")
Many = Callable[[list[Item]], None]
"""Writes items to the database: several at once when they arrive together."""


@dataclass(frozen=True, slots=True)
class _Job:
    """One item to write, how, and the future of the caller waiting for it, on its loop."""

    many: Many[Any]
    item: Any
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]

    def settle(self, error: Exception | None = None) -> None:
        """Let the caller go on (raising `error`, if given), unless its loop is closed."""
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(settle, self.future, error)


def settle(future: asyncio.Future[None], error: Exception | None = None) -> None:
    """Finish a writer's future: done, or failed with `error` (unless it is done already)."""
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


_STOP = None
"""Put on a writer's queue by `close`: write what came before, then close the connection."""


class DatabaseWriter:
    """Writes on a thread of its own, with a database connection of its own: the reads and
    lookups of the database thread (`sync_to_async`) never wait for them, nor they for those.

    Group commit: every write waiting when the thread becomes free goes into one transaction (rows
    of one kind in one statement), and each caller's `write` returns once that transaction is
    committed. When a group fails (a write raises, or the commit does: a constraint checked at
    commit), it is rolled back and each of its writes runs again on its own, so a bad write fails
    only its own caller."""

    def __init__(self, name: str = "gamerooms-journal-writer") -> None:
        self._name = name
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    async def write(self, many: Many[Item], item: Item) -> None:
        """Write `item` with `many` in the writer's next transaction; return once it is committed.

        Writes of the same `many` queued one after another share one call, `many(items)`. `many`
        runs in the writer's thread, in a transaction with other writes or, after a failed group,
        for its item alone in autocommit: it keeps to the database, and wraps statements that
        must stand or fall together in `transaction.atomic(savepoint=False)`."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if self._thread is None:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(
                target=_serve, args=(self._queue,), name=self._name, daemon=True
            )
            self._thread.start()
        self._queue.put(_Job(many, item, loop, future))
        await future

    async def close(self) -> None:
        """Write what is queued, close the writer's connection and stop its thread."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)
        await asyncio.to_thread(thread.join)


def _serve(jobs: queue.SimpleQueue[_Job | None]) -> None:
    """The writer's thread: commit what is queued, group by group, until told to stop."""
    try:
        while True:
            group = [jobs.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    group.append(jobs.get_nowait())
            waiting = [job for job in group if job is not _STOP]
            if waiting:
                _commit(waiting)
            if len(waiting) < len(group):
                return
    finally:
        connections.close_all()


def _commit(group: list[_Job]) -> None:
    try:
        close_old_connections()  # reconnect if the connection broke or outlived its age
    except Exception as error:
        for job in group:
            job.settle(error)
        return
    if len(group) > 1 and _together(group):
        return
    for job in group:
        _alone(job)


def _together(group: list[_Job]) -> bool:
    """Write the group in one transaction and settle every job; False (nothing settled, all
    rolled back) if any write or the commit failed."""
    try:
        with transaction.atomic():
            for many, jobs in groupby(group, key=lambda job: job.many):
                many([job.item for job in jobs])
    except Exception:
        return False
    for job in group:
        job.settle()
    return True


def _alone(job: _Job) -> None:
    try:
        job.many([job.item])
    except Exception as error:
        job.settle(error)
    else:
        job.settle()
