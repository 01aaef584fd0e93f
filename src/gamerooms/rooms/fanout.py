"""Local fan-out: hands each announcement on a topic to this process's sockets, in order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from gamerooms.rooms.announcement import Announcement, decode_announcement
from gamerooms.rooms.background import spawn
from gamerooms.rooms.ports import Store, StoreUnavailable, Subscription

log = logging.getLogger(__name__)


class Recipient(Protocol):
    """A socket of this process attached to a topic."""

    key: str
    token: str
    generation: int

    async def receive(self, announcement: Announcement) -> None:
        """Send whatever this announcement holds for this socket, then close it if the
        announcement says so (both later, in order, if the socket holds announcements back)."""

    async def close(self, code: int) -> None:
        """Close the socket."""


@dataclass
class _Topic:
    """This process's sockets on one topic, and the topic's subscription."""

    recipients: list[Recipient] = field(default_factory=list)
    queue: deque[bytes] = field(default_factory=deque)
    subscription: Subscription | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    draining: bool = False


class Fanout:
    """One subscription per topic with local sockets; one drain at a time per topic."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._topics: dict[str, _Topic] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self, topic: str, recipient: Recipient) -> None:
        """Start delivering the topic's announcements to `recipient`; the store's error (and
        nothing attached) if subscribing to the topic failed."""
        local = self._topics.get(topic)
        if local is None:
            local = self._topics[topic] = _Topic(recipients=[recipient])
            await self._subscribe(topic, local)
            return
        local.recipients.append(recipient)
        await local.ready.wait()
        if local.subscription is None:
            local.recipients.remove(recipient)
            raise StoreUnavailable(f"subscribing to {topic} failed")

    async def _subscribe(self, topic: str, local: _Topic) -> None:
        """Subscribe a topic's first socket; forget the topic if that fails."""
        try:
            listener = lambda payload: self._receive(local, payload)  # noqa: E731
            local.subscription = await self._store.subscribe(topic, listener)
        except BaseException:
            if self._topics.get(topic) is local:
                del self._topics[topic]
            raise
        finally:
            local.ready.set()
        if self._topics.get(topic) is not local:  # reset meanwhile
            await local.subscription.close()

    async def detach(self, topic: str, recipient: Recipient) -> None:
        """Stop delivering to `recipient`; unsubscribe when it was the last one here."""
        local = self._topics.get(topic)
        if local is None or recipient not in local.recipients:
            return
        local.recipients.remove(recipient)
        if local.recipients:
            return
        del self._topics[topic]
        await local.ready.wait()
        if local.subscription is not None:
            await local.subscription.close()

    async def drained(self) -> None:
        """Wait until every announcement received so far has been handed to its sockets."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    def local_counts(self) -> dict[str, int]:
        """Each topic with sockets attached in this process, and how many."""
        return {topic: len(local.recipients) for topic, local in self._topics.items()}

    async def close_all(self, code: int) -> None:
        """Close every attached socket (server shutdown)."""
        for local in list(self._topics.values()):
            for recipient in list(local.recipients):
                await recipient.close(code)

    async def reset(self, code: int) -> None:
        """Close every attached socket and forget every topic (the store was lost, and with it
        what the topics carried meanwhile); detaching those sockets later does nothing."""
        topics, self._topics = self._topics, {}
        for local in topics.values():
            for recipient in local.recipients:
                await recipient.close(code)
            if local.subscription is not None:
                await local.subscription.close()

    def _receive(self, local: _Topic, payload: bytes) -> None:
        local.queue.append(payload)
        if not local.draining:
            self._schedule(local)

    def _schedule(self, local: _Topic) -> None:
        local.draining = True
        task = spawn(self._drain(local))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, local: _Topic) -> None:
        try:
            while local.queue:
                announcement = decode_announcement(local.queue.popleft())
                for recipient in list(local.recipients):
                    try:
                        await recipient.receive(announcement)
                    except Exception:
                        log.exception("delivering an announcement to a socket failed")
        finally:
            local.draining = False
            if local.queue:
                self._schedule(local)
