"""Local fan-out: hands each announcement on a topic to this process's sockets, in order.

On a *relayed* topic (a room's: its chat lines change nothing stored), `announce` skips the
store's pub/sub while no other process has sockets on the topic, and hands the announcement
straight to this process's sockets, in the caller's task (no encoding, no task of its own). To
know, the first socket of a relayed topic in a process meets the others: once subscribed, the
fan-out publishes a hello on the topic and asks the store how many subscriptions it has; every
fan-out already on the topic counts the newcomer as a peer from the hello on (so its own
`announce` goes through the store again) and answers, and `attach` returns once every other
subscription counted has answered (or after PEER_WAIT_SECONDS, when the topic stays shared). Of
two processes subscribing at once, the later one's count includes the earlier one, so each ends
up counting the other. A topic stays shared until this process's last socket on it leaves.
Hellos and answers start with the byte 0xc1, which no announcement (a msgpack array) starts
with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from gamerooms.rooms.announcement import Announcement, decode_announcement, encode_announcement
from gamerooms.rooms.background import spawn
from gamerooms.rooms.ports import Store, StoreUnavailable, Subscription

log = logging.getLogger(__name__)

PEER_WAIT_SECONDS = 1.0
"""How long the first socket of a relayed topic waits for the other processes on it to answer."""

_HELLO = b"\xc1h"
_ANSWER = b"\xc1a"
_CONTROL = _HELLO[:1]


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

    name: str
    recipients: list[Recipient] = field(default_factory=list)
    queue: deque[bytes | Announcement] = field(default_factory=deque)
    subscription: Subscription | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    draining: bool = False
    peers: set[bytes] = field(default_factory=set)
    """The other processes known to have sockets on the topic."""
    met: asyncio.Event = field(default_factory=asyncio.Event)
    """Set whenever a peer is heard of."""
    alone: bool = False
    """True while this process knows it has the topic's only sockets (relayed topics)."""


class Fanout:
    """One subscription per topic with local sockets; one drain at a time per topic; relayed
    topics' payloads stay in the process while it has the topic's only sockets."""

    def __init__(self, store: Store, relayed: Callable[[str], bool] = lambda topic: False) -> None:
        self._store = store
        self._relayed = relayed
        self._id = secrets.token_hex(8).encode()
        self._topics: dict[str, _Topic] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self, topic: str, recipient: Recipient) -> None:
        """Start delivering the topic's announcements to `recipient`; the store's error (and
        nothing attached) if subscribing to the topic failed."""
        local = self._topics.get(topic)
        if local is None:
            local = self._topics[topic] = _Topic(topic, recipients=[recipient])
            await self._subscribe(topic, local)
            return
        local.recipients.append(recipient)
        await local.ready.wait()
        if local.subscription is None:
            local.recipients.remove(recipient)
            raise StoreUnavailable(f"subscribing to {topic} failed")

    async def announce(self, topic: str, announcement: Announcement) -> None:
        """Hand an announcement that changes nothing stored to the topic's sockets in every
        process: straight to this process's sockets (in this task) while they are the topic's
        only ones, else through the store."""
        local = self._topics.get(topic)
        if local is None or not local.alone:
            await self._store.publish(topic, encode_announcement(announcement))
            return
        local.queue.append(announcement)
        if not local.draining:
            local.draining = True
            await self._drain(local)

    async def _subscribe(self, topic: str, local: _Topic) -> None:
        """Subscribe a topic's first socket (and meet its peers if it is relayed); forget the
        topic if that fails."""
        try:
            listener = lambda payload: self._receive(local, payload)  # noqa: E731
            local.subscription = await self._store.subscribe(topic, listener)
            if self._relayed(topic):
                await self._meet_peers(local)
        except BaseException:
            if self._topics.get(topic) is local:
                del self._topics[topic]
            subscription, local.subscription = local.subscription, None
            if subscription is not None:
                with contextlib.suppress(Exception):
                    await subscription.close()
            raise
        finally:
            local.ready.set()
        if self._topics.get(topic) is not local:  # reset meanwhile
            await local.subscription.close()

    async def _meet_peers(self, local: _Topic) -> None:
        """Say hello on the topic, then wait for the answers of every other subscription the
        store counts; alone if it counts none (a store that cannot count leaves it shared)."""
        await self._store.publish(local.name, _HELLO + self._id)
        others = await self._store.subscribers(local.name) - 1
        if others < 0:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(PEER_WAIT_SECONDS):
                while len(local.peers) < others:
                    local.met.clear()
                    await local.met.wait()
        local.alone = others == 0 and not local.peers

    def _hear_peer(self, local: _Topic, payload: bytes) -> None:
        """A hello or an answer: count its sender as a peer (answering a hello)."""
        sender = payload[2:]
        if sender == self._id:
            return
        local.peers.add(sender)
        local.alone = False
        local.met.set()
        if payload.startswith(_HELLO):
            task = spawn(self._answer(local.name))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer(self, topic: str) -> None:
        with contextlib.suppress(StoreUnavailable):
            await self._store.publish(topic, _ANSWER + self._id)

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
        if payload[:1] == _CONTROL:
            self._hear_peer(local, payload)
            return
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
                item = local.queue.popleft()
                announcement = item if isinstance(item, Announcement) else decode_announcement(item)
                for recipient in list(local.recipients):
                    try:
                        await recipient.receive(announcement)
                    except Exception:
                        log.exception("delivering an announcement to a socket failed")
        finally:
            local.draining = False
            if local.queue:
                self._schedule(local)
