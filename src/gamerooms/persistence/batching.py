"""Database batches: calls arriving while one is under way share the next trip to the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from asgiref.sync import sync_to_async

from gamerooms.rooms.background import spawn

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class DatabaseBatch(Generic[Item, Outcome]):
    """Runs `many` (in the database thread) for every item waiting when the previous run ends.

    Under load, many callers share one thread hop and one transaction; alone, a caller waits no
    longer than for its own call. `many` returns one outcome per item, in order."""

    def __init__(self, many: Callable[[list[Item]], list[Outcome]]) -> None:
        self._many = sync_to_async(many)
        self._waiting: list[tuple[Item, asyncio.Future[Outcome]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Outcome:
        """The outcome for one item, once its batch has run."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = spawn(self._run())
        return await future

    async def _run(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                outcomes = await self._many([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
