"""Background work that starts in a fresh context, not in the context of whoever started it.

asyncio copies the caller's context into every task and timer callback. When the caller is a
request (a sync view calling in through `async_to_sync`), that context names the request
thread's executor, and `sync_to_async` calls made later in the background would go to that
executor, long quit once the request is answered ("CurrentThreadExecutor already quit").
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")


def spawn(work: Coroutine[Any, Any, Result]) -> asyncio.Task[Result]:
    """Run `work` as a task of the running loop, in a fresh context."""
    return asyncio.get_running_loop().create_task(work, context=contextvars.Context())


def call_later(delay: float, callback: Callable[..., object], *args: Any) -> asyncio.TimerHandle:
    """Call `callback(*args)` after `delay` seconds, in a fresh context."""
    loop = asyncio.get_running_loop()
    return loop.call_later(delay, callback, *args, context=contextvars.Context())
