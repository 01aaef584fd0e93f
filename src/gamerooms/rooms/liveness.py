"""Staying alive among the server processes: a heartbeat, the clean-up after processes that
died, and what this one does while the store is out of reach.

Every `heartbeat_seconds` the process refreshes its heartbeat document, which lapses
`Leases.ttl_seconds` after the last refresh, and reaps every listed process that is not live: one
that was killed (its subscription closed with its connection) within a heartbeat, one that hangs
within ttl + heartbeat seconds, by whichever survivor reaps it first (the store hands what it
held to exactly one).

When the store is out of reach (a command fails to reach it, or the subscription connection
drops), the process stops serving: the `on_lost` callbacks close its game sockets (the updates
they miss can't be replayed) and `available` is False, so new sockets are refused, until the
store answers again. The process then goes on under a new heartbeat document, and what it held
under the old one is taken back as a dead process's would be (sockets that closed meanwhile could
not give back their presence). Finding its own heartbeat lapsed is handled the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from gamerooms.rooms.background import spawn
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.ports import Store, StoreUnavailable

log = logging.getLogger(__name__)

RETRY_SECONDS = 0.5
"""How often a process that lost the store asks it again."""


class Liveness:
    """Beats, sweeps, and stops serving while the store does not answer."""

    def __init__(self, store: Store, leases: Leases, heartbeat_seconds: float) -> None:
        if not leases.ttl_seconds > heartbeat_seconds > 0:
            raise ValueError("the heartbeat must be positive and shorter than its TTL")
        self._leases = leases
        self._heartbeat = heartbeat_seconds
        self._on_lost: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._closing: set[asyncio.Task[None]] = set()
        self.available = True
        """Whether this process serves game sockets now (False while the store is lost)."""
        store.on_connection_lost(self.lost)

    def on_lost(self, callback: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `callback` each time the store is lost (closing the game sockets)."""
        self._on_lost.append(callback)

    def lost(self) -> None:
        """The store did not answer: stop serving until it does again."""
        if not self.available:
            return
        self.available = False
        log.warning("the store does not answer: game sockets close until it does again")
        for callback in self._on_lost:
            task = spawn(callback())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def tick(self) -> None:
        """Beat (or, once the store answers again, go on under a new heartbeat document), then
        reap the processes that died."""
        if self.available and not await self._leases.beat():
            log.warning("this process's heartbeat lapsed; it goes on under a new one")
            self.lost()
        if not self.available:
            await self._leases.renew()
            await asyncio.gather(*self._closing, return_exceptions=True)
            self.available = True
            log.warning("the store answers again: serving game sockets")
        await self._leases.sweep()

    async def run_forever(self) -> None:
        """Tick until cancelled: every heartbeat, or every RETRY_SECONDS while the store is lost."""
        while True:
            try:
                await self.tick()
            except StoreUnavailable:
                self.lost()
            except Exception:
                log.exception("the heartbeat failed")
            await asyncio.sleep(
                self._heartbeat if self.available else min(self._heartbeat, RETRY_SECONDS)
            )
