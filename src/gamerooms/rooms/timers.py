"""Timers kept in the store, so that any process fires each one exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from gamerooms.rooms.background import call_later, spawn
from gamerooms.rooms.ports import Clock, Store, StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[str, bytes], Awaitable[None]]
"""Called with a fired timer's key and payload."""


class Timers:
    """Named timers by kind (`kind:key`); handlers run in whichever process claims them."""

    def __init__(self, store: Store, clock: Clock, poll_seconds: float = 0.1) -> None:
        self._store = store
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._handlers: dict[str, Handler] = {}
        self._wakeups: set[asyncio.Task[None]] = set()
        self._alarms: dict[str, asyncio.TimerHandle] = {}  # timer name -> its wake-up here

    def on(self, kind: str, handler: Handler) -> None:
        """Run `handler` for every timer of this kind that fires."""
        self._handlers[kind] = handler

    async def set(self, kind: str, key: str, delay: float, payload: bytes = b"") -> None:
        """Fire after `delay` seconds (replacing a pending timer of the same kind and key).

        This process also wakes itself when the timer is due, so it fires on time without fast
        polling (once per timer: setting it again here moves the wake-up, cancelling it here
        drops it); whichever process claims it first runs it."""
        name = f"{kind}:{key}"
        await self._store.timer_set(name, self._clock.now() + delay, payload)
        self._drop_alarm(name)
        self._alarms[name] = call_later(max(delay, 0.0), self._wake, name)

    async def cancel(self, kind: str, key: str) -> bool:
        """Cancel a pending timer; True if it was pending."""
        [cancelled] = await self.cancel_each([(kind, key)])
        return cancelled

    async def cancel_each(self, timers: Sequence[tuple[str, str]]) -> list[bool]:
        """Cancel several timers (kind, key) in one store call; for each, whether it was
        pending."""
        names = [f"{kind}:{key}" for kind, key in timers]
        cancelled = await self._store.timers_cancel(names)
        for name in names:
            self._drop_alarm(name)
        return cancelled

    async def run_due(self) -> int:
        """Fire every timer that is due now; how many fired."""
        fired = 0
        while due := await self._store.timers_due(self._clock.now()):
            for name, payload in due:
                fired += 1
                await self._fire(name, payload)
        return fired

    async def run_forever(self) -> None:
        """Fire due timers until cancelled."""
        while True:
            await self._run_due_logged()
            await asyncio.sleep(self._poll_seconds)

    async def _run_due_logged(self) -> None:
        """`run_due`, logging a failure (quietly while the store does not answer)."""
        try:
            await self.run_due()
        except StoreUnavailable as error:
            log.debug("firing timers failed: %s", error)
        except Exception:
            log.exception("firing timers failed")

    def _drop_alarm(self, name: str) -> None:
        """Forget this process's wake-up for a timer it no longer waits for."""
        alarm = self._alarms.pop(name, None)
        if alarm is not None:
            alarm.cancel()

    def _wake(self, name: str) -> None:
        del self._alarms[name]
        task = spawn(self._run_due_logged())
        self._wakeups.add(task)
        task.add_done_callback(self._wakeups.discard)

    async def _fire(self, name: str, payload: bytes) -> None:
        kind, _, key = name.partition(":")
        handler = self._handlers.get(kind)
        if handler is None:
            log.warning("no handler for timer %s", name)
            return
        try:
            await handler(key, payload)
        except Exception:
            log.exception("timer %s failed", name)
