"""The WebSocket layer of `gamerooms serve` (picows under uvicorn): fragments, pings, close
handshakes and shutdown, on a real server with real clients."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
import orjson
import pytest
import websockets

from gamerooms.conf import Config
from gamerooms.protocol.messages import CHAT_MAX
from gamerooms.testing import Closed, GameClient, ServerProcess, running_server
from gamerooms.transport.wire import hard_cap
from tests.integration.conftest import guests
from tests.integration.rooms_kit import seated

MAX_FRAME_BYTES = Config.MAX_FRAME_BYTES


async def lobby(server: ServerProcess) -> websockets.ClientConnection:
    """A raw lobby socket, past its first `lobby.rooms`."""
    (player,) = guests(server, 1)
    connection = await websockets.connect(server.ws_url("/ws/lobby/", player.access))
    first = orjson.loads(await asyncio.wait_for(connection.recv(), 5))
    assert first["type"] == "lobby.rooms", first
    return connection


async def test_a_message_sent_in_fragments_is_served_as_one(memory_server: ServerProcess) -> None:
    connection = await lobby(memory_server)
    text = orjson.dumps({"type": "lobby.filter", "id": "f1", "game": "tictactoe"}).decode()
    await connection.send([text[:5], text[5:20], text[20:]])
    reply = orjson.loads(await asyncio.wait_for(connection.recv(), 5))
    assert reply["type"] == "lobby.rooms" and reply["id"] == "f1", reply
    await connection.close()


async def test_fragments_past_the_hard_cap_close_1009(memory_server: ServerProcess) -> None:
    connection = await lobby(memory_server)
    piece = "x" * (hard_cap(MAX_FRAME_BYTES) // 4)
    with pytest.raises(websockets.ConnectionClosed):
        await connection.send(['{"type":"lobby.filter","game":"', piece, piece, piece, piece, '"}'])
        await asyncio.wait_for(connection.recv(), 5)
    await asyncio.wait_for(connection.wait_closed(), 5)
    assert connection.close_code == 1009


async def test_a_ping_is_answered(memory_server: ServerProcess) -> None:
    connection = await lobby(memory_server)
    pong = await connection.ping(b"are you there")
    latency = await asyncio.wait_for(pong, 5)
    assert latency >= 0
    await connection.close()


async def test_a_clients_close_is_echoed_with_its_code(memory_server: ServerProcess) -> None:
    connection = await lobby(memory_server)
    await connection.close(code=4321, reason="done")
    received = connection.protocol.close_rcvd
    assert received is not None and received.code == 4321


async def test_pages_and_sockets_share_the_port(memory_server: ServerProcess) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{memory_server.base_url}/healthz")
    assert response.status_code == 200
    connection = await lobby(memory_server)
    await connection.close()


async def test_shutdown_closes_open_sockets_1001() -> None:
    with running_server() as server:
        player, other = guests(server, 2)
        match_id = server.create_match("tictactoe", [player, other])
        client = await GameClient.connect(server.ws_url(f"/ws/matches/{match_id}/", player.access))
        await client.expect("match.state")
        lobby_socket = await lobby(server)
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        assert await client.closed(timeout=10) == 1001
        await asyncio.wait_for(lobby_socket.wait_closed(), 10)
        assert lobby_socket.close_code == 1001


def test_ctrl_c_shuts_the_server_down_quietly(tmp_path: Path) -> None:
    """SIGINT (Ctrl-C in a terminal): a clean shutdown, exit status 130, and no traceback."""
    log = tmp_path / "server.log"
    with running_server(log=log) as server:
        assert server.process is not None
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 130
    assert "Traceback" not in log.read_text()


async def test_a_client_that_stops_reading_is_dropped_and_the_room_goes_on() -> None:
    """A room member that reads nothing while the room chats fast is disconnected once 8 MiB
    wait for it; the talker, who reads its echoes batch by batch, gets every line."""
    unlimited = {"GAMEROOMS_RATE_PER_SECOND": "1000000", "GAMEROOMS_RATE_BURST": "1000000"}
    with running_server(env=unlimited) as server:
        (talker, sleeper), lines = guests(server, 2), 40_000
        _, (talking, sleeping) = await seated(server, [talker, sleeper], game="tictactoe")
        text, batch = "x" * CHAT_MAX, 1_000
        for _ in range(lines // batch):
            for _ in range(batch):
                await talking.send("room.chat", text=text)
            echoed = 0
            while echoed < batch:
                echoed += (await talking.receive(timeout=30))["type"] == "room.chat"
        heard = 0
        with pytest.raises(Closed) as closed:
            while True:
                if (await sleeping.receive(timeout=10))["type"] == "room.chat":
                    heard += 1
        assert closed.value.code is None and heard < lines, (closed.value.code, heard)


async def _raw_upgrade(server: ServerProcess, upgrade_header: bytes) -> tuple[bytes, bytes]:
    """Send a lobby socket's upgrade request by hand: the response's head and first frame."""
    (player,) = guests(server, 1)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    request = (
        f"GET /ws/lobby/?token={player.access} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
        + upgrade_header
        + b"\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + b"Sec-WebSocket-Version: 13\r\n\r\n"
    )
    writer.write(request)
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        first, length = await asyncio.wait_for(reader.readexactly(2), 5)
        size = length & 0x7F
        if size == 126:
            size = int.from_bytes(await reader.readexactly(2), "big")
        assert first == 0x81 and size < 65536
        return head, await asyncio.wait_for(reader.readexactly(size), 5)
    finally:
        writer.close()


@pytest.mark.parametrize(
    "upgrade_header",
    [b"Upgrade: websocket", b"upgrade:WebSocket"],
    ids=["handed-over-as-it-came", "parsed-by-uvicorn-first"],
)
async def test_an_upgrade_is_served_however_its_headers_are_spelled(
    memory_server: ServerProcess, upgrade_header: bytes
) -> None:
    head, frame = await _raw_upgrade(memory_server, upgrade_header)
    assert head.startswith(b"HTTP/1.1 101 "), head
    assert b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head  # the key's accept value (RFC 6455 example)
    assert orjson.loads(frame)["type"] == "lobby.rooms"


async def test_a_plain_request_for_a_socket_path_is_still_http(
    memory_server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=memory_server.base_url) as client:
        response = await client.get("/ws/lobby/")
    assert response.status_code == 404
