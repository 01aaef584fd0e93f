"""The presence this process holds, each connection counted under a lease of its heartbeat
document, so that when the process dies another one takes it all back.

The process lives (as an owner, see `Store`) while its heartbeat document exists and it
subscribes to the topic of the same name. The document lapses `ttl_seconds` after the last
`beat`; the subscription ends with the process's connection to the store, so a process that is
killed is found dead at once, and one that hangs once its document lapses. Every process's
`sweep` reaps the listed processes that are not live: the store gives each one's leases back to
exactly one caller, which hands every member left with no connection to the handler of its
key's kind (`rooms.keys`: presence keys read `kind:subject`). A process whose own document
lapsed (it stalled, or lost the store) goes on under a new one with `renew`; what it held under
the old one is taken back the same way. Releases give back a key and member's oldest lease
first, so a socket that held under an old document gives back nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections import deque
from collections.abc import Awaitable, Callable

from gamerooms.rooms.keys import PROCESSES, process_key
from gamerooms.rooms.ports import Store, Subscription

log = logging.getLogger(__name__)

Gone = Callable[[str, str], Awaitable[None]]
"""Called with a presence key's subject and a member that no connection holds any more."""


def new_process_id() -> str:
    """A random id for a server process."""
    return secrets.token_hex(6)


class Leases:
    """This process's heartbeat document and the presence held under it."""

    def __init__(
        self, store: Store, ttl_seconds: float, new_id: Callable[[], str] = new_process_id
    ) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._new_id = new_id
        self.owner = process_key(new_id())
        """The key of the heartbeat document that holds what this process holds now."""
        self._version: int | None = None  # the heartbeat document's, once registered
        self._subscription: Subscription | None = None  # to the owner's topic
        self._retiring: list[tuple[str, Subscription | None]] = []  # earlier owners to reap
        self._registering = asyncio.Lock()
        self._names = itertools.count(1)
        self._held: dict[tuple[str, str], deque[tuple[str, str]]] = {}  # -> (owner, lease)
        self._handlers: dict[str, Gone] = {}

    @property
    def ttl_seconds(self) -> float:
        """How long the heartbeat document lives after the last beat."""
        return self._ttl

    def on(self, kind: str, handler: Gone) -> None:
        """Hand `handler` the members of presence keys of this kind that a dead process held."""
        self._handlers[kind] = handler

    async def beat(self) -> bool:
        """Refresh the heartbeat document (creating it the first time); False if it lapsed."""
        if self._version is None:
            await self._register()
            return True
        if not await self._store.commit(self.owner, self._version, b"", ttl=self._ttl):
            return False
        self._version += 1
        return True

    async def renew(self) -> None:
        """Go on under a new heartbeat document; take back what the old one held. Done again
        after a failure, it goes on with what is left to do."""
        if self._version is not None:
            self._retiring.append((self.owner, self._subscription))
            self.owner, self._version, self._subscription = process_key(self._new_id()), None, None
        await self._register()
        await self._retire_earlier()

    async def retire(self) -> None:
        """End the heartbeat (this process stops), taking back what it held."""
        self._retiring.append((self.owner, self._subscription))
        self._version, self._subscription = None, None
        await self._retire_earlier()

    async def hold(self, key: str, member: str) -> int:
        """Count one more connection of `member` under `key`, held by this process; the count.
        OwnerGone if this process's heartbeat document lapsed."""
        if self._version is None:
            await self._register()
        lease = (self.owner, str(next(self._names)))
        self._held.setdefault((key, member), deque()).append(lease)
        return await self._store.hold_presence(key, member, *lease)

    async def release(self, key: str, member: str) -> int | None:
        """Give back a connection this process counted there; the count left, or None if none
        of its connections there counts any more (a lapsed document's were taken back)."""
        held = self._held.get((key, member))
        if not held:
            return None
        owner, lease = held.popleft()
        if not held:
            del self._held[key, member]
        return await self._store.release_presence(key, member, owner, lease)

    async def sweep(self) -> None:
        """Reap every listed process that is not live."""
        for owner in sorted(await self._store.set_members(PROCESSES)):
            await self._reap(owner)

    async def _reap(self, owner: str) -> None:
        """Unless `owner` is live: take back what it held, hand each member left with no
        connection to its kind's handler, and forget it."""
        reaped = await self._store.reap_presence(owner)
        if reaped is None:
            return
        for key, member, count in sorted(reaped):
            if count == 0:
                await self._hand_back(key, member)
        await self._store.set_remove(PROCESSES, owner)

    async def _register(self) -> None:
        """Subscribe to the owner's topic, then create and list its heartbeat document."""
        async with self._registering:
            if self._version is not None:
                return
            if self._subscription is None:
                self._subscription = await self._store.subscribe(self.owner, _ignore)
            await self._store.create(self.owner, b"", ttl=self._ttl)
            await self._store.set_add(PROCESSES, self.owner)
            self._version = 0

    async def _retire_earlier(self) -> None:
        """End each earlier owner's subscription and document, and take back what it held."""
        while self._retiring:
            owner, subscription = self._retiring[0]
            if subscription is not None:
                await subscription.close()
            await self._store.delete(owner)
            await self._reap(owner)
            del self._retiring[0]

    async def _hand_back(self, key: str, member: str) -> None:
        """Call the handler of the key's kind, logging its failure."""
        kind, _, subject = key.partition(":")
        handler = self._handlers.get(kind)
        if handler is None:
            log.warning("no handler for presence %s of a process that died", key)
            return
        try:
            await handler(subject, member)
        except Exception:
            log.exception("cleaning up after %s in %s failed", member, key)


def _ignore(payload: bytes) -> None:
    """Nothing is published on a process's own topic: its subscription only shows it lives."""
