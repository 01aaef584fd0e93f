"""A Python client for gamerooms servers: guest sign-in and a WebSocket that speaks the protocol."""

from __future__ import annotations

import asyncio
import itertools
import time
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class Guest:
    """A guest's tokens and Player object."""

    access: str
    refresh: str
    player: dict[str, Any]

    @property
    def id(self) -> str:
        """The player id."""
        return str(self.player["id"])

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any]) -> Guest:
        """The guest that `POST /api/auth/guest/` answered with."""
        return cls(reply["access"], reply["refresh"], reply["player"])


def guest_request(name: str, avatar: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The body of `POST /api/auth/guest/` for this name and avatar."""
    body: dict[str, Any] = {"name": name}
    if avatar is not None:
        body["avatar"] = dict(avatar)
    return body


def _post_json(url: str, body: Mapping[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=orjson.dumps(body), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = orjson.loads(response.read())
        return result


def create_guest(base_url: str, name: str, avatar: Mapping[str, str] | None = None) -> Guest:
    """Sign in as a new guest on a running server."""
    return Guest.from_reply(_post_json(f"{base_url}/api/auth/guest/", guest_request(name, avatar)))


class Closed(Exception):
    """The server closed the socket; `code` says why."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"closed with {code}")
        self.code = code


class ProtocolClient(ABC):
    """A client that speaks the gamerooms protocol over some WebSocket: requests with ids, and
    waiting for frames by type. Subclasses move the frames."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._ids = itertools.count(1)

    @abstractmethod
    async def send_raw(self, frame: str | bytes, text: bool | None = None) -> None:
        """Send a frame exactly as given; `text=True` sends bytes as a text frame, unchecked."""

    @abstractmethod
    async def receive_raw(self, timeout: float) -> str | bytes:
        """The next frame as it came; Closed if the server closed the socket, TimeoutError if
        none came in time (the socket stays open)."""

    @abstractmethod
    async def close(self) -> None:
        """Close from the client side."""

    async def send(self, type_: str, **fields: Any) -> None:
        """Send one message."""
        await self.send_raw(orjson.dumps({"type": type_, **fields}).decode())

    async def request(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Send a message with a fresh id; the first frame that echoes that id."""
        request_id = next(self._ids)
        await self.send(type_, id=request_id, **fields)
        return await self.expect_reply(request_id)

    async def expect_reply(self, request_id: int | str) -> dict[str, Any]:
        """Skip frames until one carries `request_id`."""
        while True:
            message = await self.receive()
            if message.get("id") == request_id:
                return message

    async def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """The next frame; Closed if the server closed the socket."""
        message: dict[str, Any] = orjson.loads(await self.receive_raw(timeout or self.timeout))
        return message

    async def expect(self, type_: str, timeout: float | None = None) -> dict[str, Any]:
        """The next frame, which must be of this type."""
        message = await self.receive(timeout)
        if message.get("type") != type_:
            raise AssertionError(f"expected {type_}, got {message}")
        return message

    async def wait_for(self, type_: str, timeout: float | None = None) -> dict[str, Any]:
        """Skip frames until one of this type arrives."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = await self.receive(max(0.01, deadline - time.monotonic()))
            if message.get("type") == type_:
                return message

    async def closed(self, timeout: float | None = None) -> int | None:
        """Wait until the server closes the socket (discarding frames); the close code."""
        try:
            while True:
                await self.receive(timeout)
        except Closed as closed:
            return closed.code


class GameClient(ProtocolClient):
    """A client that speaks the gamerooms protocol over a real WebSocket."""

    def __init__(self, connection: Any, timeout: float = 5.0) -> None:
        super().__init__(timeout)
        self.connection = connection

    @classmethod
    async def connect(cls, url: str, timeout: float = 5.0) -> GameClient:
        """Open a WebSocket to `url` (ws://host:port/ws/...?token=...)."""
        import websockets

        connection = await websockets.connect(url, max_size=None, open_timeout=timeout)
        return cls(connection, timeout)

    async def send_raw(self, frame: str | bytes, text: bool | None = None) -> None:
        """Send a frame exactly as given; `text=True` sends bytes as a text frame, unchecked."""
        await self.connection.send(frame, text=text)

    async def receive_raw(self, timeout: float) -> str | bytes:
        """The next frame as it came; Closed if the server closed the socket."""
        import websockets

        try:
            frame: str | bytes = await asyncio.wait_for(self.connection.recv(), timeout)
        except websockets.ConnectionClosed as exc:
            raise Closed(exc.rcvd.code if exc.rcvd else None) from exc
        return frame

    async def close(self) -> None:
        """Close from the client side."""
        await self.connection.close()
