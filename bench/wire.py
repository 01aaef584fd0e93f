"""Client side of each server's wire protocol: connect, join a room, encode and classify frames."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

Frame = str | bytes

MARK = "@@"
"""Brackets the `<sender>:<send time µs>` stamp inside a relayed chat text."""

JOIN_ROOM = 10
"""Colyseus: the server's first frame, and the client's answer to it."""
ERROR = 11
"""Colyseus: an error frame."""
ROOM_DATA = 13
"""Colyseus: a message frame, then the msgpack type, then the msgpack payload."""


@dataclass(frozen=True)
class Member:
    """One client of a relay room: how to reach the server and which room to sit in."""

    kind: str
    """The dialect: gamerooms, asgi or colyseus."""
    base: str
    """ws:// base URL (gamerooms, asgi) or http:// base URL (colyseus)."""
    room: str
    """A gamerooms room code, or the room number for the peers."""
    token: str = ""
    """The gamerooms guest's access token."""


async def open_socket(url: str) -> ClientConnection:
    """A WebSocket without compression, size limit or keepalive pings."""
    return await connect(
        url, compression=None, max_size=None, ping_interval=None, open_timeout=60, close_timeout=2
    )


async def join_relay(member: Member) -> ClientConnection:
    """A socket that has joined its relay room and may chat."""
    if member.kind == "gamerooms":
        return await join_gamerooms_room(member.base, member.room, member.token)
    if member.kind == "asgi":
        return await open_socket(f"{member.base}/relay/{member.room}")
    if member.kind == "colyseus":
        return await join_colyseus(member.base, "relay", {"g": int(member.room)})
    raise ValueError(f"unknown dialect {member.kind!r}")


async def join_gamerooms_room(base: str, code: str, token: str) -> ClientConnection:
    """A gamerooms room socket past its room.joined."""
    socket = await open_socket(f"{base}/ws/rooms/{code}/?token={token}")
    await socket.send('{"type":"room.join","password":null}')
    while True:
        frame = await asyncio.wait_for(socket.recv(), 30)
        if '"type":"room.joined"' in frame:
            return socket
        if '"type":"error"' in frame:
            raise RuntimeError(f"room.join refused: {frame!r}")


def reserve_seat(base: str, room: str, options: dict[str, Any]) -> dict[str, Any]:
    """Colyseus: a seat reservation from POST /matchmake/joinOrCreate/<room>."""
    request = urllib.request.Request(
        f"{base}/matchmake/joinOrCreate/{room}",
        data=orjson.dumps(options),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        seat: dict[str, Any] = orjson.loads(response.read())
        return seat


async def join_colyseus(base: str, room: str, options: dict[str, Any]) -> ClientConnection:
    """Colyseus: reserve a seat, open its socket and answer JOIN_ROOM."""
    seat = await asyncio.to_thread(reserve_seat, base, room, options)
    host = base.removeprefix("http://")
    url = f"ws://{host}/{seat['processId']}/{seat['roomId']}?sessionId={seat['sessionId']}"
    socket = await open_socket(url)
    first = await asyncio.wait_for(socket.recv(), 30)
    if not isinstance(first, bytes) or not first or first[0] != JOIN_ROOM:
        raise RuntimeError(f"colyseus: expected JOIN_ROOM, got {first!r:.80}")
    await socket.send(bytes([JOIN_ROOM]))
    return socket


def colyseus_message(type_: str, payload: Any) -> bytes:
    """A Colyseus ROOM_DATA frame."""
    import msgpack  # only the Colyseus dialect needs it (bench/requirements.txt)

    encoded: bytes = msgpack.packb(type_) + msgpack.packb(payload)
    return bytes([ROOM_DATA]) + encoded


def colyseus_decode(frame: Frame) -> tuple[str, Any] | None:
    """(type, payload) of a Colyseus ROOM_DATA frame; None for other frames."""
    if not isinstance(frame, bytes) or not frame or frame[0] != ROOM_DATA:
        return None
    import msgpack

    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(frame[1:])
    type_ = unpacker.unpack()
    try:
        payload = unpacker.unpack()
    except msgpack.OutOfData:
        payload = None
    return str(type_), payload


def chat_encoder(kind: str) -> Callable[[str], Frame]:
    """How a client of this dialect sends a chat text to its room."""
    if kind == "gamerooms":
        return lambda text: '{"type":"room.chat","text":"' + text + '"}'
    if kind == "asgi":
        return lambda text: text
    import msgpack

    prefix = bytes([ROOM_DATA]) + msgpack.packb("chat")
    return lambda text: prefix + msgpack.packb(text)


def error_test(kind: str) -> Callable[[Frame], bool]:
    """Whether a frame of this dialect is an error."""
    if kind == "gamerooms":
        return lambda frame: '"type":"error"' in frame
    if kind == "colyseus":
        return lambda frame: isinstance(frame, bytes) and frame[:1] == bytes([ERROR])
    return lambda frame: False
