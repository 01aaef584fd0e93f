"""Helpers for the race tests: deployments of one or two processes, crowds of guests, outcomes.

A deployment is one embedded server ("memory"), or two processes on one Redis and one data folder
("redis"); player i of a crowd uses process i % len(servers), so every race crosses processes.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import redis
import websockets

from gamerooms.testing import Closed, GameClient, Guest, ServerProcess, free_port
from tests.support import redis_url_or_skip

ROOT = Path(__file__).resolve().parents[2]
TEST_GAMES = "tests.integration.games_for_tests:Counter"
REDIS_DATABASES = range(8, 16)
"""Redis databases a race deployment may claim: the queue keys are global, so sharing a database
with other suites (database 0) or another run of these tests would let their players meet."""
CLAIM = "gamerooms-tests:claimed"


@dataclass(frozen=True)
class Deployment:
    """The server processes of one deployment and the data folder they share."""

    kind: str
    servers: list[ServerProcess]
    data: str

    def server(self, index: int) -> ServerProcess:
        """The process that player `index` of a crowd uses."""
        return self.servers[index % len(self.servers)]

    def matches_of(self, player_ids: Sequence[str]) -> dict[str, list[str]]:
        """Every recorded match with one of these players: match id -> player ids by seat."""
        marks = ",".join("?" * len(player_ids))
        query = (
            "SELECT match_id, player_id FROM gamerooms_matchseat WHERE match_id IN "
            f"(SELECT match_id FROM gamerooms_matchseat WHERE player_id IN ({marks})) "
            "ORDER BY match_id, seat"
        )
        with sqlite3.connect(Path(self.data) / "gamerooms.sqlite3", timeout=20) as database:
            rows = database.execute(query, list(player_ids)).fetchall()
        seats: dict[str, list[str]] = {}
        for match_id, player_id in rows:
            seats.setdefault(match_id, []).append(player_id)
        return seats


@contextmanager
def claimed_redis() -> Iterator[str]:
    """The URL of a Redis database that no other run uses meanwhile, emptied of leftovers."""
    parts = urlsplit(redis_url_or_skip())
    token = uuid.uuid4().hex
    for number in REDIS_DATABASES:
        url = urlunsplit(parts._replace(path=f"/{number}"))
        with redis.Redis.from_url(url) as client:
            if not client.set(CLAIM, token, nx=True, ex=3600):
                continue
            for key in client.scan_iter():
                if key != CLAIM.encode():
                    client.delete(key)
        try:
            yield url
        finally:
            with redis.Redis.from_url(url) as client:
                if client.get(CLAIM) == token.encode():
                    client.delete(CLAIM)
        return
    raise RuntimeError(f"every Redis database in {REDIS_DATABASES} is claimed by another run")


@contextmanager
def deployment(kind: str) -> Iterator[Deployment]:
    """A running deployment ("memory" or "redis") that also offers the Counter test game."""
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {"GAMEROOMS_GAMES": TEST_GAMES, "PYTHONPATH": pythonpath}
    env["GAMEROOMS_THROTTLE_GUEST"] = "off"  # crowds of guests from one address, on purpose
    with tempfile.TemporaryDirectory() as data, ExitStack() as stack:
        count = 1
        if kind == "redis":
            env["REDIS_URL"] = stack.enter_context(claimed_redis())
            count = 2
        servers = []
        for _ in range(count):
            server = ServerProcess(free_port(), data, env)
            stack.callback(server.stop)
            server.start()
            servers.append(server)
        yield Deployment(kind, servers, data)


async def new_guests(deployment: Deployment, count: int) -> list[Guest]:
    """`count` new guests, signed in concurrently (guest i on process i % n)."""
    async with httpx.AsyncClient(timeout=30) as http:

        async def sign_in(index: int) -> Guest:
            url = f"{deployment.server(index).base_url}/api/auth/guest/"
            reply = await http.post(url, json={"name": f"R{index}-{uuid.uuid4().hex[:4]}"})
            reply.raise_for_status()
            body = reply.json()
            return Guest(body["access"], body["refresh"], body["player"])

        return list(await asyncio.gather(*(sign_in(index) for index in range(count))))


async def create_room(
    server: ServerProcess, owner: Guest, game: str, max_players: int
) -> dict[str, Any]:
    """A new listed room owned by `owner` (POST /api/rooms/); its RoomSummary."""
    async with httpx.AsyncClient(timeout=10) as http:
        reply = await http.post(
            f"{server.base_url}/api/rooms/",
            json={"name": f"race {uuid.uuid4().hex[:6]}", "game": game, "max_players": max_players},
            headers={"Authorization": f"Bearer {owner.access}"},
        )
    assert reply.status_code == 201, reply.text
    summary: dict[str, Any] = reply.json()
    return summary


async def room_summary(server: ServerProcess, code: str) -> dict[str, Any]:
    """GET /api/rooms/<code>/."""
    async with httpx.AsyncClient(timeout=10) as http:
        reply = await http.get(f"{server.base_url}/api/rooms/{code}/")
    assert reply.status_code == 200, reply.text
    summary: dict[str, Any] = reply.json()
    return summary


async def connect(server: ServerProcess, path: str, guest: Guest) -> GameClient:
    """A client of `guest` on `path` of `server`."""
    return await GameClient.connect(server.ws_url(path, guest.access), timeout=30)


async def seated(server: ServerProcess, code: str, guest: Guest) -> GameClient:
    """A room socket of `guest`, past its room.joined."""
    client = await connect(server, f"/ws/rooms/{code}/", guest)
    await client.send("room.join", password=None)
    joined = await client.wait_for("room.joined")
    assert joined["you"]["id"] == guest.id, joined
    return client


async def until(client: GameClient, types: set[str], timeout: float = 30) -> list[dict[str, Any]]:
    """Frames up to and including the first of one of these types (Closed if none comes)."""
    frames = []
    while True:
        frame = await client.receive(timeout)
        frames.append(frame)
        if frame.get("type") in types:
            return frames


async def until_closed(
    client: GameClient, timeout: float = 30
) -> tuple[list[dict[str, Any]], int | None]:
    """Every frame until the server closes the socket, and the close code."""
    frames = []
    try:
        while True:
            frames.append(await client.receive(timeout))
    except Closed as closed:
        return frames, closed.code


async def send_unless_closed(client: GameClient, type_: str, **fields: Any) -> None:
    """Send a message, unless the server has closed the socket already (it lost the race)."""
    with suppress(websockets.ConnectionClosed):
        await client.send(type_, **fields)


async def close_all(clients: Sequence[GameClient]) -> None:
    """Close every client, concurrently."""
    await asyncio.gather(*(client.close() for client in clients))


def of_type(frames: Sequence[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    """The frames of one type."""
    return [frame for frame in frames if frame.get("type") == type_]
