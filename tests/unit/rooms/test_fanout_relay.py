"""A relayed topic's payloads stay in the process while it has the topic's only sockets, and go
through the store again from the moment another process's fan-out says hello on the topic."""

from __future__ import annotations

import asyncio

import pytest

from gamerooms.rooms import fanout as fanout_module
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.fanout import Fanout
from gamerooms.store.memory import MemoryStore

ROOM = "room:ABCD"


class CountingStore(MemoryStore):
    """A memory store that keeps every payload published through it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[bytes] = []

    async def publish(self, topic: str, payload: bytes) -> None:
        """Keep the payload, then deliver it."""
        self.published.append(payload)
        await super().publish(topic, payload)


class Inbox:
    """A recipient that keeps the frames it gets."""

    def __init__(self, key: str = "p1") -> None:
        self.key = key
        self.token = key
        self.generation = 0
        self.frames: list[str] = []
        self.arrived = asyncio.Event()

    async def receive(self, announcement: Announcement) -> None:
        """Keep this recipient's frame."""
        frame = announcement.frame_for(self)
        if frame is not None:
            self.frames.append(frame)
            self.arrived.set()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        """The frames, once there are `count` of them (TimeoutError after `timeout`)."""
        async with asyncio.timeout(timeout):
            while len(self.frames) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.frames

    async def close(self, code: int) -> None:
        """Nothing to close."""


def line(text: str) -> Announcement:
    """A chat announcement."""
    return Announcement(frames={EVERYONE: text})


def payload(text: str) -> bytes:
    """A chat announcement as the store carries it."""
    return encode_announcement(line(text))


def relayed(topic: str) -> bool:
    """Room topics are relayed."""
    return topic.startswith("room:")


async def test_a_lone_process_hands_payloads_to_its_sockets_without_the_store() -> None:
    store = CountingStore()
    fanout = Fanout(store, relayed)
    inbox = Inbox()
    await fanout.attach(ROOM, inbox)
    store.published.clear()  # the hello
    await fanout.announce(ROOM, line("hi"))
    await fanout.drained()
    assert inbox.frames == ["hi"]
    assert store.published == []


async def test_a_second_process_on_the_topic_gets_every_payload_from_its_attach_on() -> None:
    store = CountingStore()
    first, second = Fanout(store, relayed), Fanout(store, relayed)
    here, there = Inbox("p1"), Inbox("p2")
    await first.attach(ROOM, here)
    await first.announce(ROOM, line("before"))
    await second.attach(ROOM, there)
    store.published.clear()
    await first.announce(ROOM, line("after"))
    await second.announce(ROOM, line("back"))
    await first.drained()
    await second.drained()
    assert here.frames == ["before", "after", "back"]
    assert there.frames == ["after", "back"]
    assert store.published == [payload("after"), payload("back")]


async def test_a_topic_that_is_not_relayed_always_goes_through_the_store() -> None:
    store = CountingStore()
    fanout = Fanout(store, relayed)
    inbox = Inbox()
    await fanout.attach("match:m1", inbox)
    await fanout.announce("match:m1", line("update"))
    await fanout.drained()
    assert inbox.frames == ["update"]
    assert store.published == [payload("update")]


async def test_a_store_that_cannot_count_subscriptions_leaves_the_topic_shared() -> None:
    class Uncounted(CountingStore):
        async def subscribers(self, topic: str) -> int:
            return 0

    store = Uncounted()
    fanout = Fanout(store, relayed)
    inbox = Inbox()
    await fanout.attach(ROOM, inbox)
    store.published.clear()
    await fanout.announce(ROOM, line("hi"))
    await fanout.drained()
    assert inbox.frames == ["hi"]
    assert store.published == [payload("hi")]


async def test_a_subscriber_that_never_answers_leaves_the_topic_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fanout_module, "PEER_WAIT_SECONDS", 0.05)
    store = CountingStore()
    heard: list[bytes] = []
    await store.subscribe(ROOM, heard.append)  # something else listening on the topic
    fanout = Fanout(store, relayed)
    inbox = Inbox()
    await asyncio.wait_for(fanout.attach(ROOM, inbox), timeout=5)
    await fanout.announce(ROOM, line("hi"))
    assert heard[-1] == payload("hi")


async def test_a_topic_met_again_after_its_last_socket_left_is_alone_again() -> None:
    store = CountingStore()
    first, second = Fanout(store, relayed), Fanout(store, relayed)
    here, there = Inbox("p1"), Inbox("p2")
    await first.attach(ROOM, here)
    await second.attach(ROOM, there)
    await second.detach(ROOM, there)
    await first.detach(ROOM, here)
    await first.attach(ROOM, here)
    store.published.clear()
    await first.announce(ROOM, line("alone"))
    await first.drained()
    assert here.frames[-1] == "alone"
    assert store.published == []
