"""The WebSocket wire protocol `gamerooms serve` runs in uvicorn, and the size cap it enforces.

It is uvicorn's own websockets-sansio protocol with one change: a text message that is not UTF-8
still reaches the application, which answers it with `bad_json` like any other unreadable frame
(uvicorn would log a traceback and close the socket 1007). Its invalid bytes arrive as lone
surrogates (Python's `surrogateescape`), which valid UTF-8 never decodes to, so the application
can both tell it apart and count its size in bytes.

Messages above `hard_cap` are refused by the parser from their header, before any of their
payload is buffered, and the socket is closed 1009. Messages between the protocol limit and the
cap are read and answered `too_large`, so that a client slightly over the limit learns why.
"""

from __future__ import annotations

from typing import Final

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

HARD_CAP_FACTOR: Final = 4
"""The transport closes 1009 on messages above this many times the protocol's frame limit."""


def hard_cap(max_frame_bytes: int) -> int:
    """The largest message the transport reads at all (`too_large` up to it, 1009 above it)."""
    return HARD_CAP_FACTOR * max_frame_bytes


class GameroomsWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol, passing text that is not UTF-8 on to the app."""

    def send_receive_event_to_app(self) -> None:
        """Queue the message just completed for the app and pause reading until it takes it."""
        if self.curr_msg_data_type != "text":
            super().send_receive_event_to_app()
            return
        data = b"".join(self.frames)
        self.frames = []
        if self.close_sent:
            return
        text = data.decode("utf-8", "surrogateescape")
        self.queue.put_nowait({"type": "websocket.receive", "text": text})
        if not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()
