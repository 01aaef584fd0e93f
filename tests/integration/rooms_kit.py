"""Helpers for the lobby, room and queue tests: servers with short timers, lobby and room sockets.

On Redis every process and suite on the same database shares one lobby, so lobby frames about
other rooms and drafts are skipped: `next_about` returns the next frame about what a test watches
(its rooms, drafts and drafting players), and `lobby_barrier` proves that nothing about them came
before a point, without sleeping. Room sockets only hear their own room; `room_barrier` does the
same for them with a chat line.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from gamerooms.testing import (
    GameClient,
    Guest,
    ServerProcess,
    create_guest,
    free_port,
    running_server,
)
from tests.integration.kit import frames_until_close
from tests.support import redis_env

ROOT = Path(__file__).resolve().parents[2]
COUNTER = "tests.integration.games_for_tests:Counter"
"""A test game for 2 to 8 players, which the tuned servers offer as "counter"."""
ROOM_CODE = re.compile(r"[A-HJ-NP-Z2-9]{6}")
"""Six characters, none of them 0, O, 1 or I."""
LOBBY = "/ws/lobby/"


@contextmanager
def tuned_server(backend: str, **seconds: float) -> Iterator[ServerProcess]:
    """A server on `backend` ("memory" or "redis") offering the Counter game too, with each
    keyword set as GAMEROOMS_<keyword> (DRAFT_SECONDS, ROOM_SEAT_GRACE_SECONDS)."""
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {"GAMEROOMS_GAMES": COUNTER, "PYTHONPATH": pythonpath}
    env |= {f"GAMEROOMS_{name}": str(value) for name, value in seconds.items()}
    if backend == "redis":
        env |= redis_env()
    with running_server(env=env) as process:
        yield process


def guest(server: ServerProcess) -> Guest:
    """A new guest on this server."""
    return create_guest(server.base_url, f"G-{uuid.uuid4().hex[:6]}")


def room_path(code: str) -> str:
    """The WebSocket path of a room."""
    return f"/ws/rooms/{code}/"


def queue_path(game: str) -> str:
    """The WebSocket path of a game's queue."""
    return f"/ws/queue/{game}/"


async def connect(server: ServerProcess, path: str, player: Guest, query: str = "") -> GameClient:
    """A socket to `path` as `player`, with extra query parameters ("players=3") if given."""
    url = server.ws_url(path, player.access)
    return await GameClient.connect(f"{url}&{query}" if query else url)


async def open_lobby(server: ServerProcess, player: Guest) -> tuple[GameClient, list[Any]]:
    """A lobby socket past its first frame, and the rooms that frame listed."""
    lobby = await connect(server, LOBBY, player)
    listing = await lobby.expect("lobby.rooms")
    return lobby, listing["rooms"]


def room_fields(**fields: Any) -> dict[str, Any]:
    """A room.create body: a two-seat tic-tac-toe room unless `fields` say otherwise."""
    return {"name": f"room {uuid.uuid4().hex[:6]}", "game": "tictactoe", "max_players": 2} | fields


async def create_room(lobby: GameClient, **fields: Any) -> dict[str, Any]:
    """Create a room over this lobby socket (see `room_fields`); its RoomSummary."""
    reply = await lobby.request("room.create", **room_fields(**fields))
    assert reply["type"] == "room.created", reply
    room: dict[str, Any] = reply["room"]
    assert ROOM_CODE.fullmatch(room["id"]), room
    return room


async def new_room(server: ServerProcess, owner: Guest, **fields: Any) -> dict[str, Any]:
    """A room created by `owner` over a short-lived lobby socket; its RoomSummary."""
    lobby, _ = await open_lobby(server, owner)
    try:
        return await create_room(lobby, **fields)
    finally:
        await lobby.close()


async def join_room(
    server: ServerProcess, player: Guest, code: str, password: str | None = None
) -> tuple[GameClient, dict[str, Any]]:
    """A room socket of `player` past its room.joined (which echoes the join's id), and that
    frame."""
    client = await connect(server, room_path(code), player)
    request_id = f"join-{uuid.uuid4().hex[:6]}"
    await client.send("room.join", id=request_id, password=password)
    joined = await client.expect("room.joined")
    assert joined["room"]["id"] == code and joined["you"] == player.player, joined
    assert joined["id"] == request_id, joined
    return client, joined


