"""WebSocket routes; include `websocket_urlpatterns` in your own ProtocolTypeRouter."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from gamerooms.transport.lobby import LobbyEndpoint
from gamerooms.transport.matches import MatchEndpoint
from gamerooms.transport.queue import QueueEndpoint
from gamerooms.transport.rooms import RoomEndpoint
from gamerooms.transport.types import ASGIApp

websocket_urlpatterns = [
    path("ws/lobby/", LobbyEndpoint()),  # type: ignore[arg-type]
    path("ws/rooms/<str:code>/", RoomEndpoint()),  # type: ignore[arg-type]
    path("ws/queue/<str:game>/", QueueEndpoint()),  # type: ignore[arg-type]
    path("ws/matches/<str:match_id>/", MatchEndpoint()),  # type: ignore[arg-type]
]


def websocket_application() -> ASGIApp:
    """The WebSocket side: session auth around the gamerooms routes."""
    app: ASGIApp = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
    return app
