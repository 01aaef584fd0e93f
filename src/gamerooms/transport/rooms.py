"""`/ws/rooms/<code>/`: a seated player's socket in a room."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from gamerooms.models import Player
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.messages import (
    ClientMessage,
    RoomChat,
    RoomJoin,
    RoomKick,
    RoomLeave,
    RoomReady,
    RoomSettings,
    RoomStart,
)
from gamerooms.rooms.announcement import Announcement
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.keys import room_topic
from gamerooms.rooms.rendering import Reply
from gamerooms.rooms.rooms import AlreadyJoined
from gamerooms.rooms.secrets import normalize_code
from gamerooms.runtime import Runtime
from gamerooms.transport.endpoint import Endpoint, Handlers, dispatch, refuse
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket

HANDED_OVER = {CloseCode.LEFT, CloseCode.MOVED, CloseCode.REPLACED, CloseCode.KICKED}
"""Closes after which the seat needs no grace period."""


class RoomMember(SocketRecipient):
    """A room socket, attached before it joins: the room's frames and closes reach it only from
    its own join's announcement on, so a refused joiner hears nothing but its refusal."""

    __slots__ = ("joined",)

    def __init__(self, socket: WebSocket, player_id: str) -> None:
        super().__init__(socket, player_id)
        self.joined = False

    async def receive(self, announcement: Announcement) -> None:
        """Send this socket's frame, once its join (room.joined) has been announced."""
        self.joined = self.joined or announcement.keep == self.token
        if self.joined:
            await super().receive(announcement)

    async def close(self, code: int) -> None:
        """Close the socket; before it has joined, only when the server shuts down."""
        if self.joined or code == CloseCode.GOING_AWAY:
            await super().close(code)


class RoomEndpoint(Endpoint):
    """Serves one player's socket in a room."""

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Join with the first frame, then handle the room's requests."""
        code = normalize_code(params["code"])
        try:
            await runtime.rooms.get(code)
        except NotFound as exc:
            await refuse(socket, exc)
            return
        messages = socket.messages()
        join = await self._first_join(socket, messages)
        if join is None:
            return
        member = RoomMember(socket, player.id)
        await runtime.fanout.attach(room_topic(code), member)
        try:
            await runtime.rooms.socket_opened(code, player.id)
            if not await self._join(socket, runtime, code, player, join, member.token):
                return
            requests = RoomRequests(runtime, code, player, member.token)
            await dispatch(socket, messages, requests.table())
        finally:
            left = await runtime.rooms.socket_gone(code, player.id)
            await runtime.fanout.detach(room_topic(code), member)
            if left == 0 and socket.close_code not in HANDED_OVER:
                await runtime.rooms.socket_closed(code, player.id)

    @staticmethod
    async def _join(
        socket: WebSocket,
        runtime: Runtime,
        code: str,
        player: Player,
        join: RoomJoin,
        token: str,
    ) -> bool:
        """Seat the player; False once the refusal (echoing the join's `id`) closed the socket."""
        try:
            await runtime.rooms.join(code, player.to_wire(), join.password, Reply(token, join.id))
        except Refusal as exc:
            await refuse(socket, exc, join.id)
            return False
        return True

    @staticmethod
    async def _first_join(
        socket: WebSocket, messages: AsyncIterator[ClientMessage]
    ) -> RoomJoin | None:
        """The socket's first room.join; every frame before it is answered `bad_message`."""
        async for message in messages:
            if isinstance(message, RoomJoin):
                return message
            text = "the first frame on a room socket must be room.join"
            await socket.send_error(ErrorCode.BAD_MESSAGE, text, message.id)
        return None


class RoomRequests:
    """The requests a seated player's room socket takes."""

    def __init__(self, runtime: Runtime, code: str, player: Player, token: str) -> None:
        self.rooms = runtime.rooms
        self.code = code
        self.player = player
        self.token = token

    def table(self) -> Handlers:
        """Each room message type and its handler."""
        return {
            RoomReady: self.ready,
            RoomSettings: self.settings,
            RoomChat: self.chat,
            RoomKick: self.kick,
            RoomLeave: self.leave,
            RoomStart: self.start,
            RoomJoin: self.join,
        }

    async def ready(self, message: RoomReady) -> None:
        """Set the player's readiness."""
        await self.rooms.ready(self.code, self.player.id, message.ready, self._reply(message))

    async def settings(self, message: RoomSettings) -> None:
        """Change the room's size or settings (the owner only)."""
        settings = None if message.settings is None else dict(message.settings)
        reply = self._reply(message)
        await self.rooms.configure(self.code, self.player.id, message.max_players, settings, reply)

    async def chat(self, message: RoomChat) -> None:
        """Send a chat line to the room."""
        await self.rooms.chat(self.code, self.player.to_wire(), message.text, self._reply(message))

    async def kick(self, message: RoomKick) -> None:
        """Remove another player (the owner only)."""
        reply = self._reply(message)
        await self.rooms.kick(self.code, self.player.id, message.player_id, reply)

    async def leave(self, message: RoomLeave) -> None:
        """Give up the seat."""
        await self.rooms.leave(self.code, self.player.id)

    async def start(self, message: RoomStart) -> None:
        """Start the match (the owner only)."""
        await self.rooms.start(self.code, self.player.id, self._reply(message))

    async def join(self, message: RoomJoin) -> None:
        """Refuse a second room.join."""
        raise AlreadyJoined("this socket has already joined the room")

    def _reply(self, message: ClientMessage) -> Reply:
        return Reply(self.token, message.id)
