"""A game socket over plain ASGI, for projects that mount gamerooms in their own ASGI server."""

from __future__ import annotations

import contextlib

from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.socket import WebSocket
from gamerooms.transport.types import Receive, Scope, Send


class AsgiWebSocket(WebSocket):
    """A game socket whose frames travel as ASGI messages."""

    __slots__ = ("_receive", "_send")

    def __init__(self, scope: Scope, receive: Receive, send: Send, limits: FrameLimits) -> None:
        super().__init__(scope, limits)
        self._receive = receive
        self._send = send

    async def accept(self) -> bool:
        """Complete the handshake; False if the client left first."""
        message = await self._receive()
        if message["type"] != "websocket.connect":
            self.closed = True
            return False
        await self._send({"type": "websocket.accept"})
        return True

    async def send_text(self, text: str) -> None:
        """Send one text frame unless the socket is closed."""
        if self.closed:
            return
        try:
            await self._send({"type": "websocket.send", "text": text})
        except (OSError, RuntimeError):
            self.closed = True

    async def close(self, code: int) -> None:
        """Close with a code; idempotent."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        with contextlib.suppress(OSError, RuntimeError):
            await self._send({"type": "websocket.close", "code": code})

    async def receive_frame(self) -> str | bytes | None:
        """The next text or binary message, or None once the client has gone."""
        while True:
            event = await self._receive()
            kind = event["type"]
            if kind == "websocket.disconnect":
                return None
            if kind == "websocket.receive":
                text = event.get("text")
                return text if text is not None else (event.get("bytes") or b"")
