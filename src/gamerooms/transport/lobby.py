"""`/ws/lobby/`: the live room list, drafts, and room creation."""

from __future__ import annotations

from typing import Any

from gamerooms.models import Player
from gamerooms.protocol import frames
from gamerooms.protocol.messages import (
    LobbyFilter,
    RoomCreate,
    RoomDraftCancel,
    RoomDrafting,
)
from gamerooms.rooms.announcement import Announcement
from gamerooms.rooms.keys import LOBBY_TOPIC
from gamerooms.rooms.lobby import ADDED, REMOVED, UPDATED
from gamerooms.rooms.lobby import LobbyFilter as Wanted
from gamerooms.runtime import Runtime
from gamerooms.transport.endpoint import Endpoint, Handlers, dispatch
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket


class LobbySocket(SocketRecipient):
    """A lobby socket: sends room changes as its filter and what it has shown call for."""

    __slots__ = ("pending_id", "shown", "wanted")

    def __init__(self, socket: WebSocket) -> None:
        super().__init__(socket, "lobby", holding=True)
        self.wanted = Wanted()
        self.shown: set[str] = set()
        self.pending_id: str | None = None

    async def handle(self, announcement: Announcement) -> None:
        """Send added / updated / removed for this socket's view of the list."""
        subject = announcement.subject
        if subject is None:
            await super().handle(announcement)
            return
        room_id = subject["id"]
        visible = self.wanted.wants(subject["game"], subject["status"])
        if visible:
            kind = UPDATED if room_id in self.shown else ADDED
            self.shown.add(room_id)
        elif room_id in self.shown:
            kind = REMOVED
            self.shown.discard(room_id)
        else:
            return
        await self.socket.send_text(announcement.frames[kind])

    async def send_rooms(self, rooms: list[dict[str, Any]], request_id: Any = None) -> None:
        """Send a fresh lobby.rooms and remember what it showed."""
        self.shown = {room["id"] for room in rooms}
        await self.socket.send_text(frames.lobby_rooms(rooms, request_id))


class LobbyEndpoint(Endpoint):
    """Serves the lobby."""

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Send the room list and drafts, then keep them current and handle requests."""
        lobby = LobbySocket(socket)
        await runtime.fanout.attach(LOBBY_TOPIC, lobby)
        try:
            await lobby.send_rooms(await runtime.lobby.rooms(lobby.wanted))
            for pending_id, by in await runtime.lobby.drafts():
                await socket.send_text(frames.lobby_room_pending(pending_id, by))
            await lobby.release()
            requests = LobbyRequests(lobby, player, runtime)
            await dispatch(socket, socket.messages(), requests.table())
        finally:
            if lobby.pending_id is not None:
                await runtime.lobby.end_draft(lobby.pending_id)
            await runtime.fanout.detach(LOBBY_TOPIC, lobby)


class LobbyRequests:
    """The requests a lobby socket takes, for one player."""

    def __init__(self, lobby: LobbySocket, player: Player, runtime: Runtime) -> None:
        self.lobby = lobby
        self.player = player
        self.runtime = runtime

    def table(self) -> Handlers:
        """Each lobby message type and its handler."""
        return {
            LobbyFilter: self.filter,
            RoomDrafting: self.drafting,
            RoomDraftCancel: self.draft_cancel,
            RoomCreate: self.create,
        }

    async def filter(self, message: LobbyFilter) -> None:
        """Change what the list shows and send it afresh."""
        self.lobby.wanted = Wanted(message.game, message.only_open)
        await self.lobby.send_rooms(await self.runtime.lobby.rooms(self.lobby.wanted), message.id)

    async def drafting(self, message: RoomDrafting) -> None:
        """Announce a draft, unless this socket's is still pending."""
        lobby, rooms = self.lobby, self.runtime.lobby
        if lobby.pending_id is None or not await rooms.draft_pending(lobby.pending_id):
            lobby.pending_id = await rooms.start_draft(self.player.to_wire())

    async def draft_cancel(self, message: RoomDraftCancel) -> None:
        """End this socket's draft."""
        await self._end_draft()

    async def create(self, message: RoomCreate) -> None:
        """Create a room, end the draft, list the room, and answer `room.created`."""
        room = await self.runtime.rooms.prepare(
            self.player.to_wire(),
            message.name,
            message.game,
            message.max_players,
            message.private,
            message.password,
            dict(message.settings),
        )
        await self._end_draft()
        await self.runtime.rooms.open(room)
        await self.lobby.socket.send_text(frames.room_created(room.summary(), message.id))

    async def _end_draft(self) -> None:
        if self.lobby.pending_id is not None:
            pending_id, self.lobby.pending_id = self.lobby.pending_id, None
            await self.runtime.lobby.end_draft(pending_id)
