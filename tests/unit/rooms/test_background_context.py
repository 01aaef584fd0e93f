"""Background work (timers, database batches) never runs in the context of whoever started it.

A timer set from a request (a sync view calling in through `async_to_sync`, as the REST API
does) used to fire in that request's context, so the handler's database calls went to the
request thread's executor, quit long before: "CurrentThreadExecutor already quit or is
broken", and a bot whose move that was never moved again.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

from asgiref.sync import async_to_sync, sync_to_async

from gamerooms.persistence.batching import DatabaseBatch
from gamerooms.rooms.timers import Timers
from gamerooms.store.memory import MemoryStore

TIMEOUT = 5.0
marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="")


class WallClock:
    def now(self) -> float:
        return time.time()


async def test_a_timer_set_during_a_request_can_reach_the_database_when_it_fires() -> None:
    timers = Timers(MemoryStore(), WallClock(), poll_seconds=60)
    fired = asyncio.Event()
    threads: list[str] = []

    async def handler(key: str, payload: bytes) -> None:
        threads.append(await sync_to_async(lambda: threading.current_thread().name)())
        fired.set()

    timers.on("bot", handler)

    def request() -> None:  # a sync view, in a worker thread, calling into the loop
        async_to_sync(timers.set)("bot", "m1/0/1", 0.05)

    await sync_to_async(request)()
    await asyncio.wait_for(fired.wait(), TIMEOUT)
    assert len(threads) == 1


async def test_a_database_batch_does_not_run_in_its_first_callers_context() -> None:
    seen: list[str] = []

    def many(items: list[int]) -> list[int]:
        seen.append(marker.get())
        return items

    batch = DatabaseBatch(many)

    async def caller() -> int:
        marker.set("request")
        return await batch(7)

    assert await asyncio.create_task(caller()) == 7
    assert seen == [""]
