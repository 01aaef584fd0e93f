"""Room passwords (docs/protocol.md, "Room passwords"): hashing and checking them never stalls
other players, and wrong passwords are limited per player per room and per room."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import Iterator

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.integration.kit import assert_error, join_all
from tests.integration.rooms_kit import (
    ROOT,
    connect,
    guest,
    join_room,
    new_room,
    open_lobby,
    refused,
    room_fields,
    room_path,
)

MARATHON = "tests.integration.games_for_tests:Marathon"
ATTACK_SOCKETS = 3
ATTACK_RATE = 19.0
"""Frames per second per attacking socket: inside the 20/s allowance."""
MOVES_PER_SECOND = 30.0
"""Both seats together, 15 a second each: inside the allowance too."""
SAMPLES = 200
P99_BOUND = 0.2


@pytest.fixture(scope="module")
def marathon_server() -> Iterator[ServerProcess]:
    """An embedded-default server offering the endless Marathon game, with no cap on the rooms
    a player may own (this measures hashing alone)."""
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {"GAMEROOMS_GAMES": MARATHON, "PYTHONPATH": pythonpath}
    env["GAMEROOMS_MAX_ROOMS_PER_PLAYER"] = "100000"
    with running_server(env=env) as process:
        yield process


async def _create_password_rooms(lobby: GameClient, stop: asyncio.Event) -> int:
    """Send room.create with a password at ATTACK_RATE until `stop`; how many were created."""
    sent = created = 0
    started = time.monotonic()

    async def drain() -> None:
        nonlocal created
        while True:
            frame = await lobby.receive(timeout=30)
            created += frame.get("type") == "room.created"

    reader = asyncio.create_task(drain())
    try:
        while not stop.is_set():
            await lobby.send("room.create", id=sent, password=f"pw-{sent}", **room_fields())
            sent += 1
            with contextlib.suppress(TimeoutError):
                due = started + sent / ATTACK_RATE - time.monotonic()
                await asyncio.wait_for(stop.wait(), max(due, 0))
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    return created


async def test_password_rooms_do_not_stall_other_players_moves(
    marathon_server: ServerProcess,
) -> None:
    server = marathon_server
    players = [guest(server), guest(server)]
    match_id = server.create_match("marathon", players)
    seats = await join_all([server], match_id, players)
    attacker = guest(server)
    lobbies = [(await open_lobby(server, attacker))[0] for _ in range(ATTACK_SOCKETS)]
    stop = asyncio.Event()
    attack = [asyncio.create_task(_create_password_rooms(lobby, stop)) for lobby in lobbies]

    latencies = []
    started = time.monotonic()
    for move in range(SAMPLES):
        sent = time.monotonic()
        reply = await seats[move % 2].request("match.action", action="add", version=move)
        latencies.append(time.monotonic() - sent)
        assert reply["type"] == "match.update" and reply["version"] == move + 1, reply
        with contextlib.suppress(TimeoutError):
            due = started + (move + 1) / MOVES_PER_SECOND - time.monotonic()
            await asyncio.wait_for(stop.wait(), max(due, 0))
    elapsed = time.monotonic() - started
    stop.set()
    created = sum(await asyncio.gather(*attack))
    await asyncio.gather(*(client.close() for client in [*seats, *lobbies]))

    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"match.action p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
        f"{created} password rooms in {elapsed:.1f} s"
    )
    assert created >= ATTACK_SOCKETS * ATTACK_RATE * elapsed / 4, created
    assert p99 < P99_BOUND, latencies[-10:]


async def _try(server: ServerProcess, player: Guest, code: str, password: str) -> tuple[str, int]:
    """One room socket that joins with `password` and is refused: the error code and close."""
    client = await connect(server, room_path(code), player)
    await client.send("room.join", id="join", password=password)
    error, close = await refused(client)
    assert error["type"] == "error", error
    return error["code"], close or 0


async def test_wrong_passwords_are_limited_per_player_and_per_room(server: ServerProcess) -> None:
    owner = guest(server)
    room = await new_room(server, owner, password="sesame")
    code = room["id"]
    intruder = guest(server)
    for _ in range(5):
        assert await _try(server, intruder, code, f"guess {uuid.uuid4().hex}") == (
            "wrong_password",
            4003,
        )
    client = await connect(server, room_path(code), intruder)
    await client.send("room.join", id="join", password="another guess")
    error, close = await refused(client)
    assert_error(error, "rate_limited", error.get("id"))
    assert close == 4008
    # The right password does not help either until the minute is over.
    assert await _try(server, intruder, code, "sesame") == ("rate_limited", 4008)

    # 20 wrong passwords a minute per room, from everyone together (the intruder's 5 count).
    for _ in range(3):
        other = guest(server)
        for _ in range(5):
            assert (await _try(server, other, code, "nope"))[0] == "wrong_password"
    latecomer = guest(server)
    assert await _try(server, latecomer, code, "sesame") == ("rate_limited", 4008)

    # Another room is not affected, and a right password uses up nothing.
    other_room = await new_room(server, owner, password="open")
    for _ in range(6):
        member, joined = await join_room(server, latecomer, other_room["id"], password="open")
        assert len(joined["room"]["players"]) == 2
        await member.send("room.leave")
        assert await member.closed() == 4000
