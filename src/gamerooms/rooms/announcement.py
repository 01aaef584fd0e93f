"""Announcements: what one match event sends to the sockets of every process."""

from __future__ import annotations

import msgspec

from gamerooms.protocol.frames import with_request_id

EVERYONE = "*"
PUBLIC = "p"


class Announcement(msgspec.Struct, omit_defaults=True, array_like=True):
    """Frames for one event, keyed by seat ("0", "1", ...), PUBLIC for spectators, or EVERYONE.

    `version` orders match updates (0 for unversioned events such as chat). `replace_seat` asks
    every process to close that seat's sockets except the one whose token is `keep` (4009).
    The socket whose token is `reply_to` gets its frame with `request_id` as its `id`.
    """

    version: int = 0
    frames: dict[str, str] = {}
    replace_seat: int | None = None
    keep: str | None = None
    reply_to: str | None = None
    request_id: str | int | None = None

    def frame_for(self, seat: int | None, token: str) -> str | None:
        """The frame the socket with this seat (None: spectator) and token should receive."""
        key = PUBLIC if seat is None else str(seat)
        text = self.frames.get(key) or self.frames.get(EVERYONE)
        if text is not None and token == self.reply_to:
            return with_request_id(text, self.request_id)
        return text


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Announcement)


def encode_announcement(announcement: Announcement) -> bytes:
    """Bytes for the store's pub/sub."""
    return _encoder.encode(announcement)


def decode_announcement(payload: bytes) -> Announcement:
    """The announcement in a pub/sub payload."""
    return _decoder.decode(payload)
