"""A plain picows WebSocket relay on uvloop: text frames go unparsed to the others in the room.

The room is the URL path (`/relay/<n>`). It measures the floor of a
Python WebSocket server here: frames parsed and built in native code, one `send()` per recipient,
no logic. Usage: python bench/peers/picows_relay.py --port 8001
"""

from __future__ import annotations

import argparse

import uvloop
from picows import (
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
    WSUpgradeRequest,
    ws_create_server,
)

ROOMS: dict[bytes, list[WSTransport]] = {}
"""The sockets of each room, by path."""


class Relay(WSListener):  # type: ignore[misc]
    """One socket of a room: its text frames go to the room's other sockets."""

    def __init__(self, room: bytes) -> None:
        self.room = room

    def on_ws_connected(self, transport: WSTransport) -> None:
        """Join the room."""
        ROOMS.setdefault(self.room, []).append(transport)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        """Relay a text frame; answer a close."""
        if frame.msg_type == WSMsgType.TEXT:
            payload = frame.get_payload_as_bytes()
            for other in ROOMS.get(self.room, ()):
                if other is not transport:
                    other.send(WSMsgType.TEXT, payload)
        elif frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        """Leave the room."""
        members = ROOMS.get(self.room, [])
        if transport in members:
            members.remove(transport)


def listener(request: WSUpgradeRequest) -> Relay:
    """A relay socket in the room its path names."""
    return Relay(request.path)


async def main(port: int) -> None:
    """Serve until killed."""
    server = await ws_create_server(listener, "127.0.0.1", port)
    await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8001)
    uvloop.run(main(parser.parse_args().port))
