"""Group commit: action rows that arrive while a write is under way share the next transaction."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction

from gamerooms.models import ActionRecord


def _insert_each(rows: list[ActionRecord]) -> list[bool]:
    """Insert rows in one transaction, each in its own savepoint; False where the (match,
    version) was already recorded."""
    inserted = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                inserted.append(True)
            except IntegrityError:
                inserted.append(False)
    return inserted


class GroupCommit:
    """One database writer: every row is durable when `insert` returns, and rows from many
    matches share a transaction (and a trip to the database thread) under load."""

    def __init__(self) -> None:
        self._waiting: list[tuple[ActionRecord, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def insert(self, row: ActionRecord) -> bool:
        """Insert one row in the next group transaction; False if its version was taken."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await future

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                inserted = await sync_to_async(_insert_each)([row for row, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), done in zip(batch, inserted, strict=True):
                if not future.done():
                    future.set_result(done)
