"""The WebSocket layer of `gamerooms serve`: uvicorn serves HTTP on the port and hands each
WebSocket upgrade to picows, which parses and builds frames in native code and writes them
straight to the socket. The game endpoints then serve it as a `NativeWebSocket`. A connection
whose first bytes are a whole game socket upgrade (as clients send it: one packet) goes to
picows as it came, without uvicorn parsing it first (`GameHttpProtocol`).

Messages above `hard_cap` are refused by the parser from their header, before any of their
payload is buffered, and the socket is closed 1009. Messages between the protocol limit and the
cap are read and answered `too_large`, so that a client slightly over the limit learns why.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final
from urllib.parse import unquote

from channels.auth import AuthMiddlewareStack
from picows import WSAutoPingStrategy, WSTransport, WSUpgradeRequest
from picows.picows import WSProtocol  # type: ignore[attr-defined]
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gamerooms.protocol.codes import CloseCode
from gamerooms.runtime import current_runtime
from gamerooms.transport.auth import has_token
from gamerooms.transport.endpoint import frame_limits
from gamerooms.transport.native import GameListener, NativeWebSocket
from gamerooms.transport.routing import refuse_unknown_path, resolve
from gamerooms.transport.types import Message, Scope

HARD_CAP_FACTOR: Final = 4
"""The transport closes 1009 on messages above this many times the protocol's frame limit."""

READ_BUFFER_BYTES: Final = 2048
"""A socket's first read buffer; picows doubles it while a message needs more."""

CLOSE_LINGER_SECONDS: Final = 2.0
"""After its close frame, how long the server waits for the client to end the connection."""

log = logging.getLogger(__name__)

HANDSHAKE_LOG = logging.getLogger("uvicorn.error")
"""Where uvicorn logs WebSocket handshakes (its access-log filters apply to it)."""

PICOWS_LOG = logging.LoggerAdapter(logging.Logger("gamerooms.transport.picows", logging.CRITICAL))
"""picows' own log, outside the logging tree: it reports every connection, and each client's
protocol violation as an error (answered with a close code); only its critical messages count.
An adapter, not a Logger, so that picows makes no child logger per connection."""


_DISCARDED = memoryview(bytearray(64 * 1024))
"""Where the bytes of closing sockets are read to and dropped."""


def is_game_upgrade(data: bytes) -> bool:
    """Whether these bytes are a whole WebSocket upgrade request for a game socket path."""
    return (
        data.startswith(b"GET /ws/")
        and data.endswith(b"\r\n\r\n")
        and b"\r\nupgrade: websocket\r\n" in data.lower()
    )


class GameHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, except that a connection whose first bytes are a whole game
    socket upgrade goes to the `ws` protocol (picows) as it came, without being parsed into an
    HTTP request and written out again first."""

    _fed = False

    def data_received(self, data: bytes) -> None:
        """Hand a connection's first bytes over when they are a game socket's upgrade."""
        if not self._fed and self.ws_protocol_class is not None and is_game_upgrade(data):
            self.connections.discard(self)
            protocol = self.ws_protocol_class(  # type: ignore[call-arg]
                config=self.config, server_state=self.server_state, app_state=self.app_state
            )
            protocol.connection_made(self.transport)
            protocol.data_received(data)
            self.transport.set_protocol(protocol)
            return
        self._fed = True
        super().data_received(data)


def hard_cap(max_frame_bytes: int) -> int:
    """The largest message the transport reads at all (`too_large` up to it, 1009 above it)."""
    return HARD_CAP_FACTOR * max_frame_bytes


class GameSocketProtocol(WSProtocol):  # type: ignore[misc]
    """uvicorn's `ws` protocol class for game sockets: picows takes the upgraded connection over
    (uvicorn passes it the request it read, then the transport)."""

    def __init__(self, config: Any, server_state: Any, app_state: Any, **_: Any) -> None:
        super().__init__(
            None,  # host and port: a client's only
            None,  # path: a client's only
            False,  # the server side
            self._listener,
            PICOWS_LOG,
            True,  # disconnect on an exception in a callback
            None,  # no handshake timeout: uvicorn has read the request already
            False,  # no auto ping
            20.0,
            20.0,
            WSAutoPingStrategy.PING_WHEN_IDLE,
            True,  # answer pings
            config.ws_max_size,
            None,  # no extra response headers
            READ_BUFFER_BYTES,
        )
        self._cap: int = config.ws_max_size
        self._server_state = server_state
        self._client: tuple[str, int] | None = None
        self._game_listener: GameListener | None = None
        self._discarding = False
        self._linger: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        """Take the connection over from uvicorn, which still tracks it for shutdown."""
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self._client = (peer[0], peer[1]) if isinstance(peer, tuple) else None
        self._server_state.connections.add(self)

    def data_received(self, data: bytes) -> None:
        """The upgrade request as uvicorn read it; later bytes come through `buffer_updated`."""
        view = memoryview(data)
        while view:
            buffer = self.get_buffer(len(view))
            size = min(len(buffer), len(view))
            buffer[:size] = view[:size]
            view = view[size:]
            self.buffer_updated(size)

    def get_buffer(self, size_hint: int) -> memoryview:
        """Where the next bytes go: picows' frame buffer, or the bin once the socket is closing."""
        if self._discarding:
            return _DISCARDED
        return super().get_buffer(size_hint)  # type: ignore[no-any-return]

    def buffer_updated(self, nbytes: int) -> None:
        """Parse what arrived, unless the socket is closing."""
        if self._discarding:
            return
        super().buffer_updated(nbytes)
        if self.transport.is_close_frame_sent:
            self.end()

    def end(self) -> None:
        """After the close frame: read and drop whatever the client still sends (closing with
        unread bytes would reset the connection, and the client could lose the close frame),
        send end-of-file, and disconnect once the client has gone or after a linger."""
        if self._discarding:
            return
        self._discarding = True
        underlying = self.transport.underlying_transport
        if underlying.can_write_eof():
            underlying.write_eof()
        loop = asyncio.get_running_loop()
        self._linger = loop.call_later(CLOSE_LINGER_SECONDS, self.transport.disconnect)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection."""
        super().connection_lost(exc)
        if self._linger is not None:
            self._linger.cancel()
        self._server_state.connections.discard(self)

    def shutdown(self) -> None:
        """Server shutdown: close the socket 1001."""
        if self._game_listener is not None:
            self._game_listener.shutdown()
        elif self.transport is not None:
            self.transport.disconnect()

    def _listener(self, request: WSUpgradeRequest) -> GameListener:
        scope = _scope(request, self._client)
        if HANDSHAKE_LOG.isEnabledFor(logging.INFO):
            client = f"{self._client[0]}:{self._client[1]}" if self._client else "-"
            path = request.path.decode("latin-1")
            HANDSHAKE_LOG.info('%s - "WebSocket %s" [accepted]', client, path)
        limits = frame_limits(current_runtime())

        def make_socket(transport: WSTransport) -> NativeWebSocket:
            return NativeWebSocket(scope, limits, transport, self._cap, self.end)

        listener = self._game_listener = GameListener(make_socket, _serve, self._server_state.tasks)
        return listener


async def _serve(socket: NativeWebSocket) -> None:
    """Route an accepted socket to its endpoint (with its session user when it has no token)."""
    try:
        route = resolve(socket.scope["path"])
        if route is None:
            await refuse_unknown_path(socket)
            return
        endpoint, params = route
        if not has_token(socket.scope):
            socket.scope = await _with_session_user(socket.scope)
        await endpoint.run(socket, params)
    except Exception:
        log.exception("serving a game socket failed")
        await socket.close(CloseCode.SERVER_ERROR)
    finally:
        socket.finish()


async def _with_session_user(scope: Scope) -> Scope:
    """The scope with the `user` of its session cookie, as Channels' middleware finds it."""
    resolved: list[Scope] = []

    async def keep(inner: Scope, receive: Any, send: Any) -> None:
        resolved.append(inner)

    await AuthMiddlewareStack(keep)(scope, _no_receive, _no_send)
    return resolved[0]


async def _no_receive() -> Message:
    return {"type": "websocket.disconnect"}


async def _no_send(message: Message) -> None:
    return None


def _scope(request: WSUpgradeRequest, client: tuple[str, int] | None) -> Scope:
    """An ASGI-shaped scope for the socket, for routing, origin checks and authentication."""
    raw_path, _, query = request.path.partition(b"?")
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in request.headers.items()
    ]
    return {
        "type": "websocket",
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "headers": headers,
        "client": client,
        "subprotocols": [],
    }
