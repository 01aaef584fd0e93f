"""Helpers shared by the integration tests: joining a match, reading frames, and barriers.

A barrier proves that nothing else reached a socket without sleeping: the sender says something
in the match chat, and the next frame each socket gets must be that chat line. Presence frames
(`match.player_disconnected` / `match.player_reconnected`) are skipped by `next_frame` and the
barrier, since tests connect and reconnect the same seats on purpose.

Matches are played out when a test is done with them (`tictactoe`, `play_out`): Redis-backed test
servers share one store, and a match left with its seats away would pause and get bots later.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson

from gamerooms.testing import Closed, GameClient, Guest, ServerProcess
from tests.integration.conftest import guests

PRESENCE = frozenset({"match.player_disconnected", "match.player_reconnected"})


def match_path(match_id: str) -> str:
    """The WebSocket path of a match."""
    return f"/ws/matches/{match_id}/"


async def join(
    server: ServerProcess, match_id: str, player: Guest
) -> tuple[GameClient, dict[str, Any]]:
    """A client connected to the match as `player`, and the match.state it got first."""
    client = await GameClient.connect(server.ws_url(match_path(match_id), player.access))
    state = await client.expect("match.state")
    assert state["match_id"] == match_id
    return client, state


async def join_all(
    servers: list[ServerProcess], match_id: str, players: list[Guest]
) -> list[GameClient]:
    """A connected client per player, player i on servers[i % len(servers)]."""
    clients = []
    for index, player in enumerate(players):
        client, _ = await join(servers[index % len(servers)], match_id, player)
        clients.append(client)
    return clients


async def fresh_state(server: ServerProcess, match_id: str, player: Guest) -> dict[str, Any]:
    """The match.state a new socket for `player` gets (it replaces any older socket of the seat)."""
    client, state = await join(server, match_id, player)
    await client.close()
    return state


async def next_frame(client: GameClient, timeout: float | None = None) -> dict[str, Any]:
    """The next frame that is not a presence notice."""
    while True:
        message = await client.receive(timeout)
        if message.get("type") not in PRESENCE:
            return message


async def barrier(sender: GameClient, others: list[GameClient]) -> None:
    """Assert that the next frame the sender and every other client get is the sender's chat."""
    text = f"barrier {uuid.uuid4().hex}"
    request_id = f"barrier-{uuid.uuid4().hex[:8]}"
    await sender.send("match.chat", id=request_id, text=text)
    reply = await next_frame(sender)
    assert reply.get("type") == "match.chat" and reply.get("text") == text, reply
    assert reply.get("id") == request_id, reply
    for other in others:
        heard = await next_frame(other)
        assert heard.get("type") == "match.chat" and heard.get("text") == text, heard
        assert "id" not in heard, heard


async def frames_until_close(
    client: GameClient, timeout: float | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """Every frame until the server closes the socket, and the close code."""
    frames = []
    try:
        while True:
            frames.append(await client.receive(timeout))
    except Closed as closed:
        return frames, closed.code


async def close_all(clients: list[GameClient]) -> None:
    """Close every client (already closed ones too)."""
    for client in clients:
        await client.close()


def assert_error(
    message: dict[str, Any],
    code: str,
    request_id: str | int | None = None,
    field: str | None = None,
) -> None:
    """`message` is an error with this code, echoing `request_id` (absent if None), and naming
    `field` in its message if given."""
    assert message.get("type") == "error", message
    assert message.get("code") == code, message
    assert isinstance(message.get("message"), str) and message["message"], message
    assert message.get("id") == request_id, message
    if field is not None:
        assert field in message["message"], message


def shared(frame: dict[str, Any]) -> dict[str, Any]:
    """A frame without what is the receiving seat's own (`turn.actions`) or reply's own (`id`):
    what every seat of a game without hidden information hears alike."""
    turn = {key: value for key, value in frame.get("turn", {}).items() if key != "actions"}
    rest = {key: value for key, value in frame.items() if key not in ("id", "turn")}
    return {**rest, "turn": turn} if "turn" in frame else rest


def dumps(body: dict[str, Any]) -> str:
    """A JSON text frame."""
    return orjson.dumps(body).decode()


async def place(
    client: GameClient, cell: int, version: int | None = None, request_id: str | None = None
) -> None:
    """Send a tic-tac-toe move without waiting for the reply."""
    body: dict[str, Any] = {"type": "match.action", "action": "place", "data": {"cell": cell}}
    if version is not None:
        body["version"] = version
    if request_id is not None:
        body["id"] = request_id
    await client.send_raw(dumps(body))


async def _racer_outcome(client: GameClient, text: str) -> int | str | None:
    """Open: "open" once `client` hears the chat line `text`; closed: the close code."""
    try:
        while True:
            message = await client.receive()
            if message.get("type") == "match.chat" and message.get("text") == text:
                return "open"
            assert message.get("type") in PRESENCE | {"match.state"}, message
    except Closed as closed:
        return closed.code


async def _state_or_close(client: GameClient) -> GameClient:
    """Wait until `client` got its match.state, or was closed before it."""
    with contextlib.suppress(Closed):
        await client.expect("match.state")
    return client


async def race_for_seat(urls: list[str], other: GameClient) -> list[int | str | None]:
    """Open a socket to each URL at once, all for the same seat; once every one has its
    match.state (or was closed), `other` (another seat) says something in the chat. The outcome
    of each racer: "open" if it heard that line, else the code it was closed with."""
    racers = await asyncio.gather(*(GameClient.connect(url) for url in urls))
    await asyncio.gather(*(_state_or_close(racer) for racer in racers))
    text = f"after the race {uuid.uuid4().hex}"
    await other.send("match.chat", text=text)
    outcomes = await asyncio.gather(*(_racer_outcome(racer, text) for racer in racers))
    heard = await next_frame(other)
    assert heard.get("type") == "match.chat" and heard.get("text") == text, heard
    survivors = [
        racer for racer, outcome in zip(racers, outcomes, strict=True) if outcome == "open"
    ]
    if len(survivors) == 1:
        await barrier(survivors[0], [other])
    await close_all(racers)
    return list(outcomes)


async def play_out(server: ServerProcess, match_id: str, players: list[Guest]) -> None:
    """Play a tic-tac-toe match to its end (first free cell each turn) and disconnect.

    Redis-backed test servers share one store, whose timers any of them may fire: a match left
    with its seats disconnected would later pause and get bots in some other suite's server."""
    clients: list[GameClient] = []
    state: dict[str, Any] = {}
    for player in players:
        client, state = await join(server, match_id, player)
        clients.append(client)
    while state["status"] != "finished":
        seat = state["turn"]["seats"][0]
        cell = state["state"]["board"].index(None)
        state = await clients[seat].request("match.action", action="place", data={"cell": cell})
        assert state["type"] == "match.update", state
    await close_all(clients)


@contextlib.asynccontextmanager
async def tictactoe(server: ServerProcess) -> AsyncIterator[tuple[str, list[Guest]]]:
    """A new tic-tac-toe match between two new guests, played out afterwards if all went well."""
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    yield match_id, players
    await play_out(server, match_id, players)
