"""The lobby: the list of open rooms, its live updates, and drafts (someone creating a room).
A draft is held by the process serving its lobby socket, and ends when that process dies."""

from __future__ import annotations

import secrets
from typing import Any

import orjson

from gamerooms.protocol import frames
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.holdings import Holdings, LimitReached
from gamerooms.rooms.keys import DRAFTS, LISTED_ROOMS, LOBBY_TOPIC, draft_key, room_key
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.ports import Clock, Publication, Store
from gamerooms.rooms.room import Room, decode_room
from gamerooms.rooms.timers import Timers

DRAFT_TIMER = "draft"

ADDED, UPDATED, REMOVED = "added", "updated", "removed"


def lobby_change(before: Room | None, after: Room | None) -> Publication | None:
    """What the lobby hears when a room changes (nothing for private rooms).

    The announcement carries an added, an updated and a removed frame plus the room's facts, so
    each lobby socket sends the one that fits its filter and what it has shown so far."""
    room = after or before
    if room is None or room.private:
        return None
    subject: dict[str, Any] = {"id": room.id, "game": room.game, "status": None}
    room_frames = {REMOVED: frames.lobby_room_removed(room.id)}
    if after is not None:
        summary = after.summary()
        subject["status"] = after.status
        room_frames[ADDED] = frames.lobby_room_added(summary)
        room_frames[UPDATED] = frames.lobby_room_updated(summary)
    announcement = Announcement(frames=room_frames, subject=subject)
    return LOBBY_TOPIC, encode_announcement(announcement)


class LobbyFilter:
    """Which rooms one lobby socket wants to see."""

    def __init__(self, game: str | None = None, only_open: bool = False) -> None:
        self.game = game
        self.only_open = only_open

    def wants(self, game: str, status: str | None) -> bool:
        """Whether a room of this game and status (None: gone) is shown."""
        if status is None:
            return False
        if self.game is not None and game != self.game:
            return False
        return not self.only_open or status == "open"


class LobbyService:
    """Reads the room list and tracks drafts."""

    def __init__(
        self,
        store: Store,
        timers: Timers,
        leases: Leases,
        clock: Clock,
        draft_seconds: float,
        max_drafts_per_player: int,
    ) -> None:
        self._store = store
        self._timers = timers
        self._leases = leases
        self._clock = clock
        self._draft_seconds = draft_seconds
        self._drafting = Holdings(store, "drafts", max_drafts_per_player, self._still_drafting)
        timers.on(DRAFT_TIMER, self._draft_lapsed)
        leases.on("lobby", self._left_behind)  # DRAFTS

    async def rooms(self, wanted: LobbyFilter) -> list[dict[str, Any]]:
        """Summaries of the listed rooms the filter wants, oldest first."""
        codes = sorted(await self._store.set_members(LISTED_ROOMS))
        stored = await self._store.load_many([room_key(code) for code in codes])
        rooms = [decode_room(blob) for _, blob in filter(None, stored)]
        rooms.sort(key=lambda room: room.created_at)
        return [room.summary() for room in rooms if wanted.wants(room.game, room.status)]

    async def drafts(self) -> list[tuple[str, dict[str, Any]]]:
        """Live drafts as (pending_id, player)."""
        ids = sorted(await self._store.set_members(DRAFTS))
        stored = await self._store.load_many([draft_key(pending_id) for pending_id in ids])
        return [
            (pending_id, orjson.loads(found[1]))
            for pending_id, found in zip(ids, stored, strict=True)
            if found is not None
        ]

    async def start_draft(self, player: dict[str, Any]) -> str:
        """Tell the lobby someone is creating a room; the draft's pending id. LimitReached if
        the player has as many drafts open as allowed."""
        pending_id = "d" + secrets.token_hex(6)
        await self._store.create(draft_key(pending_id), orjson.dumps(player))
        try:
            await self._drafting.take(player["id"], pending_id)
        except LimitReached:
            await self._store.delete(draft_key(pending_id))
            raise
        await self._leases.hold(DRAFTS, pending_id)
        await self._store.set_add(DRAFTS, pending_id)
        await self._timers.set(DRAFT_TIMER, pending_id, self._draft_seconds)
        await self._announce(frames.lobby_room_pending(pending_id, player))
        return pending_id

    async def _still_drafting(self, player_id: str, pending_ids: list[str]) -> list[bool]:
        stored = await self._store.load_many([draft_key(pending_id) for pending_id in pending_ids])
        return [found is not None for found in stored]

    async def draft_pending(self, pending_id: str) -> bool:
        """Whether this draft is still pending (not ended, not lapsed)."""
        return await self._store.load(draft_key(pending_id)) is not None

    async def end_draft(self, pending_id: str) -> None:
        """The draft was cancelled, abandoned or turned into a room."""
        await self._timers.cancel(DRAFT_TIMER, pending_id)
        await self._drop_draft(pending_id)

    async def drop_drafts(self) -> None:
        """Forget every draft (after a restart: the lobby sockets that made them are gone)."""
        for pending_id in await self._store.set_members(DRAFTS):
            await self.end_draft(pending_id)

    async def _draft_lapsed(self, pending_id: str, _: bytes) -> None:
        await self._drop_draft(pending_id)

    async def _left_behind(self, drafts: str, pending_id: str) -> None:
        """The draft's lobby socket was on a process that died."""
        await self.end_draft(pending_id)

    async def _drop_draft(self, pending_id: str) -> None:
        await self._leases.release(DRAFTS, pending_id)
        if await self._store.set_remove(DRAFTS, pending_id):
            await self._store.delete(draft_key(pending_id))
            await self._announce(frames.lobby_room_pending_cancelled(pending_id))

    async def _announce(self, text: str) -> None:
        announcement = Announcement(frames={EVERYONE: text})
        await self._store.publish(LOBBY_TOPIC, encode_announcement(announcement))
