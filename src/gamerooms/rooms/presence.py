"""Presence in a match: a dropped seat keeps its place for a grace period, then counts as gone."""

from __future__ import annotations

from gamerooms.protocol import frames
from gamerooms.rooms.announcement import EVERYONE, Announcement
from gamerooms.rooms.live import PAUSED
from gamerooms.rooms.matches import MatchService, presence_key
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.ports import Store
from gamerooms.rooms.timers import Timers

GRACE_TIMER = "grace"


class SeatPresence:
    """Counts each seat's sockets; announces drops and returns; pauses when a grace runs out."""

    def __init__(
        self,
        matches: MatchService,
        store: Store,
        timers: Timers,
        pauses: Pauses,
        grace_seconds: float,
    ) -> None:
        self._matches = matches
        self._store = store
        self._timers = timers
        self._pauses = pauses
        self._grace = grace_seconds
        timers.on(GRACE_TIMER, self._grace_over)

    async def connected(self, match_id: str, seat: int) -> None:
        """A socket for this seat opened."""
        count = await self._store.adjust_presence(presence_key(match_id), str(seat), 1)
        if count != 1:
            return
        if await self._timers.cancel(GRACE_TIMER, f"{match_id}/{seat}"):
            back = frames.player_reconnected(seat)
            notice = Announcement(frames={EVERYONE: back}, skip=[str(seat)])
            await self._matches.announce(match_id, notice)
        match = await self._matches.get(match_id)
        if match.status == PAUSED and match.pause is not None and match.pause.seat == seat:
            await self._pauses.welcome_back(match_id, seat)

    async def disconnected(self, match_id: str, seat: int, gone: bool) -> None:
        """A socket for this seat closed; `gone` when the player left or was replaced."""
        count = await self._store.adjust_presence(presence_key(match_id), str(seat), -1)
        if count > 0 or gone:
            return
        match = await self._matches.get(match_id)
        if match.finished or match.is_bot(seat):
            return
        grace_until = self._matches.clock.now() + self._grace
        await self._timers.set(GRACE_TIMER, f"{match_id}/{seat}", self._grace)
        dropped = frames.player_disconnected(seat, frames.iso(grace_until))
        await self._matches.announce(match_id, Announcement(frames={EVERYONE: dropped}))

    async def _grace_over(self, key: str, payload: bytes) -> None:
        match_id, _, seat = key.partition("/")
        if seat in await self._store.presence(presence_key(match_id)):
            return
        match = await self._matches.get(match_id)
        if not match.finished and not match.is_bot(int(seat)):
            await self._pauses.lose_seat(match_id, int(seat), "timeout")