async def seated(
    server: ServerProcess, players: list[Guest], **fields: Any
) -> tuple[dict[str, Any], list[GameClient]]:
    """A room owned by players[0] with everyone joined in order, each past every
    room.player_joined; its RoomSummary and a room socket per player."""
    room = await new_room(server, players[0], **fields)
    clients: list[GameClient] = []
    for player in players:
        client, _ = await join_room(server, player, room["id"])
        for earlier in clients:
            heard = await earlier.expect("room.player_joined")
            assert heard["player"] == player.player, heard
        clients.append(client)
    return room, clients


async def ready_and_start(clients: list[GameClient]) -> str:
    """Everyone in the room gets ready, the owner (first) starts; the match id, each room socket
    told and closed 4001."""
    for client in clients:
        await client.send("room.ready", ready=True)
        for member in clients:
            assert (await member.expect("room.ready"))["ready"] is True
    started = await clients[0].request("room.start")
    assert started["type"] == "match.started", started
    for client in clients[1:]:
        assert (await client.expect("match.started"))["match_id"] == started["match_id"]
    for client in clients:
        assert await client.closed() == 4001
    match_id: str = started["match_id"]
    return match_id


async def refused(client: GameClient) -> tuple[dict[str, Any], int | None]:
    """The one frame a refused socket gets (an error) and the code it is then closed with."""
    frames, code = await frames_until_close(client)
    assert len(frames) == 1 and frames[0]["type"] == "error", frames
    return frames[0], code


def subjects(frame: dict[str, Any]) -> set[str]:
    """The rooms, drafts, drafting players and room owners a lobby frame is about."""
    room = frame.get("room") or {}
    found = {frame.get("room_id"), frame.get("pending_id"), room.get("id")}
    found |= {part.get("id") for part in (room.get("owner"), frame.get("by")) if part}
    return {subject for subject in found if isinstance(subject, str)}


async def next_about(
    lobby: GameClient, watched: set[str], timeout: float | None = None
) -> dict[str, Any]:
    """The next lobby frame about something watched (errors too); others are skipped."""
    while True:
        frame = await lobby.receive(timeout)
        if frame["type"] == "error" or subjects(frame) & watched:
            return frame


async def lobby_barrier(
    server: ServerProcess, watchers: list[GameClient], watched: set[str]
) -> None:
    """Assert that no watcher hears anything about `watched` before a new draft: a new guest
    drafts and cancels, and that draft's frames must be the next ones each watcher gets."""
    drafter = guest(server)
    lobby, _ = await open_lobby(server, drafter)
    await lobby.send("room.drafting")
    pending = [await next_about(watcher, watched | {drafter.id}) for watcher in watchers]
    for frame in pending:
        assert frame["type"] == "lobby.room_pending" and frame["by"] == drafter.player, frame
    await lobby.send("room.draft_cancel")
    for watcher, frame in zip(watchers, pending, strict=True):
        cancelled = await next_about(watcher, watched | {frame["pending_id"]})
        assert cancelled == {
            "type": "lobby.room_pending_cancelled",
            "pending_id": frame["pending_id"],
        }, cancelled
    await lobby.close()


async def room_barrier(sender: GameClient, others: list[GameClient]) -> None:
    """Assert that the next frame the sender and each other room socket get is the sender's chat."""
    text = f"barrier {uuid.uuid4().hex}"
    reply = await sender.request("room.chat", text=text)
    assert reply["type"] == "room.chat" and reply["text"] == text, reply
    for other in others:
        heard = await other.receive()
        assert heard["type"] == "room.chat" and heard["text"] == text, heard


async def api(
    server: ServerProcess,
    method: str,
    path: str,
    player: Guest | None = None,
    body: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    """An HTTP call to the server's REST API (as `player` if given): the status and JSON body."""
    headers = {"Authorization": f"Bearer {player.access}"} if player else {}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        response = await http.request(method, path, json=body, headers=headers)
    return response.status_code, response.json()


async def log_a_token(log: Path, env: dict[str, str] | None = None) -> tuple[Guest, str]:
    """Run a server logging at info level to `log` while a guest's token opens a lobby socket
    and asks `/api/games/?token=...&x=1`; the guest and everything the server logged."""
    server = ServerProcess(free_port(), str(log.parent), env or {}, log=log, log_level="info")
    server.start()
    try:
        player = guest(server)
        lobby = await connect(server, LOBBY, player)
        await lobby.expect("lobby.rooms")
        await lobby.close()
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            answer = await http.get("/api/games/", params={"token": player.access, "x": "1"})
            assert answer.status_code == 200
    finally:
        server.stop()
    return player, await asyncio.to_thread(log.read_text)
