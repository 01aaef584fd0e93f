"""Presence in a match: a dropped seat keeps its place for a grace period, then counts as gone.
A seat whose socket was on a process that died counts as dropped once that process is reaped."""

from __future__ import annotations

from gamerooms.protocol import frames
from gamerooms.rooms.announcement import EVERYONE, Announcement
from gamerooms.rooms.keys import match_presence_key
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.live import PAUSED, LiveMatch
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.timers import Timers

GRACE_TIMER = "grace"
ARRIVAL_TIMER = "arrival"


class SeatPresence:
    """Counts each seat's sockets; announces drops and returns; pauses when a grace runs out."""

    def __init__(
        self,
        matches: MatchService,
        leases: Leases,
        timers: Timers,
        pauses: Pauses,
        grace_seconds: float,
    ) -> None:
        self._matches = matches
        self._leases = leases
        self._timers = timers
        self._pauses = pauses
        self._grace = grace_seconds
        timers.on(GRACE_TIMER, self._grace_over)
        timers.on(ARRIVAL_TIMER, self._grace_over)
        matches.on_start(self.expect)
        leases.on("match", self._left_behind)  # match_presence_key

    async def expect(self, match: LiveMatch) -> None:
        """Give every person seated in a match that nobody here has connected to yet the
        grace period to arrive; a seat still empty after it counts as gone, as a dropped one."""
        if match.finished:
            return
        for seat in match.humans():
            await self._timers.set(ARRIVAL_TIMER, f"{match.id}/{seat}", self._grace)

    async def connected(self, match_id: str, seat: int) -> LiveMatch:
        """A socket for this seat opened; the match as it is once the seat counts as connected
        (the socket's match.state: what changes later reaches the socket as an update)."""
        count = await self._leases.hold(match_presence_key(match_id), str(seat))
        if count == 1:
            key = f"{match_id}/{seat}"
            _, was_away = await self._timers.cancel_each([(ARRIVAL_TIMER, key), (GRACE_TIMER, key)])
            if was_away:
                back = frames.player_reconnected(seat)
                notice = Announcement(frames={EVERYONE: back}, skip=[str(seat)])
                await self._matches.announce(match_id, notice)
        # A new socket of the seat that the others decide on takes it back: its player came
        # back (or, idle until now, opened the match again) before anyone decided.
        match = await self._matches.get(match_id)
        if match.status == PAUSED and match.pause is not None and match.pause.seat == seat:
            return await self._pauses.welcome_back(match_id, seat)
        return match

    async def disconnected(self, match_id: str, seat: int, gone: bool) -> None:
        """A socket for this seat closed; `gone` when the seat needs no grace (its player left
        or was replaced, or the match is over)."""
        count = await self._leases.release(match_presence_key(match_id), str(seat))
        if count is None or count > 0 or gone:
            return
        await self._dropped(match_id, seat)

    async def _left_behind(self, match_id: str, seat: str) -> None:
        """The seat's last socket was on a process that died."""
        await self._dropped(match_id, int(seat))

    async def _dropped(self, match_id: str, seat: int) -> None:
        """Announce the drop and give the seat its grace (unless the match is over, or a bot's)."""
        match = await self._matches.get(match_id)
        if match.finished or match.is_bot(seat):
            return
        grace_until = self._matches.clock.now() + self._grace
        await self._timers.set(GRACE_TIMER, f"{match_id}/{seat}", self._grace)
        dropped = frames.player_disconnected(seat, frames.iso(grace_until))
        await self._matches.announce(match_id, Announcement(frames={EVERYONE: dropped}))

    async def _grace_over(self, key: str, payload: bytes) -> None:
        match_id, _, seat = key.partition("/")
        if int(seat) in await self._matches.connected_seats(match_id):
            return
        match = await self._matches.get(match_id)
        if not match.finished and not match.is_bot(int(seat)):
            await self._pauses.lose_seat(match_id, int(seat), "timeout")
