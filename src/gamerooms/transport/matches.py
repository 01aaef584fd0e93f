"""`/ws/matches/<match_id>/`: seated players act and chat; everyone gets their own view."""

from __future__ import annotations

from typing import Any

from gamerooms.models import Player
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.messages import (
    ClientMessage,
    MatchAction,
    MatchChat,
    MatchEnd,
    MatchLeave,
    MatchReplaceWithBot,
)
from gamerooms.rooms.announcement import PUBLIC, Announcement
from gamerooms.rooms.errors import NotAuthorized, Refusal
from gamerooms.rooms.keys import match_topic
from gamerooms.rooms.live import LiveMatch
from gamerooms.rooms.rendering import Reply, ends_match, state_frame
from gamerooms.runtime import Runtime
from gamerooms.transport.auth import query_params
from gamerooms.transport.endpoint import Endpoint, Handlers, dispatch, refuse
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket


class MatchSocket(SocketRecipient):
    """A seat's socket; holds updates back until match.state is sent, then sends newer ones."""

    __slots__ = ("_version", "finished", "seat")

    def __init__(self, socket: WebSocket, seat: int | None) -> None:
        super().__init__(socket, PUBLIC if seat is None else str(seat), holding=True)
        self.seat = seat
        self.finished = False
        """Whether this socket knows the match is over (a match that is stays so)."""
        self._version = 0

    async def handle(self, announcement: Announcement) -> None:
        """Send this seat's frame unless the state already sent includes it."""
        self.finished = self.finished or ends_match(announcement)
        if announcement.version == 0 or announcement.version > self._version:
            await super().handle(announcement)

    async def send_state(self, version: int, text: str) -> None:
        """Send match.state, then whatever was held back and is newer."""
        await self.socket.send_text(text)
        self._version = version
        await self.release()


GONE = {CloseCode.LEFT, CloseCode.REPLACED}
"""Closes after which a seat needs no reconnection grace."""

SEATED_ONLY = (MatchAction, MatchReplaceWithBot, MatchEnd)
"""The requests only a seat may make."""


class MatchEndpoint(Endpoint):
    """Serves one seat of a match, or a spectator (`?spectate=1`, if the match allows)."""

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Attach the socket to the match, send the state, then handle its messages."""
        match_id = params["match_id"]
        try:
            match = await runtime.matches.get(match_id)
            seat = _seat_for(match, player, socket)
        except Refusal as exc:
            await refuse(socket, exc)
            return
        watcher = MatchSocket(socket, seat)
        await runtime.fanout.attach(match_topic(match_id), watcher)
        try:
            await runtime.autoplay.schedule(match)  # wakes bots and clocks, should they stall
            if seat is None:
                match = await runtime.matches.get(match_id)
            else:
                match = await runtime.presence.connected(match_id, seat)
                watcher.generation = await runtime.matches.next_claim(match_id, seat)
                await runtime.matches.claim_seat(match_id, seat, watcher.token, watcher.generation)
            await self._send_state(watcher, runtime, match)
            requests = (
                WatcherRequests(watcher, player, runtime, match_id)
                if seat is None
                else SeatRequests(watcher, player, runtime, match_id, seat)
            )
            await dispatch(socket, socket.messages(), requests.table())
        finally:
            if seat is not None:
                gone = socket.close_code in GONE or watcher.finished
                await runtime.presence.disconnected(match_id, seat, gone)
            await runtime.fanout.detach(match_topic(match_id), watcher)

    @staticmethod
    async def _send_state(watcher: MatchSocket, runtime: Runtime, match: LiveMatch) -> None:
        """Send match.state (`match` read once the socket was attached), then its pause."""
        connected = await runtime.matches.connected_seats(match.id)
        watcher.finished = match.finished
        await watcher.send_state(match.version, state_frame(match, watcher.seat, connected))
        if match.pause is not None:
            pause = match.pause
            paused = frames.match_paused(pause.seat, pause.reason, frames.iso(pause.decide_by))
            await watcher.socket.send_text(paused)


def _seat_for(match: LiveMatch, player: Player, socket: WebSocket) -> int | None:
    """The player's seat, or None for a spectator; NotAuthorized unless seated or spectating
    (`?spectate=1`) a match that allows it."""
    seat = match.seat_of(player.id)
    spectating = query_params(socket.scope).get("spectate") in ("1", "true")
    if seat is None and not (spectating and match.options.spectators):
        raise NotAuthorized("you are not seated in this match")
    return seat


class WatcherRequests:
    """The requests a spectator's socket takes: chat and leave; a seat's requests are refused."""

    def __init__(
        self, watcher: MatchSocket, player: Player, runtime: Runtime, match_id: str
    ) -> None:
        self.watcher = watcher
        self.player = player
        self.runtime = runtime
        self.match_id = match_id

    def table(self) -> Handlers:
        """Each match message type and its handler."""
        refused: Handlers = {kind: self.spectating for kind in SEATED_ONLY}
        return {MatchChat: self.chat, MatchLeave: self.leave, **refused}

    async def chat(self, message: MatchChat) -> None:
        """Send a chat line to everyone in the match."""
        sender = self.player.to_wire()
        await self.runtime.matches.chat(self.match_id, sender, message.text, self._reply(message))

    async def leave(self, message: MatchLeave) -> None:
        """Close 4000."""
        await self.watcher.socket.close(CloseCode.LEFT)

    async def spectating(self, message: ClientMessage) -> None:
        """Refuse a seat's request."""
        raise NotAuthorized("spectators can only chat")

    def _reply(self, message: ClientMessage) -> Reply:
        return Reply(self.watcher.token, message.id)


class SeatRequests(WatcherRequests):
    """The requests a seat's socket takes: chat, act, answer a pause, leave."""

    def __init__(
        self, watcher: MatchSocket, player: Player, runtime: Runtime, match_id: str, seat: int
    ) -> None:
        super().__init__(watcher, player, runtime, match_id)
        self.seat = seat

    def table(self) -> Handlers:
        """Each match message type and its handler."""
        return {
            **super().table(),
            MatchAction: self.act,
            MatchReplaceWithBot: self.replace_with_bot,
            MatchEnd: self.end,
        }

    async def act(self, message: MatchAction) -> None:
        """Play an action for this seat."""
        reply = self._reply(message)
        await self.runtime.matches.act(
            self.match_id, self.seat, message.action, message.data, message.version, reply
        )

    async def replace_with_bot(self, message: MatchReplaceWithBot) -> None:
        """Answer a pause: a bot takes the lost seat."""
        reply = self._reply(message)
        await self.runtime.pauses.replace_with_bot(self.match_id, message.seat, self.seat, reply)

    async def end(self, message: MatchEnd) -> None:
        """Answer a pause: end the match."""
        await self.runtime.pauses.end(self.match_id, self.seat, self._reply(message))

    async def leave(self, message: MatchLeave) -> None:
        """The leaver gets its final view, then 4000 once the match has paused (or ended), so a
        player who comes straight back finds the match as the others do."""
        runtime, match_id = self.runtime, self.match_id
        match = await runtime.matches.get(match_id)
        connected = await runtime.matches.connected_seats(match_id)
        await self.watcher.socket.send_text(state_frame(match, self.seat, connected))
        await runtime.fanout.detach(match_topic(match_id), self.watcher)
        if not match.finished:
            await runtime.pauses.lose_seat(match_id, self.seat, "left")
        await self.watcher.socket.close(CloseCode.LEFT)
