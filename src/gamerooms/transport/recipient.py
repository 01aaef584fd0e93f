"""A socket as the fan-out sees it: a key, a token, and frames held back until it is ready."""

from __future__ import annotations

import secrets

from gamerooms.rooms.announcement import Announcement
from gamerooms.transport.socket import WebSocket


class SocketRecipient:
    """Sends each announcement's frame for its key; holds them while `holding`."""

    __slots__ = ("_held", "generation", "key", "socket", "token")

    def __init__(self, socket: WebSocket, key: str, holding: bool = False) -> None:
        self.socket = socket
        self.key = key
        self.token = secrets.token_hex(8)
        self.generation = 0
        self._held: list[Announcement] | None = [] if holding else None

    async def receive(self, announcement: Announcement) -> None:
        """Send what this announcement has for this socket and close it if it says so; while
        holding, keep both for `release`, so a close never overtakes a held frame."""
        if self._held is not None:
            self._held.append(announcement)
            return
        await self.handle(announcement)
        if announcement.close and announcement.closes(self):
            await self.close(announcement.close_code)

    async def handle(self, announcement: Announcement) -> None:
        """Send this socket's frame of the announcement."""
        text = announcement.frame_for(self)
        if text is not None:
            await self.socket.send_text(text)

    def hold(self) -> None:
        """Hold announcements back until `release`."""
        if self._held is None:
            self._held = []

    async def release(self) -> None:
        """Stop holding: handle what was held, in order, closing if one of them says so."""
        held, self._held = self._held or [], None
        for announcement in held:
            await self.handle(announcement)
            if announcement.closes(self):
                await self.close(announcement.close_code)

    async def close(self, code: int) -> None:
        """Close the socket."""
        await self.socket.close(code)
