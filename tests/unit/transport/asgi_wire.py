"""A fake ASGI wire for transport unit tests: it records what the server sends down a socket."""

from __future__ import annotations

from typing import Any

import orjson


class Wire:
    """What the server sent down one socket, as ASGI messages; the client has always gone."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> None:
        """Record one ASGI message."""
        self.sent.append(message)

    async def receive(self) -> dict[str, Any]:
        """The client has disconnected."""
        return {"type": "websocket.disconnect"}

    def events(self) -> list[Any]:
        """Each text frame's type, or the close code."""
        return [
            orjson.loads(message["text"])["type"] if "text" in message else message["code"]
            for message in self.sent
        ]
