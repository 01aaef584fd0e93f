"""WebSocket routes; include `websocket_urlpatterns` in your own ProtocolTypeRouter."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from gamerooms.transport.auth import has_token
from gamerooms.transport.lobby import LobbyEndpoint
from gamerooms.transport.matches import MatchEndpoint
from gamerooms.transport.queue import QueueEndpoint
from gamerooms.transport.rooms import RoomEndpoint
from gamerooms.transport.types import ASGIApp, Receive, Scope, Send

websocket_urlpatterns = [
    path("ws/lobby/", LobbyEndpoint()),  # type: ignore[arg-type]
    path("ws/rooms/<str:code>/", RoomEndpoint()),  # type: ignore[arg-type]
    path("ws/queue/<str:game>/", QueueEndpoint()),  # type: ignore[arg-type]
    path("ws/matches/<str:match_id>/", MatchEndpoint()),  # type: ignore[arg-type]
]


def websocket_application() -> ASGIApp:
    """The WebSocket side: sockets with `?token=` go straight to the gamerooms routes; the
    others get the session and auth middleware first (a logged-in browser)."""
    return TokenOrSession(URLRouter(websocket_urlpatterns))


class TokenOrSession:
    """Routes token-bearing sockets past the session middleware, which they do not need."""

    def __init__(self, router: ASGIApp) -> None:
        self._router = router
        self._with_session: ASGIApp = AuthMiddlewareStack(router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._router if has_token(scope) else self._with_session
        await app(scope, receive, send)
