"""A game socket as endpoints see it: send, close, and a receive loop that applies the frame
limits and answers bad frames. Subclasses put it on a wire (`AsgiWebSocket`, `NativeWebSocket`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.frames import error
from gamerooms.protocol.messages import (
    ClientMessage,
    ProtocolError,
    RequestId,
    parse,
    type_of,
)
from gamerooms.transport.limits import FrameLimits, Verdict
from gamerooms.transport.types import Scope

RATE_MESSAGE = "slow down: too many frames per second"


class WebSocket:
    """One client socket; sends after close are ignored."""

    __slots__ = ("_limits", "close_code", "closed", "scope")

    def __init__(self, scope: Scope, limits: FrameLimits) -> None:
        self.scope = scope
        self._limits = limits
        self.closed = False
        self.close_code: int | None = None

    async def accept(self) -> bool:
        """Complete the handshake; False if the client left first."""
        raise NotImplementedError

    async def send_text(self, text: str) -> None:
        """Send one text frame unless the socket is closed."""
        raise NotImplementedError

    async def close(self, code: int) -> None:
        """Close with a code; idempotent."""
        raise NotImplementedError

    async def receive_frame(self) -> str | bytes | None:
        """The next text (`str`) or binary (`bytes`) message, or None once the client has gone."""
        raise NotImplementedError

    async def send_error(self, code: str, message: str, request_id: Any = None) -> None:
        """Send an error frame to this client only."""
        await self.send_text(error(code, message, request_id))

    async def reject(self, message: ClientMessage) -> None:
        """Answer a message this endpoint does not take with `unknown_type`."""
        text = f"{type_of(message)!r} is not accepted on this socket"
        await self.send_error(ErrorCode.UNKNOWN_TYPE, text, message.id)

    async def refuse(
        self, code: str, message: str, close_code: int, request_id: RequestId = None
    ) -> None:
        """Send one error (echoing `request_id`), then close."""
        await self.send_error(code, message, request_id)
        await self.close(close_code)

    async def messages(self) -> AsyncIterator[ClientMessage]:
        """Parsed client messages until the socket closes; bad frames are answered here."""
        while not self.closed:
            raw = await self.receive_frame()
            if raw is None:
                self.closed = True
                return
            message = await self._admit(raw)
            if message is not None:
                yield message

    async def _admit(self, raw: str | bytes) -> ClientMessage | None:
        verdict = self._limits.check(_size(raw))
        if verdict is Verdict.TOO_LARGE:
            message = f"frame larger than {self._limits.max_bytes} bytes"
            await self._refuse_frame(ErrorCode.TOO_LARGE, message, None)
            return None
        try:
            parsed = parse(raw)
        except ProtocolError as exc:
            if verdict is Verdict.RATE_LIMITED:
                await self._refuse_frame(ErrorCode.RATE_LIMITED, RATE_MESSAGE, exc.request_id)
            else:
                await self.send_error(exc.code, exc.message, exc.request_id)
            return None
        if verdict is Verdict.RATE_LIMITED:
            await self._refuse_frame(ErrorCode.RATE_LIMITED, RATE_MESSAGE, parsed.id)
            return None
        return parsed

    async def _refuse_frame(self, code: str, message: str, request_id: RequestId) -> None:
        """Answer a frame over the limits; close with 4008 once the client keeps on."""
        await self.send_error(code, message, request_id)
        if self._limits.exhausted:
            await self.close(CloseCode.POLICY)


def _size(raw: str | bytes) -> int:
    """The frame's size in bytes; the invalid bytes of text that is not UTF-8 count one each."""
    if isinstance(raw, bytes):
        return len(raw)
    return len(raw) if raw.isascii() else len(raw.encode("utf-8", "surrogateescape"))
