"""Base of every WebSocket endpoint: accept, authenticate, then serve an authenticated player."""

from __future__ import annotations

from typing import Any

from gamerooms.models import Player
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.runtime import Runtime, current_runtime
from gamerooms.transport.auth import authenticate, has_token, origin_allowed
from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.socket import WebSocket
from gamerooms.transport.types import RAW_SEND, Receive, Scope, Send


class Endpoint:
    """An ASGI app for one WebSocket route; subclasses implement `serve`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = current_runtime()
        config = runtime.config
        limits = FrameLimits(
            config.MAX_FRAME_BYTES,
            config.RATE_PER_SECOND,
            config.RATE_BURST,
            config.OVERSIZE_STRIKES,
            runtime.clock,
        )
        socket = WebSocket(scope, receive, scope.get(RAW_SEND, send), limits)
        if not await socket.accept():
            return
        if not has_token(scope) and not origin_allowed(scope, config.ALLOWED_ORIGINS):
            message = "cross-origin socket: log in with a token, or list this origin"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, message, CloseCode.FORBIDDEN)
            return
        player = await authenticate(scope, runtime.players)
        if player is None:
            message = "missing, invalid or expired token"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, message, CloseCode.UNAUTHORIZED)
            return
        await self.serve(socket, player, runtime, scope["url_route"]["kwargs"])

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Serve an authenticated socket until it closes."""
        raise NotImplementedError
