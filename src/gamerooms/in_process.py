"""gamerooms in the test's own process: its ASGI application driven through asgiref's
ApplicationCommunicator (which Channels' WebsocketCommunicator builds on; `channels.testing`
itself needs daphne), with guests, REST calls and sockets as a client has them, and no port or
subprocess."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import orjson
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import override_settings

from gamerooms.client import Closed, Guest, ProtocolClient, guest_request
from gamerooms.transport.types import ASGIApp, Message

TEST_CONFIG: Mapping[str, Any] = {
    "STATE_FILE": None,
    "THROTTLE_LOGIN": None,
    "THROTTLE_REGISTER": None,
    "THROTTLE_GUEST": None,
    "THROTTLE_ROOM_LOOKUP": None,
    "THROTTLE_MATCH_LOOKUP": None,
}
"""What an InProcessServer changes in `settings.GAMEROOMS` unless told otherwise: live state
in memory only (nothing carried over from another test) and no REST throttles."""

HOST = (b"host", b"testserver")
"""The Host header of every request: Django's test setup allows `testserver`."""


class Connection:
    """One ASGI connection (a scope) to the application, which runs while it lasts."""

    def __init__(self, application: ASGIApp, scope: Mapping[str, Any]) -> None:
        communicator: Any = ApplicationCommunicator  # asgiref.testing has no type hints
        self._communicator: Any = communicator(application, dict(scope))

    @classmethod
    def of(cls, application: ASGIApp, kind: str, url: str, **scope: Any) -> Connection:
        """An `http` or `websocket` connection for `url` (a path and query), from `testserver`."""
        path, _, query = url.partition("?")
        headers = [HOST, *scope.pop("headers", [])]
        base = {"type": kind, "path": path, "query_string": query.encode(), "headers": headers}
        return cls(application, base | scope)

    @property
    def finished(self) -> bool:
        """Whether the application is done with this connection."""
        return bool(self._communicator.future.done())

    async def send(self, message: Message) -> None:
        """Hand the application a message."""
        await self._communicator.send_input(message)

    async def receive(self, timeout: float) -> Message:
        """The application's next message; TimeoutError if none comes in time (the connection
        goes on: asgiref's own timeout would cancel the application)."""
        async with asyncio.timeout(timeout):
            message: Message = await self._communicator.receive_output(timeout=None)
        return message

    async def finish(self, timeout: float) -> None:
        """Wait until the application is done with this connection (cancelled after timeout)."""
        await self._communicator.wait(timeout)


class InProcessClient(ProtocolClient):
    """A socket of an InProcessServer, with GameClient's requests and expectations."""

    def __init__(self, connection: Connection, timeout: float) -> None:
        super().__init__(timeout)
        self._connection = connection
        self._closed = False
        self._close_code: int | None = None

    async def send_raw(self, frame: str | bytes, text: bool | None = None) -> None:
        """Send a frame as given: a str as a text frame, bytes as a binary one (`text=True`:
        as a text frame, which must then be UTF-8)."""
        if isinstance(frame, bytes) and text:
            frame = frame.decode()
        key = "text" if isinstance(frame, str) else "bytes"
        await self._connection.send({"type": "websocket.receive", key: frame})

    async def receive_raw(self, timeout: float) -> str | bytes:
        """The next frame the application sent; Closed once it closed the socket,
        TimeoutError if nothing came in time (the socket stays open)."""
        if self._closed:
            raise Closed(self._close_code)
        message = await self._connection.receive(timeout)
        if message["type"] == "websocket.close":
            self._closed, self._close_code = True, message.get("code", 1000)
            raise Closed(self._close_code)
        frame: str | bytes = message["bytes"] if message.get("text") is None else message["text"]
        return frame

    async def close(self) -> None:
        """Disconnect (1000), and wait until the application is done with the socket."""
        self._closed = True
        if not self._connection.finished:
            await self._connection.send({"type": "websocket.disconnect", "code": 1000})
            await self._connection.finish(self.timeout)


