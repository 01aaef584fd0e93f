"""`/ws/matches/<match_id>/`: seated players act and chat; everyone gets their own view."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import GameError
from gamerooms.models import Player
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.messages import ClientMessage, MatchAction, MatchChat, MatchLeave
from gamerooms.rooms.announcement import PUBLIC, Announcement
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.matches import presence_key
from gamerooms.rooms.ports import match_topic
from gamerooms.rooms.rendering import Reply, state_frame
from gamerooms.runtime import Runtime
from gamerooms.transport.endpoint import Endpoint
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket


class MatchSocket(SocketRecipient):
    """A seat's socket; holds updates back until match.state is sent, then sends newer ones."""

    def __init__(self, socket: WebSocket, seat: int | None) -> None:
        super().__init__(socket, PUBLIC if seat is None else str(seat), holding=True)
        self.seat = seat
        self._version = 0

    async def handle(self, announcement: Announcement) -> None:
        """Send this seat's frame unless the state already sent includes it."""
        if announcement.version == 0 or announcement.version > self._version:
            await super().handle(announcement)

    async def send_state(self, version: int, text: str) -> None:
        """Send match.state, then whatever was held back and is newer."""
        await self.socket.send_text(text)
        self._version = version
        await self.release()


class MatchEndpoint(Endpoint):
    """Serves one seat (or, later, a spectator) of a match."""

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Attach the socket to the match, send the state, then handle its messages."""
        match_id = params["match_id"]
        try:
            match = await runtime.matches.get(match_id)
        except NotFound as exc:
            await socket.refuse(ErrorCode.NOT_FOUND, exc.message, CloseCode.NOT_FOUND)
            return
        seat = match.seat_of(player.id)
        if seat is None:
            refusal = "you are not seated in this match"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, refusal, CloseCode.FORBIDDEN)
            return
        seated = MatchSocket(socket, seat)
        await runtime.fanout.attach(match_topic(match_id), seated)
        await runtime.store.adjust_presence(presence_key(match_id), str(seat), 1)
        try:
            await runtime.matches.claim_seat(match_id, seat, seated.token)
            match = await runtime.matches.get(match_id)
            connected = await runtime.matches.connected_seats(match_id)
            await seated.send_state(match.version, state_frame(match, seat, connected))
            async for message in socket.messages():
                await self._handle(message, seated, player, runtime, match_id)
        finally:
            await runtime.store.adjust_presence(presence_key(match_id), str(seat), -1)
            await runtime.fanout.detach(match_topic(match_id), seated)

    async def _handle(
        self,
        message: ClientMessage,
        seated: MatchSocket,
        player: Player,
        runtime: Runtime,
        match_id: str,
    ) -> None:
        socket = seated.socket
        reply = Reply(seated.token, message.id)
        try:
            if isinstance(message, MatchAction) and seated.seat is not None:
                await runtime.matches.act(
                    match_id, seated.seat, message.action, message.data, message.version, reply
                )
            elif isinstance(message, MatchChat):
                await runtime.matches.chat(match_id, player.to_wire(), message.text, reply)
            elif isinstance(message, MatchLeave):
                await socket.close(CloseCode.LEFT)
            else:
                await socket.reject(message)
        except (GameError, Refusal) as exc:
            await socket.send_error(exc.code, exc.message, message.id)
