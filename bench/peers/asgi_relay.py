"""A plain ASGI WebSocket relay on uvicorn: text frames go unparsed to the others in the room.

The room is the URL path (`/relay/<n>`). Usage: python bench/peers/asgi_relay.py --port 8001
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]

ROOMS: dict[str, list[Send]] = {}
"""The sockets of each room, by path."""


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Relay every text frame of a socket to the other sockets of its room."""
    if scope["type"] == "http":
        await _health(send)
        return
    if scope["type"] != "websocket":
        return
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    members = ROOMS.setdefault(scope["path"], [])
    members.append(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                continue
            frame = {"type": "websocket.send", "text": text}
            for other in members:
                if other is not send:
                    with contextlib.suppress(OSError, RuntimeError):
                        await other(frame)
    finally:
        members.remove(send)
        if not members:
            ROOMS.pop(scope["path"], None)


async def _health(send: Send) -> None:
    """Answer any HTTP request with 200 ok (the harness polls it until the server is up)."""
    headers = [(b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def main() -> None:
    """Serve the relay with uvicorn and uvloop, without compression, until interrupted."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--max-frame-bytes", type=int, default=64 * 1024)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        lifespan="off",
        log_level="warning",
        ws_max_size=args.max_frame_bytes,
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
