"""Crash-proof presence on a fake clock: a process that stops beating is cleaned up after by
exactly one survivor within PROCESS_TTL + HEARTBEAT seconds (its seats dropped with a grace, its
room members given the seat grace, its queue places and drafts gone), and a process that lost
the store goes on under a new heartbeat."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from gamerooms.rooms.attempts import PasswordAttempts
from gamerooms.rooms.errors import NotFound
from gamerooms.rooms.fanout import Fanout
from gamerooms.rooms.keys import DRAFTS, match_presence_key, queue_key, queue_topic
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.liveness import Liveness
from gamerooms.rooms.lobby import LobbyService
from gamerooms.rooms.ports import OwnerGone, StoreUnavailable
from gamerooms.rooms.queue import QueueService
from gamerooms.rooms.rooms import RoomService
from gamerooms.store.memory import MemoryStore
from gamerooms.testing import FakeClock
from tests.unit.rooms.services import (
    GRACE,
    HEARTBEAT,
    PROCESS_TTL,
    Heard,
    Process,
    advance,
    at,
    games,
    human,
    process,
    start,
)

BOUND = PROCESS_TTL + HEARTBEAT
"""Seconds within which a process that died is cleaned up after."""
SEAT_GRACE = 10.0


def cluster(count: int) -> list[Process]:
    """Processes on one store, one journal and one clock, with heartbeats that can lapse."""
    first = process(ttl=PROCESS_TTL)
    others = [
        process(first.clock, first.store, first.journal, PROCESS_TTL) for _ in range(1, count)
    ]
    return [first, *others]


async def beat(processes: list[Process]) -> None:
    """One heartbeat of each of these processes, at once."""
    await asyncio.gather(*(each.liveness.tick() for each in processes))


async def live_for(seconds: float, survivors: list[Process]) -> None:
    """Move the clock on by heartbeats, the survivors beating each time."""
    clock = survivors[0].clock
    started = clock.now()
    while clock.now() - started < seconds:
        clock.advance(HEARTBEAT)
        await beat(survivors)


async def seated_across(a: Process, b: Process) -> tuple[str, Heard]:
    """A tic-tac-toe match with seat 0 on process a and seat 1 on process b."""
    match_id, heard = await start(a, "tictactoe", [human(0), human(1)])
    await a.presence.connected(match_id, 0)
    await b.presence.connected(match_id, 1)
    await beat([a, b])
    return match_id, heard


async def test_a_dead_process_s_seat_is_dropped_within_the_bound() -> None:
    a, b = cluster(2)
    match_id, heard = await seated_across(a, b)

    a.clock.advance(PROCESS_TTL - 0.5)  # a died just after its last beat
    await beat([b])
    assert heard.frames(key="1") == []  # not yet: a's heartbeat still lives
    a.clock.advance(HEARTBEAT)
    await beat([b])
    assert heard.take(key="1") == [
        {"type": "match.player_disconnected", "seat": 0, "grace_until": at(b, GRACE)}
    ]
    assert await b.matches.connected_seats(match_id) == {1}

    assert await advance(b, GRACE) == 1
    paused = heard.take(key="1")
    assert [(f["type"], f["seat"], f["reason"]) for f in paused] == [("match.paused", 0, "timeout")]


async def test_every_survivor_sweeps_but_one_cleans_up() -> None:
    a, b, c = cluster(3)
    match_id, heard = await seated_across(a, b)
    await c.presence.connected(match_id, 1)  # seat 1 also has a socket on c
    for _ in range(4):
        a.clock.advance(BOUND / 4)
        await beat([b, c])
    assert heard.types(key="1") == ["match.player_disconnected"]
    assert await b.matches.connected_seats(match_id) == {1}
    assert await b.store.set_members("processes") == {b.leases.owner, c.leases.owner}


async def test_a_seat_held_elsewhere_too_is_not_dropped() -> None:
    a, b = cluster(2)
    match_id, heard = await seated_across(a, b)
    await b.presence.connected(match_id, 0)  # seat 0 reconnected on b before a was reaped
    await live_for(BOUND, [b])
    assert heard.frames(key="1") == []
    assert await b.matches.connected_seats(match_id) == {0, 1}


def queue_of(proc: Process) -> QueueService:
    """A queue service of this process."""
    return QueueService(proc.store, games(), proc.matches, proc.timers, proc.leases)


class QueueHeard(Heard):
    """What a queue's topic carried, and a wait for a count of waiting players."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Event()

    def __call__(self, payload: bytes) -> None:
        super().__call__(payload)
        self._changed.set()

    async def counted(self, queued: int) -> None:
        """Wait until the queue announced `queued` waiting players (counts go out a moment
        after the change)."""
        wanted = {"type": "queue.waiting", "queued": queued, "needed": 2}

        async def announced() -> None:
            while wanted not in self.frames("anyone"):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(announced(), 5.0)


