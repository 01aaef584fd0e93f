"""Game sockets on picows: frames parsed and built in native code and written straight to the
socket, with no ASGI messages on the way. `GameListener` takes a socket's frames from picows;
`NativeWebSocket` is what the endpoint serving it reads and writes."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, Final

from picows import WSFrame, WSListener, WSMsgType, WSTransport

from gamerooms.protocol.codes import CloseCode
from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.socket import WebSocket
from gamerooms.transport.types import Scope

INBOX_HIGH: Final = 64
"""Frames a socket may have waiting for its endpoint before the server stops reading from it."""

WRITE_BUFFER_LIMIT: Final = 8 * 1024 * 1024
"""Bytes that may wait for a client that does not read; beyond them it is disconnected."""

NORMAL: Final = 1000
MESSAGE_TOO_BIG: Final = 1009


_last_encoded: tuple[str, bytes] = ("", b"")
"""The text most recently sent and its UTF-8: a fan-out sends one frame to many sockets in a
row, and encodes it once for all of them."""


def _utf8(text: str) -> bytes:
    """The UTF-8 of `text`, encoded once while the same text goes to socket after socket."""
    global _last_encoded
    last, encoded = _last_encoded
    if text is not last:
        encoded = text.encode()
        _last_encoded = (text, encoded)
    return encoded


class NativeWebSocket(WebSocket):
    """A game socket whose frames picows parses and builds; sends never wait."""

    __slots__ = ("_cap", "_end", "_inbox", "_paused", "_transport", "_waiter")

    def __init__(
        self,
        scope: Scope,
        limits: FrameLimits,
        transport: WSTransport,
        cap: int,
        end: Callable[[], None],
    ) -> None:
        super().__init__(scope, limits)
        self._transport = transport
        self._cap = cap
        self._end = end
        self._inbox: deque[str | bytes | None] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False

    async def accept(self) -> bool:
        """Already accepted: picows answered the handshake."""
        return not self.closed

    async def send_text(self, text: str) -> None:
        """Send one text frame unless the socket is closed."""
        if self.closed:
            return
        transport = self._transport
        transport.send(WSMsgType.TEXT, _utf8(text))
        if transport.underlying_transport.get_write_buffer_size() > WRITE_BUFFER_LIMIT:
            self.closed = True
            transport.disconnect(graceful=False)

    async def close(self, code: int) -> None:
        """Close with a code; idempotent."""
        self.close_now(code)

    def close_now(self, code: int) -> None:
        """Send a close frame with `code` and end the connection; idempotent."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self._transport.send_close(code)  # type: ignore[arg-type]
        self._end()

    def answer_close(self, code: int) -> None:
        """The client closed with `code`: echo it and end the connection."""
        if not self.closed:
            self.closed = True
            self._transport.send_close(code)  # type: ignore[arg-type]
        self._end()

    def finish(self) -> None:
        """The endpoint is done with the socket: close it 1000 unless it is closed already."""
        self.close_now(NORMAL)

    async def receive_frame(self) -> str | bytes | None:
        """The next text or binary message, or None once the client has gone."""
        inbox = self._inbox
        while not inbox:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        frame = inbox.popleft()
        if self._paused and len(inbox) < INBOX_HIGH // 2:
            self._paused = False
            self._transport.underlying_transport.resume_reading()
        return frame

    def deliver(self, message: str | bytes | None) -> None:
        """Queue a message from the client (None: the client has gone) for `receive_frame`."""
        self._inbox.append(message)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if len(self._inbox) >= INBOX_HIGH and not self._paused and message is not None:
            self._paused = True
            self._transport.underlying_transport.pause_reading()

    def refuse_oversized(self) -> None:
        """Close 1009: a fragmented message grew past the cap."""
        self.close_now(MESSAGE_TOO_BIG)
        self.deliver(None)

    @property
    def cap(self) -> int:
        """The largest message this socket reads."""
        return self._cap


Serve = Callable[[NativeWebSocket], Coroutine[Any, Any, None]]
"""Serves one accepted socket until it closes."""


class GameListener(WSListener):
    """Hands one socket's messages to its endpoint; answers close frames; joins fragments."""

    def __init__(
        self,
        make_socket: Callable[[WSTransport], NativeWebSocket],
        serve: Serve,
        tasks: set[asyncio.Task[None]],
    ) -> None:
        super().__init__()
        self._make_socket = make_socket
        self._serve = serve
        self._tasks = tasks
        self._socket: NativeWebSocket | None = None
        self._fragments: list[bytes] = []
        self._fragment_type = WSMsgType.TEXT
        self._fragment_size = 0

    def on_ws_connected(self, transport: WSTransport) -> None:
        """Start serving the socket (a task among `tasks` until it ends)."""
        socket = self._socket = self._make_socket(transport)
        task = asyncio.get_running_loop().create_task(self._serve(socket))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def shutdown(self) -> None:
        """Server shutdown: close the socket 1001 (going away)."""
        if self._socket is not None:
            self._socket.close_now(CloseCode.GOING_AWAY)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        """Pass a whole message on; answer a close frame in kind."""
        socket = self._socket
        if socket is None:
            return
        kind = frame.msg_type
        if kind == WSMsgType.TEXT or kind == WSMsgType.BINARY:
            if frame.fin:
                socket.deliver(_message(kind, frame.get_payload_as_bytes()))
            else:
                self._fragments = [frame.get_payload_as_bytes()]
                self._fragment_type = kind
                self._fragment_size = frame.payload_size
        elif kind == WSMsgType.CONTINUATION:
            self._continue(socket, frame)
        elif kind == WSMsgType.CLOSE:
            socket.answer_close(_close_code(frame.get_payload_as_bytes()))

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        """The client has gone: end the endpoint's receive loop."""
        if self._socket is not None:
            self._socket.deliver(None)

    def _continue(self, socket: NativeWebSocket, frame: WSFrame) -> None:
        self._fragment_size += frame.payload_size
        if self._fragment_size > socket.cap:
            self._fragments = []
            socket.refuse_oversized()
            return
        self._fragments.append(frame.get_payload_as_bytes())
        if frame.fin:
            payload, self._fragments = b"".join(self._fragments), []
            socket.deliver(_message(self._fragment_type, payload))


def _close_code(payload: bytes) -> int:
    """The code of a client's close frame; 1000 when it gave none."""
    return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else NORMAL


def _message(kind: WSMsgType, payload: bytes) -> str | bytes:
    """A text message as `str` (bytes that are not UTF-8 as lone surrogates, which the protocol
    answers `bad_json`), a binary one as `bytes`."""
    if kind != WSMsgType.TEXT:
        return payload
    try:
        return payload.decode()
    except UnicodeDecodeError:
        return payload.decode("utf-8", "surrogateescape")
