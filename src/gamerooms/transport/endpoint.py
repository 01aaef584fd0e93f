"""Base of every WebSocket endpoint: accept, authenticate, serve, and one loop that dispatches
each client message to its handler and answers refusals. While the store does not answer, a
socket is closed 1013 (a request it failed gets an `unavailable` error first), and new ones are
refused 1013."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from gamerooms.engine import GameError
from gamerooms.models import Player
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.messages import ClientMessage, RequestId
from gamerooms.rooms.attempts import RateLimited
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.ports import StoreUnavailable
from gamerooms.runtime import Runtime, current_runtime
from gamerooms.transport.asgi_socket import AsgiWebSocket
from gamerooms.transport.auth import authenticate, has_token, origin_allowed
from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.socket import WebSocket
from gamerooms.transport.types import RAW_SEND, Receive, Scope, Send

Handler = Callable[[Any], Awaitable[None]]
"""Handles one client message of the type it is registered for."""

Handlers = Mapping[type, Handler]
"""An endpoint's table from message type to handler; other types are answered `unknown_type`."""

UNAVAILABLE_MESSAGE = "the server cannot reach its store right now; reconnect in a moment"


def refusal_close(refusal: Refusal) -> CloseCode:
    """The close after a refusal that ends a socket: no such room or match 4004, too many
    attempts 4008, else 4003."""
    if isinstance(refusal, NotFound):
        return CloseCode.NOT_FOUND
    if isinstance(refusal, RateLimited):
        return CloseCode.POLICY
    return CloseCode.FORBIDDEN


async def refuse(socket: WebSocket, refusal: Refusal, request_id: RequestId = None) -> None:
    """Answer a refusal that ends the socket (echoing `request_id`), then close it."""
    await socket.refuse(refusal.code, refusal.message, refusal_close(refusal), request_id)


async def dispatch(
    socket: WebSocket, messages: AsyncIterator[ClientMessage], handlers: Handlers
) -> None:
    """Hand each message to its type's handler until the socket closes; a refusal or game error
    is answered to the sender with the message's `id`, and the socket stays open. A request the
    store could not answer is answered `unavailable`, and the socket closed 1013."""
    async for message in messages:
        handler = handlers.get(type(message))
        try:
            if handler is None:
                await socket.reject(message)
            else:
                await handler(message)
        except (GameError, Refusal) as exc:
            await socket.send_error(exc.code, exc.message, message.id)
        except StoreUnavailable:
            await refuse_unavailable(socket, message.id)
            return


async def refuse_unavailable(socket: WebSocket, request_id: RequestId = None) -> None:
    """Answer `unavailable` (echoing `request_id`) and close 1013: the store does not answer."""
    await socket.refuse(
        ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE, CloseCode.TRY_AGAIN_LATER, request_id
    )


def frame_limits(runtime: Runtime) -> FrameLimits:
    """A fresh socket's frame size and rate limits, from the configuration."""
    config = runtime.config
    return FrameLimits(
        config.MAX_FRAME_BYTES,
        config.RATE_PER_SECOND,
        config.RATE_BURST,
        config.OVERSIZE_STRIKES,
        runtime.clock,
    )


class Endpoint:
    """One WebSocket route: an ASGI app, and `run` for a socket already on any wire; subclasses
    implement `serve`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        socket = AsgiWebSocket(
            scope, receive, scope.get(RAW_SEND, send), frame_limits(current_runtime())
        )
        if await socket.accept():
            await self.run(socket, scope["url_route"]["kwargs"])

    async def run(self, socket: WebSocket, params: dict[str, Any]) -> None:
        """Check an accepted socket's origin and credentials, then serve it until it closes;
        close it 1013 when the store does not answer, or is lost already."""
        runtime = current_runtime()
        if not runtime.liveness.available:
            await refuse_unavailable(socket)
            return
        scope = socket.scope
        if not has_token(scope) and not origin_allowed(scope, runtime.config.ALLOWED_ORIGINS):
            message = "cross-origin socket: log in with a token, or list this origin"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, message, CloseCode.FORBIDDEN)
            return
        player = await authenticate(scope, runtime.players)
        if player is None:
            message = "missing, invalid or expired token"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, message, CloseCode.UNAUTHORIZED)
            return
        try:
            await self.serve(socket, player, runtime, params)
        except StoreUnavailable:
            await socket.close(CloseCode.TRY_AGAIN_LATER)

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Serve an authenticated socket until it closes."""
        raise NotImplementedError
