"""WebSocket routes; include `websocket_urlpatterns` in your own ProtocolTypeRouter."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path, re_path

from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.runtime import current_runtime
from gamerooms.transport.asgi_socket import AsgiWebSocket
from gamerooms.transport.auth import has_token
from gamerooms.transport.endpoint import Endpoint, frame_limits
from gamerooms.transport.lobby import LobbyEndpoint
from gamerooms.transport.matches import MatchEndpoint
from gamerooms.transport.queue import QueueEndpoint
from gamerooms.transport.rooms import RoomEndpoint
from gamerooms.transport.socket import WebSocket
from gamerooms.transport.types import ASGIApp, Receive, Scope, Send


async def refuse_unknown_path(socket: WebSocket) -> None:
    """Any other WebSocket path: accepted, sent one `not_found` error and closed 4004, so that
    a browser can read why (a refused handshake shows it nothing but 1006)."""
    message = f"no WebSocket endpoint at {socket.scope['path']}"
    await socket.refuse(ErrorCode.NOT_FOUND, message, CloseCode.NOT_FOUND)


async def unknown_path(scope: Scope, receive: Receive, send: Send) -> None:
    """`refuse_unknown_path` as an ASGI app."""
    socket = AsgiWebSocket(scope, receive, send, frame_limits(current_runtime()))
    if await socket.accept():
        await refuse_unknown_path(socket)


websocket_urlpatterns = [
    path("ws/lobby/", LobbyEndpoint()),  # type: ignore[arg-type]
    path("ws/rooms/<str:code>/", RoomEndpoint()),  # type: ignore[arg-type]
    path("ws/queue/<str:game>/", QueueEndpoint()),  # type: ignore[arg-type]
    path("ws/matches/<str:match_id>/", MatchEndpoint()),  # type: ignore[arg-type]
]


def resolve(path: str) -> tuple[Endpoint, dict[str, Any]] | None:
    """The endpoint serving a WebSocket path and the parameters it names, if any."""
    relative = path.lstrip("/")
    for route in websocket_urlpatterns:
        match = route.pattern.match(relative)
        if match:
            _, _, params = match
            return route.callback, params  # type: ignore[return-value]
    return None


def websocket_application() -> ASGIApp:
    """The WebSocket side: sockets with `?token=` go straight to the gamerooms routes; the
    others get the session and auth middleware first (a logged-in browser). Any other path is
    answered by `unknown_path`."""
    catch_all = re_path("", unknown_path)  # type: ignore[arg-type]
    return TokenOrSession(URLRouter([*websocket_urlpatterns, catch_all]))


class TokenOrSession:
    """Routes token-bearing sockets past the session middleware, which they do not need."""

    def __init__(self, router: ASGIApp) -> None:
        self._router = router
        self._with_session: ASGIApp = AuthMiddlewareStack(router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._router if has_token(scope) else self._with_session
        await app(scope, receive, send)