async def test_a_dead_process_s_queue_place_is_never_matched() -> None:
    a, b = cluster(2)
    queues = [queue_of(a), queue_of(b)]
    heard = QueueHeard()
    await b.store.subscribe(queue_topic("tictactoe", 2), heard)
    assert await queues[0].join("tictactoe", 2, human(0), "t0") == 1
    await beat([a, b])

    a.clock.advance(PROCESS_TTL - 1)
    assert await b.leases.beat()
    a.clock.advance(1)  # a died: its heartbeat lapsed, and b has not swept yet
    assert await queues[1].join("tictactoe", 2, human(1), "t1") == 1  # waits: no ghost match
    await heard.counted(1)
    await live_for(HEARTBEAT, [b])
    assert await queues[1].queued("tictactoe", 2) == 1
    assert await queues[1].join("tictactoe", 2, human(2), "t2") is None  # matched with person1
    found = heard.frames(key="person1") + heard.frames(key="person2")
    assert [frame["type"] for frame in found if frame["type"] != "queue.waiting"] == [
        "match.found",
        "match.found",
    ]
    assert "match.found" not in [frame["type"] for frame in heard.frames(key="person0")]
    await heard.counted(0)


async def test_a_dead_process_s_queue_place_goes_once_it_is_reaped() -> None:
    a, b = cluster(2)
    queue_of(b)
    heard = QueueHeard()
    await b.store.subscribe(queue_topic("tictactoe", 2), heard)
    await queue_of(a).join("tictactoe", 2, human(0), "t0")
    await heard.counted(1)
    await beat([a, b])
    await live_for(BOUND, [b])
    assert await b.store.queue_length(queue_key("tictactoe", 2)) == 0
    assert await b.store.presence(queue_key("tictactoe", 2)) == {}
    await heard.counted(0)


def rooms_of(proc: Process) -> RoomService:
    """A room service of this process."""
    attempts = PasswordAttempts(proc.store, 5, 20)
    return RoomService(
        proc.store,
        games(),
        proc.matches,
        proc.timers,
        proc.leases,
        proc.clock,
        SEAT_GRACE,
        attempts,
        3,
        chat=Fanout(proc.store),
    )


async def test_a_dead_process_s_draft_ends() -> None:
    a, b = cluster(2)
    lobbies = [LobbyService(p.store, p.timers, p.leases, p.clock, 120, 3) for p in (a, b)]
    pending_id = await lobbies[0].start_draft(human(0))
    await beat([a, b])
    assert await b.store.set_members(DRAFTS) == {pending_id}
    await live_for(BOUND, [b])
    assert await b.store.set_members(DRAFTS) == set()


