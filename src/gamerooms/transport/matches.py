"""`/ws/matches/<match_id>/`: seated players act and chat; everyone gets their own view."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import GameError
from gamerooms.models import Player
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.messages import (
    ClientMessage,
    MatchAction,
    MatchChat,
    MatchEnd,
    MatchLeave,
    MatchReplaceWithBot,
)
from gamerooms.rooms.announcement import PUBLIC, Announcement
from gamerooms.rooms.errors import NotAuthorized, NotFound, Refusal
from gamerooms.rooms.ports import match_topic
from gamerooms.rooms.rendering import Reply, state_frame
from gamerooms.runtime import Runtime
from gamerooms.transport.auth import query_params
from gamerooms.transport.endpoint import Endpoint
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket


class MatchSocket(SocketRecipient):
    """A seat's socket; holds updates back until match.state is sent, then sends newer ones."""

    __slots__ = ("_version", "seat")

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


GONE = {CloseCode.LEFT, CloseCode.REPLACED}
"""Closes after which a seat needs no reconnection grace."""


class MatchEndpoint(Endpoint):
    """Serves one seat of a match, or a spectator (`?spectate=1`, if the match allows)."""

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
        spectating = query_params(socket.scope).get("spectate") in ("1", "true")
        if seat is None and not (spectating and match.options.spectators):
            refusal = "you are not seated in this match"
            await socket.refuse(ErrorCode.NOT_AUTHORIZED, refusal, CloseCode.FORBIDDEN)
            return
        watcher = MatchSocket(socket, seat)
        await runtime.fanout.attach(match_topic(match_id), watcher)
        try:
            await runtime.autoplay.schedule(match)  # wakes bots and clocks, should they stall
            if seat is not None:
                await runtime.presence.connected(match_id, seat)
                watcher.generation = await runtime.matches.next_claim(match_id, seat)
                await runtime.matches.claim_seat(match_id, seat, watcher.token, watcher.generation)
            await self._send_state(watcher, runtime, match_id)
            async for message in socket.messages():
                await self._handle(message, watcher, player, runtime, match_id)
        finally:
            if seat is not None:
                gone = socket.close_code in GONE
                await runtime.presence.disconnected(match_id, seat, gone)
            await runtime.fanout.detach(match_topic(match_id), watcher)

    @staticmethod
    async def _send_state(watcher: MatchSocket, runtime: Runtime, match_id: str) -> None:
        match = await runtime.matches.get(match_id)
        connected = await runtime.matches.connected_seats(match_id)
        await watcher.send_state(match.version, state_frame(match, watcher.seat, connected))
        if match.pause is not None:
            pause = match.pause
            paused = frames.match_paused(pause.seat, pause.reason, frames.iso(pause.decide_by))
            await watcher.socket.send_text(paused)

    async def _handle(
        self,
        message: ClientMessage,
        watcher: MatchSocket,
        player: Player,
        runtime: Runtime,
        match_id: str,
    ) -> None:
        socket, seat = watcher.socket, watcher.seat
        reply = Reply(watcher.token, message.id)
        try:
            if isinstance(message, MatchChat):
                await runtime.matches.chat(match_id, player.to_wire(), message.text, reply)
            elif isinstance(message, MatchLeave):
                await self._leave(watcher, runtime, match_id)
            elif seat is None and isinstance(message, SEATED_ONLY):
                raise NotAuthorized("spectators can only chat")
            elif isinstance(message, MatchAction) and seat is not None:
                await runtime.matches.act(
                    match_id, seat, message.action, message.data, message.version, reply
                )
            elif isinstance(message, MatchReplaceWithBot):
                await runtime.pauses.replace_with_bot(match_id, message.seat, seat, reply)
            elif isinstance(message, MatchEnd) and seat is not None:
                await runtime.pauses.end(match_id, seat, reply)
            else:
                await socket.reject(message)
        except (GameError, Refusal) as exc:
            await socket.send_error(exc.code, exc.message, message.id)

    async def _leave(self, watcher: MatchSocket, runtime: Runtime, match_id: str) -> None:
        """The leaver gets its final view, then 4000 once the match has paused (or ended), so a
        player who comes straight back finds the match as the others do."""
        seat = watcher.seat
        if seat is None:
            await watcher.socket.close(CloseCode.LEFT)
            return
        match = await runtime.matches.get(match_id)
        connected = await runtime.matches.connected_seats(match_id)
        await watcher.socket.send_text(state_frame(match, seat, connected))
        await runtime.fanout.detach(match_topic(match_id), watcher)
        if not match.finished:
            await runtime.pauses.lose_seat(match_id, seat, "left")
        await watcher.socket.close(CloseCode.LEFT)


SEATED_ONLY = (MatchAction, MatchReplaceWithBot, MatchEnd)
