"""ASGI entry points: `build_application()` for a host project's asgi.py, and `application`, the
bundled server's (`gamerooms serve` runs it with uvicorn). Importing this module sets nothing up,
so it may sit at the top of a host's asgi.py."""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

from gamerooms.transport.types import ASGIApp


def build_application(http: ASGIApp) -> ASGIApp:
    """HTTP to `http` (the host's `get_asgi_application()`, which sets Django up), WebSocket to
    the gamerooms routes, plus lifespan."""
    from gamerooms.transport.application import GameroomsApplication
    from gamerooms.transport.routing import websocket_application

    return GameroomsApplication(http=http, websocket=websocket_application())


def __getattr__(name: str) -> Any:
    """`application`: the bundled server on `gamerooms.settings`, built on first access."""
    if name != "application":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamerooms.settings")
    application = globals()["application"] = build_application(get_asgi_application())
    return application
