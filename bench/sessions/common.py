"""Helpers shared by the worker sessions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")

CONNECT_CONCURRENCY = 64
"""Connections a worker opens at once while setting up."""


async def bounded(
    items: Iterable[T], job: Callable[[T], Awaitable[U]], limit: int = CONNECT_CONCURRENCY
) -> list[U]:
    """Run `job` on every item, at most `limit` at a time; results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> U:
        async with gate:
            return await job(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


async def sleep_until(moment: float) -> None:
    """Sleep until time.monotonic() reaches `moment`."""
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


class CpuClock:
    """This process's CPU seconds over a window of wall time."""

    def __init__(self) -> None:
        self.wall = time.monotonic()
        self.cpu = time.process_time()

    def percent(self) -> float:
        """CPU use since creation, in percent of one core."""
        wall = time.monotonic() - self.wall
        return 100.0 * (time.process_time() - self.cpu) / wall if wall > 0 else 0.0


async def close_all(sockets: Iterable[Any]) -> None:
    """Close sockets, ignoring failures."""
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
