"""`/ws/rooms/<code>/`: a seated player's socket in a room."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import GameError
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
from gamerooms.rooms.attempts import RateLimited
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.rendering import Reply
from gamerooms.rooms.rooms import AlreadyJoined, presence_key, room_topic
from gamerooms.rooms.secrets import normalize_code
from gamerooms.runtime import Runtime
from gamerooms.transport.endpoint import Endpoint
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket

HANDED_OVER = {CloseCode.LEFT, CloseCode.MOVED, CloseCode.REPLACED, CloseCode.KICKED}
"""Closes after which the seat needs no grace period."""


def _join_refused_close(refusal: Refusal) -> CloseCode:
    """The close after a refused `room.join`: no room 4004, too many attempts 4008, else 4003."""
    if isinstance(refusal, NotFound):
        return CloseCode.NOT_FOUND
    if isinstance(refusal, RateLimited):
        return CloseCode.POLICY
    return CloseCode.FORBIDDEN


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
            await socket.refuse(ErrorCode.NOT_FOUND, exc.message, CloseCode.NOT_FOUND)
            return
        messages = socket.messages()
        join = await self._first_join(socket, messages)
        if join is None:
            return
        member = RoomMember(socket, player.id)
        await runtime.fanout.attach(room_topic(code), member)
        await runtime.store.adjust_presence(presence_key(code), player.id, 1)
        try:
            if not await self._join(socket, runtime, code, player, join, member.token):
                return
            async for message in messages:
                reply = Reply(member.token, message.id)
                try:
                    await self._handle(message, socket, code, player, runtime, reply)
                except (GameError, Refusal) as exc:
                    await socket.send_error(exc.code, exc.message, message.id)
        finally:
            left = await runtime.store.adjust_presence(presence_key(code), player.id, -1)
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
            await socket.refuse(exc.code, exc.message, _join_refused_close(exc), join.id)
            return False
        return True

    @staticmethod
    async def _first_join(socket: WebSocket, messages: Any) -> RoomJoin | None:
        async for message in messages:
            if isinstance(message, RoomJoin):
                return message
            text = "the first frame on a room socket must be room.join"
            await socket.send_error(ErrorCode.BAD_MESSAGE, text, message.id)
        return None

    @staticmethod
    async def _handle(
        message: ClientMessage,
        socket: WebSocket,
        code: str,
        player: Player,
        runtime: Runtime,
        reply: Reply,
    ) -> None:
        rooms = runtime.rooms
        if isinstance(message, RoomReady):
            await rooms.ready(code, player.id, message.ready, reply)
        elif isinstance(message, RoomSettings):
            settings = None if message.settings is None else dict(message.settings)
            await rooms.configure(code, player.id, message.max_players, settings, reply)
        elif isinstance(message, RoomChat):
            await rooms.chat(code, player.to_wire(), message.text, reply)
        elif isinstance(message, RoomKick):
            await rooms.kick(code, player.id, message.player_id, reply)
        elif isinstance(message, RoomLeave):
            await rooms.leave(code, player.id)
        elif isinstance(message, RoomStart):
            await rooms.start(code, player.id, reply)
        elif isinstance(message, RoomJoin):
            raise AlreadyJoined("this socket has already joined the room")
        else:
            await socket.reject(message)
