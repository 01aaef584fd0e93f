"""A Store that times a sample of its calls into gamerooms_store_seconds, by operation: the first
call of each operation, then the first one after each `interval`. Every other call is the wrapped
store's own bound method, found on the wrapper: nothing runs in between."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gamerooms.metrics.instruments import STORE_SECONDS
from gamerooms.rooms.ports import Store

SAMPLE_SECONDS = 0.1
"""Each operation has one call timed per this many seconds, at most."""

T = TypeVar("T")


async def _timed(operation: str, call: Awaitable[T]) -> T:
    started = time.perf_counter()
    try:
        return await call
    finally:
        STORE_SECONDS.labels(operation).observe(time.perf_counter() - started)


class SampledStore:
    """Wraps a Store: the same methods and answers, and the round-trip time of a sample of the
    calls (each method of the wrapped store is looked up on first use, then kept)."""

    def __init__(self, inner: Store, interval: float = SAMPLE_SECONDS) -> None:
        self._inner = inner
        self._interval = interval

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = getattr(self._inner, name)
        if not callable(found):
            return found
        self._arm(name, found)
        return getattr(self, name)

    def _arm(self, operation: str, method: Callable[..., Any]) -> None:
        """Time the next call of `operation`; later calls go straight to `method` until the
        interval has passed."""

        def timing(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if not inspect.isawaitable(result):
                setattr(self, operation, method)  # not a round trip: never timed
                return result
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return result  # outside an event loop: a later call is timed
            setattr(self, operation, method)
            loop.call_later(self._interval, self._arm, operation, method)
            return _timed(operation, result)

        setattr(self, operation, timing)
