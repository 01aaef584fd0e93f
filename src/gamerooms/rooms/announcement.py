"""Announcements: what one event on a topic sends to the sockets of every process."""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.frames import with_request_id
from gamerooms.protocol.messages import RequestId

EVERYONE = "*"
PUBLIC = "p"


class Addressee(Protocol):
    """A socket as announcements address it."""

    key: str
    token: str
    generation: int


class Announcement(msgspec.Struct, omit_defaults=True, array_like=True):
    """Frames for one event, keyed by recipient key (a seat "0", PUBLIC for spectators, a player
    id, ...) or EVERYONE.

    `version` orders match updates (0 for unversioned events such as chat). The socket whose
    token is `reply_to` gets its frame with `request_id` as its `id`. Every socket whose key is
    in `close` (EVERYONE: all of them) is closed with `close_code`, except the one whose token is
    `keep` — after its frame if the close moves it on (4001), else without one. When `before`
    is set, only sockets that claimed their place at a generation below it close: a newer claim,
    or one still being made, may be announced after an older one. Keys in `skip` get nothing.
    `subject` carries facts for recipients that filter (the lobby) or keep track (a match's
    sockets learn that it is over).
    """

    version: int = 0
    frames: dict[str, str] = {}
    reply_to: str | None = None
    request_id: RequestId = None
    close: list[str] = []
    close_code: int = 0
    keep: str | None = None
    subject: dict[str, Any] | None = None
    skip: list[str] = []
    before: int = 0

    def frame_for(self, socket: Addressee) -> str | None:
        """The frame this socket should receive, if any; a socket this announcement closes gets
        one only when the close moves it on (4001)."""
        key = socket.key
        if (self.skip or self.close) and (
            key in self.skip or (self.close_code != CloseCode.MOVED and self.closes(socket))
        ):
            return None
        text = self.frames.get(key) or self.frames.get(EVERYONE)
        if self.reply_to is not None and text is not None and socket.token == self.reply_to:
            return with_request_id(text, self.request_id)
        return text

    def closes(self, socket: Addressee) -> bool:
        """Whether this socket must be closed (after its frame, if it gets one)."""
        if socket.token == self.keep:
            return False
        if self.before and not 0 < socket.generation < self.before:
            return False
        return socket.key in self.close or EVERYONE in self.close


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Announcement)


def encode_announcement(announcement: Announcement) -> bytes:
    """Bytes for the store's pub/sub."""
    return _encoder.encode(announcement)


def decode_announcement(payload: bytes) -> Announcement:
    """The announcement in a pub/sub payload."""
    return _decoder.decode(payload)