async def test_a_dead_process_s_room_member_gets_the_seat_grace() -> None:
    a, b = cluster(2)
    rooms = [rooms_of(a), rooms_of(b)]
    room = await rooms[0].create(human(0), "Room", "tictactoe", 2, False, None, {})
    await rooms[0].socket_opened(room.id, "person0")
    await beat([a, b])
    await live_for(BOUND, [b])
    assert (await rooms[1].get(room.id)).seat_of("person0") is not None  # in its grace
    await advance(b, SEAT_GRACE)  # before the grace of the room's opening (three times it)
    with pytest.raises(NotFound):
        await rooms[1].get(room.id)


async def test_a_process_whose_heartbeat_lapsed_goes_on_under_a_new_one() -> None:
    (a,) = cluster(1)
    closed: list[str] = []

    async def close_sockets() -> None:
        closed.append("sockets")

    a.liveness.on_lost(close_sockets)
    match_id, heard = await start(a, "tictactoe", [human(0), human(1)])
    await a.presence.connected(match_id, 0)
    await beat([a])
    old = a.leases.owner

    a.clock.advance(PROCESS_TTL)  # stalled past its TTL
    with pytest.raises(OwnerGone):
        await a.presence.connected(match_id, 1)
    await beat([a])
    assert closed == ["sockets"] and a.liveness.available
    assert a.leases.owner != old
    assert heard.types(key="1") == ["match.player_disconnected"]
    assert await a.matches.connected_seats(match_id) == set()
    await a.presence.disconnected(match_id, 1, gone=False)  # the refused socket: nothing
    await a.presence.disconnected(match_id, 0, gone=False)  # held under the old one: nothing
    assert heard.types(key="1") == ["match.player_disconnected"]
    await a.presence.connected(match_id, 0)
    assert await a.matches.connected_seats(match_id) == {0}
    assert await a.store.set_members("processes") == {a.leases.owner}


async def test_a_process_that_lost_the_store_takes_back_what_it_held_once_it_answers() -> None:
    a, b = cluster(2)
    match_id, heard = await seated_across(a, b)
    a.liveness.lost()  # a command failed to reach the store, or the subscription dropped
    a.liveness.lost()
    assert not a.liveness.available
    await beat([a])
    assert a.liveness.available
    assert heard.types(key="1") == ["match.player_disconnected"]  # seat 0's socket closed
    assert await b.matches.connected_seats(match_id) == {1}


class Unreachable:
    """A store that does not answer `create` while `down` (and is a MemoryStore otherwise)."""

    def __init__(self, inner: MemoryStore) -> None:
        self._inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def create(self, key: str, blob: bytes, **options: Any) -> bool:
        if self.down:
            raise StoreUnavailable("down")
        return await self._inner.create(key, blob, **options)


async def test_recovery_that_fails_half_way_goes_on_where_it_stopped() -> None:
    clock = FakeClock()
    store = Unreachable(MemoryStore(clock=clock.now))
    a = process(clock, cast(MemoryStore, store), ttl=PROCESS_TTL)
    match_id, heard = await start(a, "tictactoe", [human(0), human(1)])
    await a.presence.connected(match_id, 0)
    await beat([a])
    first = a.leases.owner

    a.liveness.lost()
    store.down = True
    with pytest.raises(StoreUnavailable):
        await a.liveness.tick()
    second = a.leases.owner
    assert second != first and not a.liveness.available
    assert heard.frames(key="1") == []  # nothing taken back yet
    store.down = False
    await a.liveness.tick()
    assert a.leases.owner == second and a.liveness.available
    assert heard.types(key="1") == ["match.player_disconnected"]
    assert await a.store.set_members("processes") == {second}


async def test_a_heartbeat_must_be_shorter_than_its_ttl() -> None:
    store = MemoryStore()
    with pytest.raises(ValueError):
        Liveness(store, Leases(store, 3.0), 3.0)


def test_presence_kinds_match_their_keys() -> None:
    """The kinds the services hand back are those their presence keys begin with."""
    keys = (match_presence_key("m"), queue_key("g", 2), DRAFTS)
    assert [key.partition(":")[0] for key in keys] == ["match", "queue", "lobby"]