class InProcessServer:
    """A gamerooms application for the duration of an `async with` block, in this process:
    its lifespan runs (timers, bots, the journal), `guest()` signs players in, `call()` makes
    REST calls and `connect()` opens sockets, all through the ASGI application. It needs
    Django's database (with pytest-django, `@pytest.mark.django_db(transaction=True)`). `config`
    sets `settings.GAMEROOMS` keys on top of TEST_CONFIG while the server runs (not `GAMES`:
    the registry of games is built once per process)."""

    def __init__(
        self, application: ASGIApp | None = None, timeout: float = 5.0, **config: Any
    ) -> None:
        self.timeout = timeout
        self._application = application
        self._settings = override_settings(
            GAMEROOMS={**getattr(settings, "GAMEROOMS", {}), **TEST_CONFIG, **config}
        )
        self._lifespan: Connection | None = None
        self._clients: list[InProcessClient] = []

    @property
    def application(self) -> ASGIApp:
        """The application under test (by default `build_application` of Django's own)."""
        if self._application is None:
            raise RuntimeError("the server runs inside `async with` only")
        return self._application

    async def __aenter__(self) -> InProcessServer:
        self._settings.enable()
        if self._application is None:
            from django.core.asgi import get_asgi_application

            from gamerooms.asgi import build_application

            self._application = build_application(get_asgi_application())
        self._lifespan = Connection(self._application, {"type": "lifespan"})
        await self._lifespan_step("startup")
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            for client in self._clients:
                await client.close()
            await self._lifespan_step("shutdown")
        finally:
            self._settings.disable()

    async def _lifespan_step(self, step: str) -> None:
        if self._lifespan is None:
            raise RuntimeError("the server runs inside `async with` only")
        await self._lifespan.send({"type": f"lifespan.{step}"})
        reply = await self._lifespan.receive(self.timeout)
        if reply["type"] != f"lifespan.{step}.complete":
            raise RuntimeError(f"lifespan {step} failed: {reply}")

    async def call(
        self, method: str, path: str, body: Any = None, player: Guest | None = None
    ) -> tuple[int, Any]:
        """A REST call (`body` as JSON, as `player` if given): its status and JSON answer
        (None if empty)."""
        content = b"" if body is None else orjson.dumps(body)
        headers = [(b"content-type", b"application/json")]
        headers.append((b"content-length", str(len(content)).encode()))
        if player is not None:
            headers.append((b"authorization", f"Bearer {player.access}".encode()))
        http = Connection.of(self.application, "http", path, method=method, headers=headers)
        await http.send({"type": "http.request", "body": content})
        start, answer = await http.receive(self.timeout), b""
        while True:
            chunk = await http.receive(self.timeout)
            answer += chunk.get("body", b"")
            if not chunk.get("more_body", False):
                break
        await http.finish(self.timeout)
        status: int = start["status"]
        return status, orjson.loads(answer) if answer else None

    async def guest(self, name: str, avatar: Mapping[str, str] | None = None) -> Guest:
        """A new guest, signed in with `POST /api/auth/guest/`."""
        status, reply = await self.call("POST", "/api/auth/guest/", guest_request(name, avatar))
        if status != 201:
            raise RuntimeError(f"guest sign-in answered {status}: {reply}")
        return Guest.from_reply(reply)

    async def connect(
        self, path: str, player: Guest | None = None, **query: str
    ) -> InProcessClient:
        """A socket at `path` (`/ws/queue/tictactoe/`...) as `player` (its token in the query
        string), with more `query` parameters (`spectate="1"`); Closed if refused. It is
        closed when the server stops."""
        if player is not None:
            query = {"token": player.access, **query}
        url = f"{path}?{urlencode(query)}" if query else path
        socket = Connection.of(self.application, "websocket", url, subprotocols=[])
        await socket.send({"type": "websocket.connect"})
        answer = await socket.receive(self.timeout)
        if answer["type"] != "websocket.accept":
            raise Closed(answer.get("code"))
        client = InProcessClient(socket, self.timeout)
        self._clients.append(client)
        return client
