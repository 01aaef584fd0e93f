"""ASGI type aliases."""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]

RAW_SEND = "gamerooms.send"
"""Scope key of the server's own `send`: game sockets write frames through it directly, past the
session middleware's per-message wrapper (they never change the session)."""
